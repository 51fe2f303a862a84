"""What the API does: score a known client or a posted application, explain the score, and
record every prediction served as a ``PredictionEvent``."""
from __future__ import annotations

import hashlib
import json
import math
import time
from typing import Any

import numpy as np
import pandas as pd

from ml.features import application_features
from ml.inference import ScoringModel
from ml.reasons import display_value, reasons
from ml.schema import SCHEMAS
from scoring_api.config.errors import ClientNotFound
from scoring_api.scoring.client_store import Population, populations
from scoring_api.scoring.model_store import models
from scoring_api.scoring.models import PredictionEvent

TOP_REASONS = 5
APPLICATION_COLUMNS = SCHEMAS["application_test"].columns
# Raw application fields a stored client can be rebuilt from: the model keeps them as they are.
CLIENT_CATEGORIES = {"NAME_CONTRACT_TYPE": "NAME_CONTRACT_TYPE", "CODE_GENDER": "CODE_GENDER",
                     "FLAG_OWN_CAR": "FLAG_OWN_CAR", "FLAG_OWN_REALTY": "FLAG_OWN_REALTY",
                     "NAME_FAMILY_STATUS": "NAME_FAMILY_STATUS",
                     "NAME_EDUCATION_TYPE": "NAME_EDUCATION_TYPE",
                     "NAME_INCOME_TYPE": "NAME_INCOME_TYPE", "OCCUPATION_TYPE": "OCCUPATION_TYPE"}


_warm = {"done": False}


def current() -> tuple[ScoringModel, Population]:
    """The champion of this worker and the clients it scores (raise 503 when missing)."""
    model = models.get()
    population = populations.get(model.features)
    if not _warm["done"]:  # compile the raw-application query now (~1 s), not on a POST
        application_features(pd.DataFrame([{"AMT_CREDIT": 1.0}]))
        _warm["done"] = True
    return model, population


def known_client(population: Population, client_id: int) -> None:
    if client_id not in population:
        raise ClientNotFound(client_id)


def _json_value(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _explained(model: ScoringModel, row: np.ndarray) -> dict[str, Any]:
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


def _record(model: ScoringModel, answer: dict, row: np.ndarray, started: float, *,
            endpoint: str, client_id: int | None, input_hash: str = "",
            simulation: bool = False) -> None:
    PredictionEvent.objects.create(
        endpoint=endpoint, client_id=client_id, input_hash=input_hash,
        model_name=model.name, model_version=model.version,
        probability_default=answer["probability_default"], decision=answer["decision"],
        threshold=model.threshold, latency_ms=(time.perf_counter() - started) * 1000,
        features={name: _json_value(v) for name, v in zip(model.features, row.tolist())},
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
    raw = {name: _json_value(row[features.index(name)])
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


# --- descriptive data -----------------------------------------------------------------------

CLIENT_FIELDS = (  # contract name, clients.parquet column, French label, unit
    ("sex", "CODE_GENDER", "Sexe", ""),
    ("age_years", "AGE_YEARS", "Âge", "ans"),
    ("employment_years", "EMPLOYMENT_YEARS", "Ancienneté dans l'emploi", "ans"),
    ("income", "AMT_INCOME_TOTAL", "Revenus annuels", "€"),
    ("credit", "AMT_CREDIT", "Montant du crédit", "€"),
    ("annuity", "AMT_ANNUITY", "Annuité", "€"),
    ("goods_price", "AMT_GOODS_PRICE", "Prix du bien financé", "€"),
    ("credit_term_months", "CREDIT_TERM_MONTHS", "Durée du crédit", "mois"),
    ("contract_type", "NAME_CONTRACT_TYPE", "Type de contrat", ""),
    ("family_status", "NAME_FAMILY_STATUS", "Situation familiale", ""),
    ("education", "NAME_EDUCATION_TYPE", "Niveau d'études", ""),
    ("income_type", "NAME_INCOME_TYPE", "Type de revenus", ""),
    ("occupation", "OCCUPATION_TYPE", "Profession", ""),
    ("children", "CNT_CHILDREN", "Nombre d'enfants", "nombre"),
    ("owns_car", "FLAG_OWN_CAR", "Possède une voiture", ""),
    ("owns_realty", "FLAG_OWN_REALTY", "Possède un bien immobilier", ""),
)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def _flag(value: Any) -> bool | None:
    value = _plain(value)
    if value is None:
        return None
    if isinstance(value, str):
        return value.upper() in ("Y", "1", "TRUE")
    return bool(value)


def _shown(value: Any, unit: str) -> str:
    if value is None:
        return "non renseigné"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, str):
        return value
    if unit == "mois":
        return f"{value:.0f} mois"
    return display_value(float(value), unit)


def client_detail(client_id: int) -> dict[str, Any]:
    _, population = current()
    known_client(population, client_id)
    described = population.clients.loc[client_id]
    answer: dict[str, Any] = {"client_id": client_id, "split": described["split"]}
    fields = []
    for name, column, label, unit in CLIENT_FIELDS:
        value = _plain(described.get(column))
        if name in ("owns_car", "owns_realty"):
            value = _flag(value)
        if name == "children" and value is not None:
            value = int(value)
        answer[name] = value
        fields.append({"name": column, "label": label, "value": value,
                       "display_value": _shown(value, unit), "unit": unit})
    answer["fields"] = fields
    return answer
