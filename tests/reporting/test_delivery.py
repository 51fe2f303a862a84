"""The delivery slide's facts: git history, CI jobs, and the last test run from JUnit files."""
from __future__ import annotations

from pathlib import Path

from ml.config import PROJECT_ROOT
from reporting.delivery import delivery_facts, junit_summaries
from reporting.slides import _delivery_slide

JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1"
failures="2" skipped="3" tests="40" time="12.5"></testsuite></testsuites>"""


def test_junit_files_become_one_row_each(tmp_path: Path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "portal.xml").write_text(JUNIT)
    (tmp_path / "tests" / "broken.xml").write_text("<not closed")
    assert junit_summaries(tmp_path) == [{"suite": "portal", "tests": 40, "failures": 2, "errors": 1,
                                    "skipped": 3, "seconds": 12.5}]


def test_the_slide_shows_history_jobs_and_tests(tmp_path: Path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "portal.xml").write_text(JUNIT)
    facts = delivery_facts(PROJECT_ROOT, tmp_path)
    assert facts["jobs"], "the CI workflow's jobs are read from .github/workflows/ci.yml"
    slide = _delivery_slide(facts)
    assert slide.title == "Chaîne de livraison"
    assert slide.table[1][:2] == ["portal", "40"]
    if facts["commits"]:
        assert f"{facts['commits']} commits" in slide.bullets[0].replace("\u202f", "").replace(" ", " ")
    empty = _delivery_slide({})
    assert any("non mesuré" in bullet for bullet in empty.bullets) and empty.table is None
