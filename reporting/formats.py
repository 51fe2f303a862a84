"""How the note and the slides print numbers: French format (comma decimals, thin-space
thousands: ``vocabulary.formats``, the one home of French formats), and "non mesuré" for what is
absent."""
from __future__ import annotations

import math
import os
from pathlib import Path

from vocabulary import formats

NOT_MEASURED = "non mesuré"


def _missing(value: object) -> bool:
    return value is None or isinstance(value, bool) or (
        isinstance(value, float) and math.isnan(value)) or not isinstance(value, (int, float))


def number(value: object, decimals: int = 4) -> str:
    """``0.67023`` → ``"0,6702"``; ``None`` → ``"non mesuré"``."""
    return NOT_MEASURED if _missing(value) else formats.number(float(value), decimals)


def integer(value: object) -> str:
    """``300000`` → ``"300 000"``."""
    return NOT_MEASURED if _missing(value) else formats.number(float(value), 0)


def percent(value: object, decimals: int = 1) -> str:
    """A share as a percentage: ``0.0823`` → ``"8,2 %"``."""
    return NOT_MEASURED if _missing(value) else formats.percent(float(value), decimals)


def statistic(value: object, decimals: int = 4) -> str:
    """A p-value or distance: ``3e-07`` → ``"< 0,0001"`` rather than a misleading ``"0,0000"``."""
    if not _missing(value) and 0 < abs(float(value)) < 10 ** -decimals:
        return f"< {formats.number(10 ** -decimals, decimals)}"
    return number(value, decimals)


def scalar(value: object) -> str:
    """Any JSON scalar as printed in a benchmark table (no trailing zeros: ``60.0`` → ``"60"``)."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float)) and not _missing(value):
        text = number(value, 3 if abs(value) < 100 else 1)
        return text.rstrip("0").rstrip(",") if "," in text else text
    return NOT_MEASURED if value is None else str(value)


def link(path: Path | None, start: Path) -> str | None:
    """``path`` relative to ``start`` (where the Markdown file lives), with forward slashes."""
    if path is None:
        return None
    return Path(os.path.relpath(Path(path).resolve(), Path(start).resolve())).as_posix()
