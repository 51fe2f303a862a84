"""Accessible charts of measured performance, drawn as inline SVG on the server (the admin and
the HTML report need no script): each chart is an image with a title and a text description
(``role="img"``, ``aria-labelledby``) and is always shown beside the table of its values."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, ROW, LEFT, RIGHT, TOP = 560, 28, 190, 20, 24
INK, REFERENCE, LIGHT = "#1a1a1a", "#8a1c1c", "#555555"  # contrast ≥ 4.5:1 on white


@dataclass(frozen=True)
class Interval:
    label: str
    value: float | None
    low: float | None
    high: float | None


def _number(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}".replace(".", ",")


def interval_chart(*, chart_id: str, title: str, rows: Sequence[Interval],
                   reference: float | None = None, reference_label: str = "") -> SafeString:
    """One horizontal line per row: the value (dot) and its interval (bar), with an optional
    vertical reference line (the training holdout)."""
    values = [v for r in rows for v in (r.value, r.low, r.high) if v is not None]
    if reference is not None:
        values.append(reference)
    if not values:
        return format_html("<p>{} : aucune valeur.</p>", title)
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.1 or abs(hi) * 0.1 or 0.1
    lo, hi = lo - pad, hi + pad
    span = WIDTH - LEFT - RIGHT
    x = lambda v: f"{LEFT + (v - lo) / (hi - lo) * span:.1f}"  # noqa: E731
    height = TOP + ROW * len(rows) + 26
    described = "; ".join(f"{r.label} : {_number(r.value)} (intervalle {_number(r.low)} à {_number(r.high)})"
                          for r in rows)
    if reference is not None:
        described += f"; {reference_label} : {_number(reference)}"
    parts = []
    for i, r in enumerate(rows):
        y = TOP + ROW * i + ROW / 2
        parts.append(format_html('<text x="{}" y="{}" font-size="12" fill="{}" text-anchor="end">{}</text>',
                                 LEFT - 8, y + 4, INK, r.label))
        if r.low is not None and r.high is not None:
            parts.append(format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="3"/>',
                                     x(r.low), x(r.high), y, y, LIGHT))
        if r.value is not None:
            parts.append(format_html('<circle cx="{}" cy="{}" r="5" fill="{}"/>', x(r.value), y, INK))
    if reference is not None:
        parts.append(format_html(
            '<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-dasharray="4 3"/>'
            '<text x="{0}" y="{4}" font-size="11" fill="{3}" text-anchor="middle">{5} {6}</text>',
            x(reference), TOP - 6, TOP + ROW * len(rows), REFERENCE, height - 8, reference_label,
            _number(reference)))
    axis = format_html('<text x="{}" y="{}" font-size="11" fill="{}">{}</text>'
                       '<text x="{}" y="{}" font-size="11" fill="{}" text-anchor="end">{}</text>',
                       LEFT, TOP - 8, LIGHT, _number(lo), WIDTH - RIGHT, TOP - 8, LIGHT, _number(hi))
    return format_html(
        '<svg id="{0}" role="img" aria-labelledby="{0}-title {0}-desc" width="{1}" height="{2}" '
        'viewBox="0 0 {1} {2}" xmlns="http://www.w3.org/2000/svg"><title id="{0}-title">{3}</title>'
        '<desc id="{0}-desc">{4}</desc>{5}{6}</svg>',
        chart_id, WIDTH, height, title, described, axis, mark_safe("".join(parts)))  # noqa: S308 (built with format_html)


def calibration_chart(*, chart_id: str, title: str, calibration: Sequence[dict]) -> SafeString:
    """Observed default rate (with its interval) against the mean predicted probability, decile
    by decile, as interval rows (the table beside it gives the same numbers)."""
    rows = [Interval(f"décile {row['decile']} (prédit {_number(row['predicted'])})", row["observed"],
                     row.get("observed_low"), row.get("observed_high")) for row in calibration]
    return interval_chart(chart_id=chart_id, title=title, rows=rows)


def calibration_table(calibration: Sequence[dict]) -> SafeString:
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} à {}</td></tr>", (
        (row["decile"], row["n"], _number(row["predicted"]), _number(row["observed"]),
         _number(row.get("observed_low")), _number(row.get("observed_high"))) for row in calibration))
    return format_html(
        '<table><caption>Calibration par décile : probabilité prédite et taux de défaut observé</caption>'
        '<thead><tr><th scope="col">Décile</th><th scope="col">Prédictions</th><th scope="col">Probabilité '
        'prédite moyenne</th><th scope="col">Taux observé</th><th scope="col">Intervalle à 95 %</th></tr>'
        '</thead><tbody>{}</tbody></table>', body)
