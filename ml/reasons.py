"""Reasons of a decision in plain French, from SHAP contributions and the feature dictionary.

One builder for the API and batch scoring, so a client's reason codes are the same wherever
they are computed. A positive contribution pushes towards default ("augmente le risque").
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

STRONG_EFFECT = 0.25  # |log-odds| above which the effect is called "nettement"


def format_number(value: float, decimals: int = 0) -> str:
    """French number format: thin-space thousands, comma decimals ("12 345,6")."""
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def display_value(value: float | None, unit: str) -> str:
    """A value as an advisor reads it, with its unit."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "non renseigné"
    value = float(value)
    if unit == "€":
        return f"{format_number(value)} €"
    if unit == "%":
        share = value * 100 if abs(value) <= 1.0 else value
        return f"{format_number(share, 0 if share.is_integer() else 1)} %"
    if unit in ("ans", "jours", "mois"):
        decimals = 0 if unit == "jours" or value.is_integer() else 1
        return f"{format_number(value, decimals)} {unit}"
    if unit == "nombre":
        return format_number(value, 0 if value.is_integer() else 1)
    if unit in ("score", "ratio"):
        return format_number(value, 2)
    if unit == "" and value in (0.0, 1.0):
        return "oui" if value == 1.0 else "non"
    return format_number(value, 2 if not value.is_integer() else 0)


def sentence(label: str, shown: str, contribution: float) -> str:
    """"<Label> (<value>) augmente le risque." — short, concrete, no jargon."""
    verb = "augmente" if contribution > 0 else "diminue"
    strength = " nettement" if abs(contribution) >= STRONG_EFFECT else ""
    return f"{label} ({shown}) {verb}{strength} le risque de défaut."


def reasons(feature_names: Sequence[str], values: Sequence[float], contributions: Sequence[float],
            dictionary: Mapping[str, Mapping], top: int = 5) -> list[dict]:
    """The ``top`` features by |contribution| with label, value, direction and a sentence."""
    contributions = np.asarray(contributions, dtype=float)
    order = np.argsort(-np.abs(contributions), kind="stable")[:top]
    result = []
    for index in order:
        name = feature_names[index]
        entry = dictionary.get(name, {})
        label = entry.get("label", name)
        unit = entry.get("unit", "")
        value = values[index]
        value = None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
        shown = display_value(value, unit)
        contribution = float(contributions[index])
        result.append({
            "feature": name,
            "label": label,
            "value": value,
            "display_value": shown,
            "unit": unit,
            "contribution": round(contribution, 6),
            "direction": "augmente" if contribution > 0 else "diminue",
            "sentence": sentence(label, shown, contribution),
        })
    return result
