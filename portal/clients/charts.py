"""Plotly figures with accessible defaults, built from the API's answers.

Every chart comes with what WCAG 2.1 asks beside the picture: a caption that summarises it and
its data as an HTML table (1.1.1), an ``aria-label`` for the ``role="img"`` container, and
meaning carried by text, icons, marker shapes and fill patterns as well as colour (1.4.1). The
palette is checked against the background for a 4.5:1 contrast ratio (1.4.3) in the tests.
The figures are rendered by plotly.js served from our own static files (no CDN); they are
written here as the plain JSON plotly.js reads (no ``plotly.graph_objects`` at request time:
its validators and template copies took milliseconds per chart). The tests check that Plotly
accepts every figure unchanged."""
from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from typing import Any

from vocabulary import decisions, formats

BACKGROUND = "#ffffff"
GRID = "#d0d0d0"  # gridlines: decoration only, no information is read from them
# Text, marks and lines drawn on BACKGROUND; every colour here reaches 4.5:1 (tested).
PALETTE: dict[str, str] = {
    "text": "#1a1a1a",
    "muted": "#4a4a4a",
    "increase": "#a4262c",  # raises the risk / refused
    "decrease": "#1f5c99",  # lowers the risk / granted
    "population": "#3d5a80",
    "client": "#6b2d8f",
    "threshold": "#1a1a1a",
}
DECISION_STYLE = {
    # decision: (colour, marker symbol, French name of the symbol for captions)
    decisions.GRANTED: (PALETTE["decrease"], "circle-open", "ronds"),
    decisions.REFUSED: (PALETTE["increase"], "x-thin-open", "croix"),
}
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14,
        "color": PALETTE["text"]}
# Plotly's default template brings its own (low-contrast) colours: ours has only the palette.
TEMPLATE = {"layout": {
    "colorway": [PALETTE["decrease"], PALETTE["increase"], PALETTE["client"], PALETTE["population"]],
    "font": FONT,
}}
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["toImage"]}
# French tick labels: "400 000", never Plotly's SI "400k"
_AXES = {"gridcolor": GRID, "linecolor": PALETTE["muted"], "zerolinecolor": PALETTE["muted"],
         "automargin": True, "exponentformat": "none", "separatethousands": True}
# What every chart's layout shares (our template, fonts, colours, French numbers).
SHARED_LAYOUT: dict[str, Any] = {
    "template": TEMPLATE,
    "paper_bgcolor": BACKGROUND,
    "plot_bgcolor": BACKGROUND,
    "font": FONT,
    "separators": ", ",  # French: decimal comma, thin-space thousands
    "hoverlabel": {"bgcolor": BACKGROUND, "font": {"color": PALETTE["text"]},
                   "bordercolor": PALETTE["muted"]},
    # plotly.js draws its zoom/select buttons in a pale translucent grey by default
    "modebar": {"bgcolor": BACKGROUND, "color": PALETTE["muted"], "activecolor": PALETTE["text"]},
    "xaxis": _AXES,
    "yaxis": _AXES,
}
# parsed again for each figure: a copy that shares no list or dict (4x faster than deepcopy)
_SHARED_LAYOUT_JSON = json.dumps(SHARED_LAYOUT)


