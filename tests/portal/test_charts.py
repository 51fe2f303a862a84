"""Accessibility of the charts (WCAG 2.1): text alternatives (1.1.1), not colour alone (1.4.1),
contrast of the palette against the background (1.4.3)."""
from __future__ import annotations

import json
import re

import plotly.basedatatypes
import plotly.graph_objects as go
import pytest
from django.template.loader import render_to_string
from django.utils.html import escape

from portal.clients import charts
from tests.portal import fakes
from tests.portal.contrast import contrast_ratio
from vocabulary import formats


def test_contrast_formula_matches_known_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # famous fail


@pytest.mark.parametrize("name", sorted(charts.PALETTE))
def test_palette_reaches_4_5_to_1_on_the_background(name):
    assert contrast_ratio(charts.PALETTE[name], charts.BACKGROUND) >= 4.5


def _colour_values(node: object, key: str = "") -> list[str]:
    """Every value the figure gives to a ``*color`` / ``colorway`` property, however written."""
    if isinstance(node, dict):
        return [colour for name, value in node.items() for colour in _colour_values(value, name)]
    if isinstance(node, list):
        return [colour for item in node for colour in _colour_values(item, key)]
    is_colour_key = key.lower().endswith("color") or key == "colorway"
    return [str(node)] if is_colour_key and node is not None else []


def _all_chart_colours(figure: dict) -> set[str]:
    found = set(re.findall(r"#[0-9a-fA-F]{6}\b", str(figure)))
    named = set(_colour_values(figure))
    assert all(re.fullmatch(r"#[0-9a-fA-F]{6}", colour) for colour in named), named  # no rgba/names
    return {colour.lower() for colour in found | named}


def _all_charts() -> list[charts.Chart]:
    score = fakes.score()
    return [
        charts.score_gauge(probability=score["probability_default"], threshold=score["threshold"],
                           decision=score["decision"]),
        charts.contributions_chart(score=score),
        charts.distribution_chart(stats=fakes.stats()),
        charts.scatter_chart(scatter=fakes.scatter()),
    ]


def _edge_charts() -> list[charts.Chart]:
    """What the API may also answer: a granted client, no other factors, no client value, no
    client point and no points at all."""
    granted = fakes.score(probability=0.05)
    return [
        charts.score_gauge(probability=0.05, threshold=fakes.THRESHOLD, decision="accordé",
                           chart_id="score-granted"),
        charts.contributions_chart(score={**granted, "other_factors": {
            **granted["other_factors"], "count": 0}}, chart_id="contributions-granted"),
        charts.distribution_chart(stats={**fakes.stats(group="similar"), "client_value": None},
                                  chart_id="distribution-no-client"),
        charts.scatter_chart(scatter={**fakes.scatter(n=0), "client": None},
                             chart_id="scatter-empty"),
    ]


def test_builders_write_plain_json_without_plotly_at_request_time(monkeypatch):
    """The figures are written as the JSON plotly.js reads: building them with
    plotly.graph_objects (validators, template copies) took milliseconds per chart."""
    def refuse(*args, **kwargs):
        raise AssertionError("plotly.graph_objects used while building a chart")

    monkeypatch.setattr(plotly.basedatatypes.BaseFigure, "__init__", refuse)
    monkeypatch.setattr(plotly.basedatatypes.BasePlotlyType, "__init__", refuse)
    with pytest.raises(AssertionError):
        go.Bar()  # the trap works
    for chart in _all_charts() + _edge_charts():
        assert json.loads(json.dumps(chart.spec)) == chart.spec  # JSON types only (no tuples)
        assert all(trace["type"] for trace in chart.figure["data"])  # plotly.js needs it


@pytest.mark.parametrize("chart", _all_charts() + _edge_charts(), ids=lambda c: c.chart_id)
def test_plotly_accepts_every_figure_unchanged(chart):
    """Written by hand, the figures still pass Plotly's own checks (the installed plotly, whose
    plotly.min.js the portal serves): an unknown key or a bad value raises, and Plotly would
    add, drop or change nothing."""
    assert json.loads(go.Figure(chart.figure).to_json()) == chart.figure


@pytest.mark.parametrize("chart", _all_charts() + _edge_charts(), ids=lambda c: c.chart_id)
def test_every_figure_is_drawn_on_the_shared_layout(chart):
    layout = chart.figure["layout"]
    for key, value in charts.SHARED_LAYOUT.items():
        if key in ("xaxis", "yaxis"):  # the chart's own axis settings are merged onto ours
            assert layout[key].items() >= value.items()
        else:
            assert layout[key] == value
    assert layout["template"]["layout"]["colorway"] is not charts.TEMPLATE["layout"]["colorway"]


def test_figures_share_no_list_or_dict():
    first, second = (charts.score_gauge(probability=0.2, threshold=0.09, decision="refusé")
                     for _ in range(2))
    first.figure["layout"]["template"]["layout"]["colorway"].append("#000000")
    first.figure["layout"]["xaxis"]["gridcolor"] = "#000000"
    assert second.figure["layout"] == charts.SHARED_LAYOUT | {
        "height": 140, "margin": {"l": 10, "r": 30, "t": 10, "b": 20}}


