"""French number formats: ``12 345 €``, ``45,5 ans``, ``12,3 %``, ``0,26``.

One set of rules for every text an advisor or a client reads (API reasons and client fields,
portal pages and chart captions, the methodology note): narrow no-break spaces (U+202F) group
thousands and join a number to its unit, the decimal separator is a comma, shares in [0, 1]
are shown as percentages.
"""
from __future__ import annotations

import math
from typing import Any

from vocabulary.categories import category

NNBSP = "\u202f"  # narrow no-break space: thousands separator and before a unit
MISSING = "non renseigné"
# units of the feature dictionary and client fields
UNITS = ("ans", "mois", "jours", "€", "%", "ratio", "nombre", "score", "")


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | int | None, decimals: int = 0) -> str:
    """``1234567.891`` → ``"1 234 568"``; ``0.256, 2`` → ``"0,26"``."""
    if is_missing(value):
        return MISSING
    return f"{value:,.{decimals}f}".replace(",", NNBSP).replace(".", ",")


def percent(share: float | None, decimals: int = 1) -> str:
    """A share or probability in [0, 1] as a percentage: ``0.1234`` → ``"12,3 %"``."""
    if is_missing(share):
        return MISSING
    return f"{number(share * 100, decimals)}{NNBSP}%"


def points(share: float, decimals: int = 1) -> str:
    """A signed difference of two probabilities in percentage points: ``+2,5 points``."""
    sign = "+" if share >= 0 else "−"
    return f"{sign}{number(abs(share) * 100, decimals)}{NNBSP}point{'s' if abs(share) * 100 >= 2 else ''}"


def ordinal(rank: float | None) -> str:
    """A percentile as a French ordinal: ``67`` → ``"67ᵉ centile"``."""
    if is_missing(rank):
        return "centile inconnu"
    rank = int(round(rank))
    return f"{rank}{'er' if rank == 1 else 'ᵉ'} centile"


def value(raw: Any, unit: str | None = "") -> str:
    """A value as an advisor reads it, with its unit from the feature dictionary."""
    unit = unit or ""
    if is_missing(raw):
        return MISSING
    if isinstance(raw, bool):
        return "oui" if raw else "non"
    if isinstance(raw, str):
        return category(raw)
    raw = float(raw)
    if unit == "€":
        return f"{number(raw)}{NNBSP}€"
    if unit == "%":  # shares between 0 and 1 (docs/features.md)
        return percent(raw, 0 if (raw * 100).is_integer() else 1)
    if unit in ("ans", "mois", "jours"):
        decimals = 0 if unit == "jours" or raw.is_integer() else 1
        return f"{number(raw, decimals)}{NNBSP}{unit}"
    if unit == "nombre":
        return number(raw, 0 if raw.is_integer() else 1)
    if unit in ("score", "ratio"):
        return number(raw, 2)
    if unit == "" and raw in (0.0, 1.0):
        return "oui" if raw == 1.0 else "non"
    return number(raw, 0 if raw.is_integer() else 2)
