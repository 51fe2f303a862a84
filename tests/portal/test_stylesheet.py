"""The stylesheet's own accessibility: every text colour pair reaches 4.5:1 (WCAG 1.4.3), borders
and focus rings 3:1 (1.4.11), and text is sized in rem/em so that it follows the zoom (1.4.4).
axe-core checks the rendered pages too (test_browser.py); this covers states a page may not show."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.portal.contrast import contrast_ratio

CSS = Path(__file__).resolve().parents[2] / "static" / "portal" / "css" / "portal.css"

# (foreground, background, minimum ratio, where the stylesheet uses the pair)
PAIRS = [
    ("--text", "--bg", 4.5, "body text"),
    ("--muted", "--bg", 4.5, "footer, chart summaries"),
    ("--muted", "--bg-soft", 4.5, "chart summary inside the simulation result"),
    ("--text", "--bg-soft", 4.5, "alerts, simulation result"),
    ("--text", "--refused-bg", 4.5, "error alerts"),
    ("--text", "--granted-bg", 4.5, "information alerts"),
    ("--link", "--bg", 4.5, "links"),
    ("--link", "--bg-soft", 4.5, "links in the simulation result"),
    ("--granted", "--bg", 4.5, "granted tag in the results table, ↓ reason arrows"),
    ("--refused", "--bg", 4.5, "refused tag, error messages, ↑ reason arrows"),
    ("--granted", "--granted-bg", 4.5, "decision box: granted"),
    ("--refused", "--refused-bg", 4.5, "decision box: refused"),
    ("#ffffff", "--brand", 4.5, "header, primary buttons"),
    ("--brand", "--bg", 4.5, "secondary buttons, skip link"),
    ("--border", "--bg", 3.0, "field and card borders (1.4.11)"),
    ("--focus", "--bg", 3.0, "focus ring (1.4.11)"),
    ("#ffd27a", "--brand", 3.0, "focus ring in the header (1.4.11)"),
]


def _variables() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", CSS.read_text(), re.S).group(1)
    return dict(re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})\s*;", root))


def _colour(value: str) -> str:
    return _variables()[value] if value.startswith("--") else value


def test_the_stylesheet_declares_the_colours_checked_here():
    css = CSS.read_text()
    declared = _variables()
    for foreground, background, _, _ in PAIRS:
        for value in (foreground, background):
            assert value in declared if value.startswith("--") else value in css, value


@pytest.mark.parametrize(("foreground", "background", "minimum", "where"), PAIRS,
                         ids=[f"{p[0]}-on-{p[1]}" for p in PAIRS])
def test_colour_pairs_reach_the_wcag_ratio(foreground, background, minimum, where):
    ratio = contrast_ratio(_colour(foreground), _colour(background))
    assert ratio >= minimum, f"{where}: {ratio:.2f}:1 < {minimum}:1"


def test_every_literal_text_colour_is_a_checked_one():
    """A colour typed straight into a rule (not a variable) must be one of the pairs above."""
    literals = {value.lower() for value in re.findall(
        r"(?<![-\w])color\s*:\s*(#[0-9a-fA-F]{3,6})", CSS.read_text())}
    checked = {value.lower() for pair in PAIRS for value in pair[:2] if value.startswith("#")}
    assert literals <= checked


def test_text_is_sized_in_relative_units():
    """Font sizes in rem/em/% only, so that text grows with the browser's zoom and settings."""
    sizes = re.findall(r"font-size\s*:\s*([^;}]+)", CSS.read_text())
    assert sizes  # the regex does read the stylesheet
    assert all(re.fullmatch(r"[\d.]+(rem|em|%)", size.strip()) for size in sizes), sizes
