"""Writes of the API: score a known client or a posted application, explain the score, and
record every prediction served as a ``PredictionEvent``."""
from __future__ import annotations

import hashlib
import json
import math
import time
from typing import Any

import numpy as np
import pandas as pd

from ml.data.schema import SCHEMAS
from ml.features.online import application_features
from ml.model.reasons import reasons
from ml.model.scoring import CreditScoringModel
from scoring_api.scoring.client_store import Population
from scoring_api.scoring.models import PredictionEvent
from scoring_api.scoring.selectors import current, json_value, known_client

TOP_REASONS = 5
APPLICATION_COLUMNS = SCHEMAS["application_test"].columns
# Raw application fields a stored client can be rebuilt from: the model keeps them as they are.
CLIENT_CATEGORIES = {"NAME_CONTRACT_TYPE": "NAME_CONTRACT_TYPE", "CODE_GENDER": "CODE_GENDER",
                     "FLAG_OWN_CAR": "FLAG_OWN_CAR", "FLAG_OWN_REALTY": "FLAG_OWN_REALTY",
                     "NAME_FAMILY_STATUS": "NAME_FAMILY_STATUS",
                     "NAME_EDUCATION_TYPE": "NAME_EDUCATION_TYPE",
                     "NAME_INCOME_TYPE": "NAME_INCOME_TYPE", "OCCUPATION_TYPE": "OCCUPATION_TYPE"}


def _explained(model: CreditScoringModel, row: np.ndarray) -> dict[str, Any]:
    probability, base_value, contributions = model.score(row.reshape(1, -1))
    probability = float(probability[0])
    dictionary = model.dictionary
    return {
        "probability_default": round(probability, 6),
        "decision": model.decide(probability),
        "threshold": model.threshold,
        "model": {"name": model.name, "version": model.version},
        "base_value": round(float(base_value), 6),
        "reasons": reasons(model.features, row.tolist(), contributions[0], dictionary,
                           top=TOP_REASONS),
    }


def _record(model: CreditScoringModel, answer: dict, row: np.ndarray, started: float, *,
            endpoint: str, client_id: int | None, input_hash: str = "",
            simulation: bool = False) -> None:
    PredictionEvent.objects.create(
        endpoint=endpoint, client_id=client_id, input_hash=input_hash,
        model_name=model.name, model_version=model.version,
        probability_default=answer["probability_default"], decision=answer["decision"],
        threshold=model.threshold, latency_ms=(time.perf_counter() - started) * 1000,
        features={name: json_value(v) for name, v in zip(model.features, row.tolist())},
        source="realtime", simulation=simulation,
    )


def score_client(client_id: int) -> dict[str, Any]:
    """``GET /score/<id>``: the stored client's probability, decision and reasons."""
    started = time.perf_counter()
    model, population = current()
    known_client(population, client_id)
    row = population.row(client_id)
    answer = {"client_id": client_id, **_explained(model, row), "source": "realtime"}
    _record(model, answer, row, started, endpoint=PredictionEvent.Endpoint.SCORE_CLIENT,
            client_id=client_id)
    return answer


def input_hash(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored_application(population: Population, client_id: int,
                        features: list[str]) -> dict[str, Any]:
    """The raw application fields of a stored client that its features keep unchanged."""
    row = population.row(client_id)
    raw = {name: json_value(row[features.index(name)])
           for name in APPLICATION_COLUMNS if name in features}
    described = population.clients.loc[client_id]
    for column, source in CLIENT_CATEGORIES.items():
        value = described.get(source)
        if isinstance(value, (bool, np.bool_)):
            value = "Y" if value else "N"
        raw[column] = None if value is None or (isinstance(value, float) and math.isnan(value)) else value
    return raw


def score_application(fields: dict[str, Any], base_client_id: int | None) -> dict[str, Any]:
    """``POST /score``: a raw application (application_train names), alone or as changes to a
    stored client (a what-if: ``simulation`` true, never the client's decision)."""
    started = time.perf_counter()
    model, population = current()
    payload = {**fields, "base_client_id": base_client_id}
    features = model.features
    if base_client_id is None:
        application = pd.DataFrame([fields])
        derived = application_features(application)
        row = derived.reindex(columns=features).to_numpy("float64")[0]
    else:
        known_client(population, base_client_id)
        row = population.row(base_client_id)
        before = _stored_application(population, base_client_id, features)
        after = {**before, **fields}
        derived = application_features(pd.DataFrame([before, after])).reindex(columns=features)
        old, new = derived.to_numpy("float64")
        changed = ~((old == new) | (np.isnan(old) & np.isnan(new)))
        row[changed] = new[changed]  # only what the changes move: the rest stays the client's
    answer = {"client_id": base_client_id, **_explained(model, row), "source": "realtime",
              "simulation": base_client_id is not None, "input_hash": input_hash(payload)}
    _record(model, answer, row, started, endpoint=PredictionEvent.Endpoint.SCORE_APPLICATION,
            client_id=base_client_id, input_hash=answer["input_hash"],
            simulation=answer["simulation"])
    return answer
