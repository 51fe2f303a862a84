"""Reasons of a decision in plain French, from SHAP contributions and the feature dictionary.

One builder for the API and batch scoring, so a client's reason codes are the same wherever
they are computed. A positive contribution pushes towards default ("augmente le risque").
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from vocabulary import formats

STRONG_EFFECT = 0.25  # |log-odds| above which the effect is called "nettement"


def sentence(label: str, shown: str, contribution: float) -> str:
    """"<Label> (<value>) augmente le risque." — short, concrete, no jargon."""
    verb = "augmente" if contribution > 0 else "diminue"
    strength = " nettement" if abs(contribution) >= STRONG_EFFECT else ""
    return f"{label} ({shown}) {verb}{strength} le risque de défaut."


def reasons(feature_names: Sequence[str], values: Sequence[float], contributions: Sequence[float],
            dictionary: Mapping[str, Mapping], top: int = 5,
            points: Sequence[float] | None = None) -> list[dict]:
    """The ``top`` features by |contribution| with label, value, direction and a sentence;
    with ``points`` (each contribution as a probability difference, aligned with
    ``contributions``), also that effect and its French text (« +4,2 points »)."""
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
        shown = formats.value(value, unit)
        contribution = float(contributions[index])
        reason = {
            "feature": name,
            "label": label,
            "value": value,
            "display_value": shown,
            "unit": unit,
            "contribution": round(contribution, 6),
            "direction": "augmente" if contribution > 0 else "diminue",
            "sentence": sentence(label, shown, contribution),
        }
        if points is not None:
            reason["points"] = round(float(points[index]), 6)
            reason["display_points"] = formats.points(float(points[index]))
        result.append(reason)
    return result
