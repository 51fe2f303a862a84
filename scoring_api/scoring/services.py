"""Writes of the API: score a known client or a posted application, explain the score, and
record every prediction served as a ``PredictionEvent``."""
from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import numpy as np
import pandas as pd

from ml.features.online import application_features, whatif_rows
from ml.model.reasons import reasons
from ml.model.scoring import CreditScoringModel
from scoring_api.scoring import event_store
from scoring_api.scoring.models import PredictionEvent
from scoring_api.scoring.selectors import current, known_client, stored_application
from scoring_api.scoring.shadow import shadow_score
from vocabulary import formats

TOP_REASONS = 5


def _explained(model: CreditScoringModel, row: np.ndarray) -> dict[str, Any]:
    """Probability, decision and reasons; each reason's effect also in probability points,
    which add up, with the other factors, from the common starting point to the probability."""
    probabilities, base_value, contributions = model.score(row.reshape(1, -1))
    probability = float(probabilities[0])
    start, points = model.probability_points(base_value, contributions, probabilities)
    explained = reasons(model.features, row.tolist(), contributions[0], model.dictionary,
                        top=TOP_REASONS, points=points[0])
    rest = np.ones(len(model.features), dtype=bool)
    rest[[model.features.index(reason["feature"]) for reason in explained]] = False
    other_points = float(points[0][rest].sum())
    return {
        "probability_default": round(probability, 6),
        "decision": model.decide(probability),
        "threshold": model.threshold,
        "model": {"name": model.name, "version": model.version},
        "base_value": round(float(base_value), 6),
        "base_probability": round(start, 6),
        "reasons": explained,
        "other_factors": {"count": int(rest.sum()),
                          "contribution": round(float(contributions[0][rest].sum()), 6),
                          "points": round(other_points, 6),
                          "display_points": formats.points(other_points)},
    }


def _record(model: CreditScoringModel, answer: dict, row: np.ndarray, started: float, *,
            endpoint: str, client_id: int | None, input_hash: str = "",
            simulation: bool = False) -> None:
    latency_ms = (time.perf_counter() - started) * 1000
    shadow = None if simulation else shadow_score(model, row)
    event_store.record(
        endpoint=endpoint, client_id=client_id, input_hash=input_hash,
        model_name=model.name, model_version=model.version,
        probability_default=answer["probability_default"], decision=answer["decision"],
        threshold=model.threshold, latency_ms=latency_ms,
        # the row as JSON: float64 values, missing (NaN) as null
        features=dict(zip(model.features, [None if v != v else v for v in row.tolist()])),
        source="realtime", simulation=simulation,
        **({} if shadow is None else {
            "challenger_model_version": shadow.version,
            "challenger_probability_default": shadow.probability_default,
            "challenger_threshold": shadow.threshold, "challenger_latency_ms": shadow.latency_ms}),
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
        application = stored_application(population, base_client_id, features)
        # only what the changes move: the rest stays the client's
        row = whatif_rows(population.row(base_client_id), features, application, [fields])[0]
    answer = {"client_id": base_client_id, **_explained(model, row), "source": "realtime",
              "simulation": base_client_id is not None, "input_hash": input_hash(payload)}
    _record(model, answer, row, started, endpoint=PredictionEvent.Endpoint.SCORE_APPLICATION,
            client_id=base_client_id, input_hash=answer["input_hash"],
            simulation=answer["simulation"])
    return answer