@pytest.mark.parametrize("chart", _all_charts(), ids=lambda c: c.chart_id)
def test_every_colour_drawn_on_a_chart_is_checked(chart):
    """No colour sneaks into a figure outside the checked palette (gridlines and the white
    pattern/edge lines excepted: they are decoration, not information)."""
    decoration = {charts.BACKGROUND, charts.GRID}
    allowed = {c.lower() for c in charts.PALETTE.values()} | decoration
    assert _all_chart_colours(chart.figure) <= allowed
    for colour in _all_chart_colours(chart.figure) - decoration:
        assert contrast_ratio(colour, charts.BACKGROUND) >= 4.5


@pytest.mark.parametrize("chart", _all_charts(), ids=lambda c: c.chart_id)
def test_every_chart_has_caption_table_and_aria_label(chart):
    html = render_to_string("portal/partials/chart.html", {"chart": chart})
    assert html.lstrip().startswith("<figure") and html.rstrip().endswith("</figure>")
    caption = html[html.index("<figcaption>"):html.index("</figcaption>")]
    assert escape(chart.title) in caption and escape(chart.summary) in caption
    assert (f'id="{chart.chart_id}" class="chart-canvas" role="img" '
            f'aria-label="{escape(chart.aria_label)}"') in html
    assert len(chart.aria_label) > 30 and re.search(r"\d", chart.aria_label)  # says the numbers
    table = html[html.index("<details"):html.index("</details>")]
    assert "<summary>" in table and "<table>" in table
    assert table.count("<tr>") == len(chart.rows) + 1 and chart.rows
    assert table.count('<th scope="col">') == len(chart.columns)
    for row in chart.rows:
        assert len(row) == len(chart.columns)
        for cell in row:
            assert escape(cell) in table
    assert f'id="{chart.chart_id}-spec" type="application/json"' in html


def test_summaries_describe_the_data():
    stats = fakes.stats()
    distribution = charts.distribution_chart(stats=stats)
    assert "5\u202f000 clients" in distribution.summary
    assert "12ᵉ centile" in distribution.summary and "25,9\u202fans" in distribution.summary
    marked = [row for row in distribution.rows if row[2]]
    assert marked == [["de 20\u202fans à 30\u202fans", "800", "◆ ce client"]]  # client_value 25.9
    scatter = fakes.scatter()
    refused = sum(p["decision"] == "refusé" for p in scatter["points"])
    assert f"{refused} refusés (croix)" in charts.scatter_chart(scatter=scatter).summary


def test_scatter_distinguishes_by_shape_and_label_not_only_colour():
    figure = charts.scatter_chart(scatter=fakes.scatter()).figure
    assert [trace["type"] for trace in figure["data"]] == ["scattergl", "scattergl", "scatter"]
    symbols = [trace["marker"]["symbol"] for trace in figure["data"]]
    assert len(set(symbols)) == len(symbols) == 3  # granted, refused, this client
    client_trace = figure["data"][-1]
    assert client_trace["text"] == ["Ce client"] and "text" in client_trace["mode"]
    assert figure["layout"]["dragmode"] == "select"  # interactive selection


def test_contributions_use_patterns_and_words_as_well_as_colour():
    figure = charts.contributions_chart(score=fakes.score()).figure
    bar = figure["data"][0]
    others, *reasons = zip(bar["x"], bar["marker"]["pattern"]["shape"], bar["text"], bar["y"])
    assert others[1] == "." and others[3].startswith("Autres facteurs")
    for points, shape, text, label in reasons:
        assert (shape == "/") == (points > 0)
        assert text.startswith("↑ augmente" if points > 0 else "↓ diminue")
        assert label.startswith("↑ " if points > 0 else "↓ ")
    assert "%{text}" in bar["hovertemplate"] and "points" in bar["hovertemplate"]
    # long labels are wrapped (Plotly never wraps): the plot keeps its width at 200 % zoom
    lines = [line for label in bar["y"] for line in label.split("<br>")]
    assert len(lines) > len(bar["y"]) and max(map(len, lines)) <= 26


def test_contributions_are_points_of_probability_that_add_up():
    """The bars are the API's points (in percentage points), ordered by size, and with the
    common starting point they add up to the client's probability; log-odds stay in the table."""
    score = fakes.score()
    chart = charts.contributions_chart(score=score)
    bar = chart.figure["data"][0]
    by_size = sorted(score["reasons"], key=lambda r: abs(r["contribution"]))
    assert bar["x"][1:] == pytest.approx([100 * r["points"] for r in by_size])
    assert bar["x"][0] == pytest.approx(100 * score["other_factors"]["points"])
    assert score["base_probability"] + sum(bar["x"]) / 100 == pytest.approx(
        score["probability_default"])
    assert "Point de départ commun à tous les clients : 6,0\u202f% de probabilité" in chart.summary
    assert "23,4\u202f%" in chart.summary and "-2,75" not in chart.summary
    assert "points" in chart.figure["layout"]["xaxis"]["title"]["text"]
    assert chart.columns[3:] == ["Effet en points de probabilité", "Contribution (log-odds)"]
    first = chart.rows[0]
    top = max(score["reasons"], key=lambda r: abs(r["contribution"]))
    assert first[0] == top["label"] and first[3] == top["display_points"]
    assert first[4] == formats.number(top["contribution"], 3)
    assert chart.rows[-1][0] == f"Autres facteurs ({fakes.OTHER_FEATURES} variables)"


