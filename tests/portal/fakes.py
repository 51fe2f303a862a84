"""Answers of the scoring API as its contract describes them (``scoring_api/openapi.yaml``,
checked in tests/contract.py), with the API's words (``vocabulary``), used to fake it at the HTTP
layer (``responses``) or from a small local HTTP stub (browser tests)."""
from __future__ import annotations

import random
from typing import Any

from vocabulary import formats
from vocabulary.features import CLIENT_FIELDS, label_and_unit

CLIENT_ID = 100002
THRESHOLD = 0.09

def feature(name: str) -> dict[str, str]:
    label, unit = label_and_unit(name)
    return {"name": name, "label": label, "unit": unit}


FEATURES = [feature("AGE_YEARS"), feature("AMT_INCOME_TOTAL"), feature("CREDIT_INCOME_RATIO")]


def reason(name: str, value: float, contribution: float) -> dict[str, Any]:
    label, unit = label_and_unit(name)
    direction = "augmente" if contribution > 0 else "diminue"
    display = formats.value(value, unit)
    return {
        "feature": name, "label": label, "value": value, "display_value": display,
        "unit": unit, "contribution": contribution, "direction": direction,
        "sentence": f"{label} ({display}) {direction} le risque de défaut.",
    }


REASONS = [
    reason("INST_DELAY_MEAN", 12.0, 0.42),
    reason("EXT_SOURCE_2", 0.26, 0.31),
    reason("AGE_YEARS", 25.9, 0.12),
    reason("EMPLOYMENT_YEARS", 1.7, -0.08),
    reason("AMT_GOODS_PRICE", 351000.0, -0.05),
]


def client(client_id: int = CLIENT_ID) -> dict[str, Any]:
    values = {
        "sex": "M", "age_years": 25.9, "employment_years": 1.7, "income": 202500.0,
        "credit": 406597.5, "annuity": 24700.5, "goods_price": 351000.0,
        "credit_term_months": 16.46, "contract_type": "Cash loans",
        "family_status": "Single / not married", "education": "Secondary / secondary special",
        "income_type": "Working", "occupation": "Laborers", "children": 0, "owns_car": False,
        "owns_realty": True,
    }
    fields = []
    for name, column in CLIENT_FIELDS:
        label, unit = label_and_unit(column)
        fields.append({"name": column, "label": label, "value": values[name],
                       "display_value": formats.value(values[name], unit), "unit": unit})
    return {"client_id": client_id, "split": "train", **values, "fields": fields}


def score(client_id: int = CLIENT_ID, probability: float = 0.234, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": client_id, "probability_default": probability,
        "decision": "refusé" if probability >= THRESHOLD else "accordé", "threshold": THRESHOLD,
        "model": {"name": "credit-scoring", "version": "3"}, "base_value": -2.3,
        "reasons": REASONS, "source": "realtime", **extra,
    }


def clients_page(n: int = 3, *, count: int | None = None, next_page: str | None = None,
                 previous: str | None = None) -> dict[str, Any]:
    results = [
        {"client_id": CLIENT_ID + i, "sex": "F" if i % 2 else "M", "age_years": 30.0 + i,
         "income": 150000.0 + 1000 * i, "credit": 500000.0, "contract_type": "Cash loans",
         "decision": "refusé" if i % 3 == 0 else "accordé", "probability_default": 0.05 + 0.03 * i}
        for i in range(n)
    ]
    return {"count": count if count is not None else n, "next": next_page, "previous": previous,
            "results": results}


def stats(feature: str = "AGE_YEARS", group: str = "all", client_id: int = CLIENT_ID) -> dict[str, Any]:
    meta = next(f for f in FEATURES if f["name"] == feature)
    return {
        "feature": feature, "label": meta["label"], "unit": meta["unit"], "group": group,
        "n": 5000 if group == "all" else 50,
        "histogram": {"edges": [20, 30, 40, 50, 60, 70], "counts": [800, 1500, 1400, 900, 400]},
        "quantiles": {"p10": 26, "p25": 33, "p50": 42, "p75": 52, "p90": 61},
        "mean": 43.1, "client_value": 25.9, "client_percentile": 12.0,
    }


def scatter(x: str = "AGE_YEARS", y: str = "AMT_INCOME_TOTAL", group: str = "all", n: int = 60) -> dict[str, Any]:
    meta = {f["name"]: f for f in FEATURES}
    rng = random.Random(0)
    points = [
        {"client_id": CLIENT_ID + 1 + i, "x": round(rng.uniform(20, 70), 1),
         "y": round(rng.uniform(50000, 400000)), "decision": "refusé" if i % 4 == 0 else "accordé"}
        for i in range(n)
    ]
    return {"x": meta[x], "y": meta[y], "group": group, "points": points,
            "client": {"x": 25.9, "y": 202500.0}}


def similar(client_id: int = CLIENT_ID) -> dict[str, Any]:
    return {"client_id": client_id, "k": 10, "features_used": ["AGE_YEARS"],
            "neighbours": [{"client_id": client_id + i, "distance": 0.1 * i,
                            "probability_default": 0.1, "decision": "refusé"} for i in range(1, 11)]}


def error(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or {}}}
