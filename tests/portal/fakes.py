"""Answers of the scoring API as its contract describes them (``scoring_api/openapi.yaml``,
checked in tests/contract.py), with the API's words (``vocabulary``), used to fake it at the HTTP
layer (``responses``) or from a small local HTTP stub (browser tests)."""
from __future__ import annotations

import random
from typing import Any

from vocabulary import advisor_decisions, formats
from vocabulary import recourse as recourse_words
from vocabulary.features import CLIENT_FIELDS, label_and_unit
from vocabulary.governance import sensitive_note

CLIENT_ID = 100002
THRESHOLD = 0.09
BASE_PROBABILITY = 0.06  # the common starting point of every client
OTHER_FEATURES = 128
OTHER_CONTRIBUTION = 0.1

def feature(name: str) -> dict[str, str]:
    label, unit = label_and_unit(name)
    return {"name": name, "label": label, "unit": unit}


FEATURES = [feature("AGE_YEARS"), feature("AMT_INCOME_TOTAL"), feature("CREDIT_INCOME_RATIO")]


SENSITIVE = {"AGE_YEARS", "EMPLOYED_AGE_RATIO"}  # the input policy's sensitive-but-allowed features


def reason(name: str, value: float, contribution: float) -> dict[str, Any]:
    label, unit = label_and_unit(name)
    direction = "augmente" if contribution > 0 else "diminue"
    display = formats.value(value, unit)
    return {
        "feature": name, "label": label, "value": value, "display_value": display,
        "unit": unit, "contribution": contribution, "direction": direction,
        "sentence": f"{label} ({display}) {direction} le risque de défaut.",
        "sensitive": name in SENSITIVE, "sensitive_note": sensitive_note("DAYS_BIRTH") if name in SENSITIVE else None,
    }


REASON_SPECS = [("INST_DELAY_MEAN", 12.0, 0.42), ("EXT_SOURCE_2", 0.26, 0.31),
                ("AGE_YEARS", 25.9, 0.12), ("EMPLOYMENT_YEARS", 1.7, -0.08),
                ("AMT_GOODS_PRICE", 351000.0, -0.05)]


def explained(probability: float) -> dict[str, Any]:
    """Reasons with their effect in points, as the API defines them: one rate per answer, so
    that start + points of the reasons + points of the other factors = probability."""
    sign = 1.0 if probability >= BASE_PROBABILITY else -1.0
    reasons = [reason(name, value, sign * contribution) for name, value, contribution in REASON_SPECS]
    total = sum(r["contribution"] for r in reasons) + sign * OTHER_CONTRIBUTION
    rate = (probability - BASE_PROBABILITY) / total
    for r in reasons:
        r["points"] = r["contribution"] * rate
        r["display_points"] = formats.points(r["points"])
    other_points = sign * OTHER_CONTRIBUTION * rate
    return {"base_probability": BASE_PROBABILITY, "reasons": reasons,
            "other_factors": {"count": OTHER_FEATURES, "contribution": sign * OTHER_CONTRIBUTION,
                              "points": other_points,
                              "display_points": formats.points(other_points)}}


REASONS = explained(0.234)["reasons"]


def client(client_id: int = CLIENT_ID, records: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """GET /clients/<id>: the client's file, its data and the advisors' decisions ``records``."""
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
    return {"client_id": client_id, "split": "train", **values, "fields": fields,
            "decisions": decision_history(client_id, records)}


def score(client_id: int = CLIENT_ID, probability: float = 0.234, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": client_id, "probability_default": probability,
        "decision": "refusé" if probability >= THRESHOLD else "accordé", "threshold": THRESHOLD,
        "model": {"name": "credit-scoring", "version": "3"}, "base_value": -2.75,
        **explained(probability), "source": "realtime", **extra,
    }


SUGGESTED_CREDIT = 150_000.0  # below the stub's 200 000 €: its what-if grants (stub_api.py)


def _field(name: str, before: float | None, after: float) -> dict[str, Any]:
    label, unit = label_and_unit(name)
    return {"name": name, "label": label, "unit": unit, "before": before, "after": after,
            "display_before": formats.value(before, unit), "display_after": formats.value(after, unit)}


def recourse(client_id: int = CLIENT_ID, *, found: bool = True) -> dict[str, Any]:
    """GET /score/<id>/recourse for the refused fake client: one suggestion, or none."""
    suggestion = {
        "lever": recourse_words.CREDIT, "title": recourse_words.LEVERS[recourse_words.CREDIT],
        "sentence": "Emprunter 150\u202f000\u202f€ au lieu de 406\u202f598\u202f€, pour un "
                    "bien de 129\u202f500\u202f€ au lieu de 351\u202f000\u202f€ : mensualité "
                    "de 9\u202f112\u202f€ au lieu de 24\u202f701\u202f€, même durée.",
        "changes": {"AMT_CREDIT": SUGGESTED_CREDIT, "AMT_GOODS_PRICE": 129_500.0,
                    "AMT_ANNUITY": 9_112.0},
        "fields": [_field("AMT_CREDIT", 406_597.5, SUGGESTED_CREDIT),
                   _field("AMT_GOODS_PRICE", 351_000.0, 129_500.0),
                   _field("AMT_ANNUITY", 24_700.5, 9_112.0)],
        "probability_default": 0.05, "display_probability": formats.percent(0.05),
        "decision": "accordé",
    }
    return {
        "client_id": client_id, "probability_default": 0.234, "decision": "refusé",
        "threshold": THRESHOLD, "model": {"name": "credit-scoring", "version": "3"},
        "status": recourse_words.FOUND if found else recourse_words.NONE_FOUND,
        "message": recourse_words.message_found(1) if found else
        recourse_words.message_none_found("ni un montant réduit jusqu'à 203\u202f298\u202f€"),
        "indicative": recourse_words.INDICATIVE, "never_changed": recourse_words.NEVER_CHANGED,
        "suggestions": [suggestion] if found else [], "candidates_scored": 80,
    }


def decision_record(client_id: int = CLIENT_ID, *, record_id: int = 1, final_decision: str = "accordé",
                    model_decision: str = "refusé", advisor: str = "conseiller",
                    reason_code: str = "data_error",
                    comment: str = "Revenus mis à jour après l'entretien.",
                    supersedes: int | None = None, current: bool = True,
                    created_at: str = "2026-11-30T10:15:00+01:00") -> dict[str, Any]:
    """One advisor decision as POST/GET /clients/<id>/decisions give it."""
    overridden = final_decision != model_decision
    outcome = advisor_decisions.OVERRIDDEN if overridden else advisor_decisions.FOLLOWED
    reason_code = reason_code if overridden else ""
    return {
        "id": record_id, "client_id": client_id, "created_at": created_at, "advisor": advisor,
        "recorded_by": "portal-service", "outcome": outcome,
        "outcome_label": advisor_decisions.outcome_label(outcome),
        "final_decision": final_decision, "model_decision": model_decision,
        "reason_code": reason_code, "reason_label": advisor_decisions.reason_label(reason_code),
        "comment": comment if overridden else "", "model": {"name": "credit-scoring", "version": "3"},
        "probability_default": 0.234, "threshold": THRESHOLD, "supersedes": supersedes,
        "current": current,
    }


def decision_history(client_id: int = CLIENT_ID, records: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    records = records or []
    current = [r for r in records if r["current"]]
    return {"client_id": client_id, "history": records, **({"current": current[0]} if current else {})}


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