def test_a_probability_on_the_starting_point_is_said_in_words():
    score = fakes.score(probability=fakes.BASE_PROBABILITY)
    chart = charts.contributions_chart(score=score)
    assert all(x == 0 for x in chart.figure["data"][0]["x"])
    assert "ses facteurs se compensent" in chart.summary
    assert chart.rows[0][2] == "↑ augmente le risque"  # the direction stays the contribution's


@pytest.mark.parametrize(("client_value", "anchor"), [(21.0, "left"), (69.0, "right")])
def test_client_label_grows_away_from_the_nearer_edge(client_value, anchor):
    stats = {**fakes.stats(), "client_value": client_value}
    annotation = charts.distribution_chart(stats=stats).figure["layout"]["annotations"][0]
    assert annotation["xanchor"] == anchor and "Ce client" in annotation["text"]


def test_distribution_marks_the_client_with_a_line_label_and_pattern():
    figure = charts.distribution_chart(stats=fakes.stats()).figure
    (line,) = figure["layout"]["shapes"]
    assert line["type"] == "line" and line["line"]["dash"] == "dash"
    assert line["x0"] == line["x1"] == 25.9 and line["yref"] == "y domain"  # the plot's height
    assert (line["y0"], line["y1"]) == (0, 1)
    bar = figure["data"][0]
    assert bar["type"] == "bar" and bar["x"] == [25.0, 35.0, 45.0, 55.0, 65.0]
    assert bar["y"] == [800, 1500, 1400, 900, 400] and bar["width"] == [10.0] * 5
    assert "Ce client" in figure["layout"]["annotations"][0]["text"]
    assert figure["data"][0]["marker"]["pattern"]["shape"].count("x") == 1


def test_contributions_table_lists_every_reason_with_its_effect_in_words():
    chart = charts.contributions_chart(score=fakes.score())
    assert [row[0] for row in chart.rows[:-1]] == [
        r["label"] for r in sorted(fakes.REASONS, key=lambda r: -abs(r["contribution"]))]
    for row in chart.rows[:-1]:
        reason = next(r for r in fakes.REASONS if r["label"] == row[0])
        assert row[2] == ("↑ augmente le risque" if reason["contribution"] > 0
                          else "↓ diminue le risque")


def test_gauge_gives_probability_threshold_and_decision_in_words():
    chart = charts.score_gauge(probability=0.234, threshold=0.09, decision="refusé")
    assert "23,4\u202f%" in chart.summary and "9,0\u202f%" in chart.summary
    assert "au-dessus du seuil" in chart.summary and "crédit refusé" in chart.summary
    assert ["Décision", "✖ Crédit refusé"] in chart.rows
    granted = charts.score_gauge(probability=0.05, threshold=0.09, decision="accordé")
    assert "en dessous du seuil" in granted.summary
    assert ["Décision", "✔ Crédit accordé"] in granted.rows
    assert chart.config["staticPlot"] is True and "staticPlot" not in charts.PLOTLY_CONFIG


def test_gauge_draws_the_probability_against_the_threshold_line():
    (gauge,) = charts.score_gauge(probability=0.234, threshold=0.09, decision="refusé").figure["data"]
    assert gauge["type"] == "indicator" and gauge["mode"] == "gauge+number"
    assert gauge["value"] == 23.4 and gauge["number"]["suffix"] == " %"
    assert gauge["gauge"]["threshold"]["value"] == pytest.approx(9.0)
    assert gauge["gauge"]["axis"]["range"] == [0, 100]
    assert gauge["gauge"]["bar"]["color"] == charts.PALETTE["increase"]
    granted = charts.score_gauge(probability=0.05, threshold=0.09, decision="accordé")
    assert granted.figure["data"][0]["gauge"]["bar"]["color"] == charts.PALETTE["decrease"]


@pytest.mark.parametrize("chart", _all_charts(), ids=lambda c: c.chart_id)
def test_interactive_tools_and_axes_are_drawn_in_checked_colours(chart):
    """Plotly's own defaults (pale translucent mode bar, SI "400k" ticks) are replaced."""
    layout = chart.figure["layout"]
    assert layout["modebar"]["color"] == charts.PALETTE["muted"]
    assert contrast_ratio(layout["modebar"]["color"], charts.BACKGROUND) >= 3  # 1.4.11
    for axis in ("xaxis", "yaxis"):
        assert layout[axis]["exponentformat"] == "none"
        assert layout[axis]["separatethousands"] is True
    assert layout["separators"] == ", "  # decimal comma, space between thousands
