"""Override rates in monitoring, on the real database: per advisor and per model version, only
the decisions in force recorded in the window, printed by ``manage.py monitor``."""
from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from scoring_api.decisions.models import AdvisorDecision
from scoring_api.monitoring.overrides import override_rates
from scoring_api.monitoring.services import monitoring_run_create
from tests.scoring_api.monitoring.test_monitor import _record as _events
from tests.scoring_api.monitoring.test_monitor import (  # noqa: F401 (fixtures)
    features_dir,
    monitoring_settings,
    reference,
)

pytestmark = pytest.mark.django_db


def _record(client_id: int, advisor: str, version: str, overridden: bool, *,
            days_ago: float = 0.1, supersedes: AdvisorDecision | None = None) -> AdvisorDecision:
    moment = timezone.now() - timedelta(days=days_ago)
    with mock.patch("django.utils.timezone.now", return_value=moment):  # auto_now_add
        return AdvisorDecision.objects.create(
            client_id=client_id, advisor=advisor, recorded_by="portal-service",
            outcome="overridden" if overridden else "followed",
            final_decision="accordé", model_decision="refusé" if overridden else "accordé",
            reason_code="other" if overridden else "", comment="Motif précisé." if overridden else "",
            model_name="credit-scoring", model_version=version, probability_default=0.2,
            threshold=0.1, supersedes=supersedes)


@pytest.fixture
def decisions() -> None:
    _record(1, "alice", "1", True)
    _record(2, "alice", "1", False)
    _record(3, "alice", "2", False)
    _record(4, "bruno", "2", True)
    replaced = _record(5, "bruno", "2", True)
    _record(5, "bruno", "2", False, supersedes=replaced)  # the record in force: followed
    _record(6, "bruno", "1", True, days_ago=3)  # outside a one-day window


def _window() -> dict:
    now = timezone.now()
    return {"since": now - timedelta(days=1), "until": now + timedelta(seconds=1)}


def test_rates_per_advisor_and_model_version(decisions):
    rates = override_rates(**_window())
    assert (rates["decisions"], rates["overrides"]) == (5, 2)
    assert rates["rate"] == pytest.approx(2 / 5)
    by_advisor = {row["advisor"]: (row["decisions"], row["overrides"], row["rate"])
                  for row in rates["by_advisor"]}
    assert by_advisor == {"alice": (3, 1, pytest.approx(1 / 3)), "bruno": (2, 1, 0.5)}
    by_version = {row["model_version"]: (row["decisions"], row["overrides"])
                  for row in rates["by_model_version"]}
    assert by_version == {"1": (2, 1), "2": (3, 1)}


def test_an_empty_window_has_no_rate(decisions):
    now = timezone.now()
    rates = override_rates(since=now - timedelta(days=30), until=now - timedelta(days=10))
    assert (rates["decisions"], rates["rate"], rates["by_advisor"]) == (0, None, [])


def test_monitor_prints_the_override_rates(decisions):
    out = StringIO()
    call_command("monitor", "--hours", "24", stdout=out)
    text = out.getvalue()
    assert "Advisor overrides: 2/5 (40.0%)" in text
    assert "advisor alice: 1/3 (33.3%)" in text and "advisor bruno: 1/2 (50.0%)" in text
    assert "model credit-scoring v1: 1/2 (50.0%)" in text
    assert "No prediction between" in text  # still said: no prediction event in the window


def test_a_monitoring_run_stores_and_reports_the_override_rates(decisions, reference, tmp_path):  # noqa: F811
    _events(600)
    run = monitoring_run_create(**_window(), reference=reference, min_events=30,
                                report_dir=tmp_path / "reports")
    assert (run.details["overrides"]["decisions"], run.details["overrides"]["overrides"]) == (5, 2)
    html = Path(run.report_path).read_text(encoding="utf-8")
    assert "Taux d&#x27;écart par conseiller" in html or "Taux d'écart par conseiller" in html
    assert "<td>alice</td><td>3</td><td>1</td><td>0,333</td>" in html
