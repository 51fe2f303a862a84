"""Reasons of a decision in plain French, from SHAP contributions and the feature dictionary.

One builder for the API and batch scoring, so a client's reason codes are the same wherever
they are computed. A positive contribution pushes towards default ("augmente le risque"). A
reason that cites a sensitive attribute of the input policy (age) says so: ``sensitive`` and a
French ``sensitive_note``.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from ml.features.dictionary import LINEAGE
from ml.policy.input import ALLOWED, load
from vocabulary import formats
from vocabulary.governance import sensitive_note

STRONG_EFFECT = 0.25  # |log-odds| above which the effect is called "nettement"


def sentence(label: str, shown: str, contribution: float) -> str:
    """"<Label> (<value>) augmente le risque." — short, concrete, no jargon."""
    verb = "augmente" if contribution > 0 else "diminue"
    strength = " nettement" if abs(contribution) >= STRONG_EFFECT else ""
    return f"{label} ({shown}) {verb}{strength} le risque de défaut."


def sensitive_attribute(name: str, entry: Mapping) -> str | None:
    """The sensitive raw column a feature derives from, or None. The model's own dictionary
    says it when it was trained under the input policy (``excluded`` present); older versions
    are judged by the current policy."""
    inputs = entry.get("inputs") or LINEAGE.get(name, [])
    return _sensitive_attribute(name, tuple(inputs), "excluded" in entry,
                                bool(entry.get("sensitive")))


@lru_cache(maxsize=4096)  # a few per feature: answered once per worker, not per request
def _sensitive_attribute(name: str, inputs: tuple[str, ...], under_policy: bool,
                         sensitive: bool) -> str | None:
    policy = load()
    if under_policy and not sensitive:
        return None
    if not under_policy and policy.classify(name, inputs) == ALLOWED:
        return None
    return policy.attribute_of(name, inputs)


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
        attribute = sensitive_attribute(name, entry)
        reason["sensitive"] = attribute is not None
        reason["sensitive_note"] = sensitive_note(attribute) if attribute else None
        if points is not None:
            reason["points"] = round(float(points[index]), 6)
            reason["display_points"] = formats.points(float(points[index]))
        result.append(reason)
    return result