@dataclass
class Chart:
    """What a template needs to show one chart accessibly (see portal/partials/chart.html)."""

    chart_id: str
    title: str
    summary: str
    aria_label: str
    columns: list[str]
    rows: list[list[str]]
    figure: dict[str, Any] = field(repr=False)
    config: dict[str, Any] = field(default_factory=lambda: dict(PLOTLY_CONFIG))

    @property
    def spec(self) -> dict[str, Any]:
        """The JSON handed to plotly.js through ``json_script`` (no inline script)."""
        return {"id": self.chart_id, "figure": self.figure, "config": self.config}


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` deep-merged onto ``base`` (the chart's own settings win)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merged(base[key], value)
        else:
            merged[key] = value
    return merged


def _wrap(text: str, width: int = 26) -> str:
    """Plotly never wraps axis text: break long labels into lines so that they stay readable
    in a narrow window or at 200 % zoom (WCAG 1.4.4) instead of squeezing the plot."""
    return "<br>".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def _bar_label(name: str, value: str, width: int = 26) -> str:
    """``"↑ L'âge (25,9 ans)"`` on one line when short, else the name wrapped and the value
    kept whole on its own line."""
    line = f"{name} ({value})"
    return line if len(line) <= width else f"{_wrap(name, width)}<br>({value})"


def _figure(data: list[dict[str, Any]], *, height: int = 360,
            margin: dict[str, int] | None = None, **layout: Any) -> dict[str, Any]:
    """The figure plotly.js draws: ``data`` (each trace names its ``type``, which plotly.js
    needs) on our shared layout, with what differs between charts merged onto it."""
    own = {"height": height, "margin": margin or {"l": 10, "r": 20, "t": 30, "b": 50}, **layout}
    return {"data": data, "layout": _merged(json.loads(_SHARED_LAYOUT_JSON), own)}


def score_gauge(*, probability: float, threshold: float, decision: str, chart_id: str = "score") -> Chart:
    """The probability of default as a bar against the refusal threshold."""
    colour = PALETTE["increase"] if decision == decisions.REFUSED else PALETTE["decrease"]
    gauge = {
        "type": "indicator",
        "mode": "gauge+number",
        "value": round(probability * 100, 1),
        "number": {"suffix": " %", "valueformat": ".1f", "font": {"color": PALETTE["text"]}},
        "gauge": {
            "shape": "bullet",
            "axis": {"range": [0, 100], "ticksuffix": " %", "tickcolor": PALETTE["text"]},
            "bar": {"color": colour, "thickness": 0.5},
            "bgcolor": BACKGROUND,
            "bordercolor": PALETTE["muted"],
            "threshold": {"line": {"color": PALETTE["threshold"], "width": 4},
                          "thickness": 1, "value": threshold * 100},
        },
        "domain": {"x": [0.05, 1], "y": [0.2, 1]},
    }
    side = "au-dessus du" if probability >= threshold else "en dessous du"
    summary = (
        f"Probabilité de défaut de {formats.percent(probability)}, {side} seuil de refus de "
        f"{formats.percent(threshold)} (trait noir vertical) : {decisions.label(decision).lower()}."
    )
    return Chart(
        chart_id=chart_id,
        title="Score comparé au seuil de refus",
        summary=summary,
        aria_label=f"Jauge : probabilité de défaut {formats.percent(probability)}, seuil "
                   f"{formats.percent(threshold)}, {decisions.label(decision).lower()}.",
        columns=["Mesure", "Valeur"],
        rows=[
            ["Probabilité de défaut", formats.percent(probability)],
            ["Seuil de refus", formats.percent(threshold)],
            ["Décision", f"{decisions.icon(decision)} {decisions.label(decision)}"],
        ],
        figure=_figure([gauge], height=140, margin={"l": 10, "r": 30, "t": 10, "b": 20}),
        config={**PLOTLY_CONFIG, "staticPlot": True},
    )


def _other_factors_label(count: int) -> str:
    return f"Autres facteurs ({count} variable{'s' if count > 1 else ''})"


def contributions_chart(*, score: dict[str, Any], chart_id: str = "contributions",
                        title: str = "Ce qui fait monter ou baisser le risque") -> Chart:
    """Horizontal bars of each reason's effect in points of probability (the API's ``points``):
    right (hatched) raises the risk, left (plain) lowers it, the other factors dotted; from the
    common starting point, the bars add up to the client's probability. Log-odds stay in the
    data table."""
    reasons = score.get("reasons", [])
    others = score["other_factors"]
    ordered = sorted(reasons, key=lambda reason: abs(reason["contribution"]))
    raises = [r["direction"] == "augmente" for r in ordered]
    names = [_bar_label(f"{'↑' if up else '↓'} {r['label']}",
                        r.get("display_value") or formats.value(r.get("value"), r.get("unit")))
             for r, up in zip(ordered, raises)]
    points = [float(r["points"]) * 100 for r in ordered]
    colours = [PALETTE["increase"] if up else PALETTE["decrease"] for up in raises]
    patterns = ["/" if up else "" for up in raises]
    effects = ["↑ augmente le risque" if up else "↓ diminue le risque" for up in raises]
    sentences = [r["sentence"] for r in ordered]
    if others["count"]:
        names.insert(0, _wrap(_other_factors_label(others["count"])))
        points.insert(0, float(others["points"]) * 100)
        colours.insert(0, PALETTE["muted"])
        patterns.insert(0, ".")
        effects.insert(0, f"{'↑ augmentent' if others['contribution'] > 0 else '↓ diminuent'} "
                          "le risque")
        sentences.insert(0, "Toutes les autres variables du modèle, ensemble.")
    bars = {
        "type": "bar",
        "x": points,
        "y": names,
        "orientation": "h",
        "marker": {"color": colours,
                   "pattern": {"shape": patterns, "fgcolor": BACKGROUND, "solidity": 0.25}},
        "text": effects,
        "textposition": "none",  # the words go in the hover and the arrows in the labels
        "customdata": sentences,
        "hovertemplate": "%{customdata}<br>%{text} : %{x:+.1f} points<extra></extra>",
    }
    figure = _figure(
        [bars], height=130 + 56 * len(names),
        xaxis={"title": {"text": "Effet sur le risque (en points)<br>à droite : l'augmente"},
               "zeroline": True, "zerolinewidth": 2, "ticksuffix": " pt"},
    )
    n_up = sum(raises)
    start, probability = score["base_probability"], score["probability_default"]
    summary = (
        f"Point de départ commun à tous les clients : {formats.percent(start)} de probabilité "
        f"de défaut. Les {len(ordered)} facteurs qui pèsent le plus sur ce client : {n_up} "
        f"augmentent le risque (↑, barres hachurées vers la droite), {len(ordered) - n_up} le "
        f"diminuent (↓, barres pleines vers la gauche). Chaque barre dit de combien de points le "
        f"facteur déplace la probabilité ; avec les autres facteurs (barre pointillée), les "
        f"effets s'additionnent jusqu'à la probabilité du client, {formats.percent(probability)}."
    )
    if abs(probability - start) < 1e-9:
        summary += (" La probabilité de ce client est celle du point de départ : ses facteurs "
                    "se compensent.")
    rows = [
        [r["label"], r.get("display_value") or formats.value(r.get("value"), r.get("unit")),
         f"{'↑ augmente' if up else '↓ diminue'} le risque",
         r["display_points"], formats.number(r["contribution"], 3)]
        for r, up in reversed(list(zip(ordered, raises)))
    ]
    if others["count"]:
        rows.append([_other_factors_label(others["count"]), "—", effects[0],
                     others["display_points"], formats.number(others["contribution"], 3)])
    return Chart(
        chart_id=chart_id,
        title=title,
        summary=summary,
        aria_label="Graphique en barres des effets sur la probabilité de défaut. " + summary,
        columns=["Facteur", "Valeur du client", "Effet", "Effet en points de probabilité",
                 "Contribution (log-odds)"],
        rows=rows,
        figure=figure,
    )


def _axis_title(meta: dict[str, Any]) -> str:
    unit = meta.get("unit")
    return f"{meta['label']} ({unit})" if unit else meta["label"]


def _bin_label(low: float, high: float, unit: str) -> str:
    return f"de {formats.value(low, unit)} à {formats.value(high, unit)}"


def distribution_chart(*, stats: dict[str, Any], chart_id: str = "distribution") -> Chart:
    """Histogram of a feature over a group of clients, the client's bin hatched and marked by
    a labelled vertical line."""
    edges = [float(edge) for edge in stats["histogram"]["edges"]]
    counts = [int(count) for count in stats["histogram"]["counts"]]
    unit = stats.get("unit") or ""
    client_value = stats.get("client_value")
    client_bin = None
    if client_value is not None:
        for index in range(len(counts)):
            last = index == len(counts) - 1
            if edges[index] <= client_value < edges[index + 1] or (last and client_value == edges[-1]):
                client_bin = index
    centres = [(edges[i] + edges[i + 1]) / 2 for i in range(len(counts))]
    widths = [edges[i + 1] - edges[i] for i in range(len(counts))]
    is_client = [i == client_bin for i in range(len(counts))]
    bars = {
        "type": "bar",
        "x": centres,
        "y": counts,
        "width": widths,
        "marker": {
            "color": [PALETTE["client"] if mine else PALETTE["population"] for mine in is_client],
            "line": {"color": BACKGROUND, "width": 1},
            "pattern": {"shape": ["x" if mine else "" for mine in is_client],
                        "fgcolor": BACKGROUND, "solidity": 0.3},
        },
        "customdata": [_bin_label(edges[i], edges[i + 1], unit) for i in range(len(counts))],
        "hovertemplate": "%{customdata}<br>%{y} clients<extra></extra>",
        "name": "Clients",
    }
    group_label = "clients similaires" if stats.get("group") == "similar" else "tous les clients"
    marks: dict[str, Any] = {}
    if client_value is not None:
        # the label grows away from the nearer edge of the plot, so that it is never cut off
        on_the_right = client_value > (edges[0] + edges[-1]) / 2
        label = f"Ce client : {formats.value(client_value, unit)}"
        marks = {
            # a vertical line across the plot's height (what Plotly's add_vline draws)
            "shapes": [{"type": "line", "x0": client_value, "x1": client_value, "xref": "x",
                        "y0": 0, "y1": 1, "yref": "y domain",
                        "line": {"color": PALETTE["text"], "width": 3, "dash": "dash"}}],
            "annotations": [{
                "x": client_value, "y": 1, "yref": "paper", "yanchor": "bottom",
                "showarrow": False, "xanchor": "right" if on_the_right else "left",
                "text": f"{label} ▼" if on_the_right else f"▼ {label}",
                "font": {"color": PALETTE["text"]}, "bgcolor": BACKGROUND,
            }],
        }
    figure = _figure([bars], xaxis={"title": {"text": _axis_title(stats)}},
                     yaxis={"title": {"text": "Nombre de clients"}}, bargap=0.05, dragmode="zoom",
                     **marks)
    quantiles = stats.get("quantiles") or {}
    summary = (
        f"Répartition de « {stats['label']} » chez {group_label} "
        f"({formats.number(stats.get('n'))} clients)."
    )
    if quantiles.get("p50") is not None:
        summary += f" Médiane : {formats.value(quantiles['p50'], unit)}."
    if client_value is not None:
        summary += (
            f" Ce client : {formats.value(client_value, unit)}, "
            f"{formats.ordinal(stats.get('client_percentile'))} (barre hachurée, trait pointillé)."
        )
    else:
        summary += " Valeur du client non renseignée."
    rows = [
        [_bin_label(edges[i], edges[i + 1], unit), formats.number(counts[i]),
         "◆ ce client" if is_client[i] else ""]
        for i in range(len(counts))
    ]
    return Chart(
        chart_id=chart_id,
        title=f"{stats['label']} : ce client face {'aux' if stats.get('group') == 'similar' else 'à'} "
              f"{group_label}",
        summary=summary,
        aria_label="Histogramme. " + summary,
        columns=["Intervalle", "Nombre de clients", "Position du client"],
        rows=rows,
        figure=figure,
    )


def scatter_chart(*, scatter: dict[str, Any], chart_id: str = "scatter") -> Chart:
    """Two features, one point per client: granted as open circles, refused as crosses, this
    client as a large labelled star (shape and label, not only colour)."""
    x_meta, y_meta = scatter["x"], scatter["y"]
    traces: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for decision, (colour, symbol, _) in DECISION_STYLE.items():
        points = [p for p in scatter["points"] if p.get("decision") == decision]
        counts[decision] = len(points)
        traces.append({
            "type": "scattergl",
            "x": [p["x"] for p in points],
            "y": [p["y"] for p in points],
            "mode": "markers",
            "name": f"{decisions.icon(decision)} {decisions.label(decision)}",
            "marker": {"color": colour, "symbol": symbol, "size": 8, "line": {"width": 1.5}},
            "customdata": [p["client_id"] for p in points],
            "hovertemplate": (f"Client %{{customdata}} — {decisions.label(decision).lower()}<br>"
                              f"{x_meta['label']} : %{{x}}<br>{y_meta['label']} : %{{y}}<extra></extra>"),
        })
    client = scatter.get("client") or {}
    if client.get("x") is not None and client.get("y") is not None:
        traces.append({
            "type": "scatter",
            "x": [client["x"]], "y": [client["y"]],
            "mode": "markers+text",
            "name": "★ Ce client",
            "marker": {"color": PALETTE["client"], "symbol": "star", "size": 20,
                       "line": {"color": PALETTE["text"], "width": 1.5}},
            "text": ["Ce client"], "textposition": "top center",
            "textfont": {"color": PALETTE["text"], "size": 15},
            "hovertemplate": (f"Ce client<br>{x_meta['label']} : %{{x}}<br>"
                              f"{y_meta['label']} : %{{y}}<extra></extra>"),
        })
    figure = _figure(
        traces, height=440, dragmode="select",
        xaxis={"title": {"text": _axis_title(x_meta)}},
        yaxis={"title": {"text": _axis_title(y_meta)}},
        legend={"orientation": "h", "y": -0.25, "font": {"color": PALETTE["text"]}},
        margin={"l": 10, "r": 20, "t": 30, "b": 90},
    )
    group_label = "clients similaires" if scatter.get("group") == "similar" else "tous les clients"
    summary = (
        f"« {x_meta['label']} » en abscisse, « {y_meta['label']} » en ordonnée, pour "
        f"{len(scatter['points'])} {group_label} : {counts.get(decisions.GRANTED, 0)} accordés (ronds), "
        f"{counts.get(decisions.REFUSED, 0)} refusés (croix)."
    )
    if client.get("x") is not None:
        summary += (f" Ce client (grande étoile) : {formats.value(client['x'], x_meta.get('unit'))} "
                    f"et {formats.value(client['y'], y_meta.get('unit'))}.")
    rows = [
        [str(p["client_id"]), formats.value(p["x"], x_meta.get("unit")), formats.value(p["y"], y_meta.get("unit")),
         f"{decisions.icon(p.get('decision', ''))} {decisions.label(p.get('decision', ''))}"]
        for p in scatter["points"]
    ]
    return Chart(
        chart_id=chart_id,
        title=f"{x_meta['label']} et {y_meta['label']}",
        summary=summary,
        aria_label="Nuage de points. " + summary,
        columns=["Client", x_meta["label"], y_meta["label"], "Décision"],
        rows=rows,
        figure=figure,
    )
