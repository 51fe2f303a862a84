"""Production monitoring on the real database: metrics of a window of prediction events,
alerts only above thresholds (sent by locmem email and a webhook), the ``monitor`` command
(empty window, planted drift, no drift) and the staff-only report in the admin."""
from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from scoring_api.monitoring.models import Alert, MonitoringRun
from scoring_api.monitoring.reference import Reference
from scoring_api.monitoring.services import EmptyWindow, monitoring_run_create

pytestmark = pytest.mark.django_db
FEATURES = ["EXT_SOURCE_2", "EXT_SOURCE_3", "AMT_CREDIT", "DAYS_BIRTH", "CODE_GENDER_F"]
THRESHOLD = 0.5
NO_MODEL = "models:/absent-model@champion"


def _inputs(rng: np.random.Generator, n: int, shift: float = 0.0) -> pd.DataFrame:
    """Model inputs; ``shift`` moves two of the five features (so 40 % drift when planted)."""
    return pd.DataFrame({
        "EXT_SOURCE_2": np.clip(rng.normal(0.5 - shift / 4, 0.15, n), 0, 1),
        "EXT_SOURCE_3": np.clip(rng.normal(0.5 - shift / 4, 0.15, n), 0, 1),
        "AMT_CREDIT": rng.lognormal(13, 0.5, n),
        "DAYS_BIRTH": -rng.uniform(20 * 365, 65 * 365, n),
        "CODE_GENDER_F": rng.binomial(1, 0.65, n).astype(float),
    })


def _scores(frame: pd.DataFrame) -> np.ndarray:
    """A stand-in score: riskier when the external scores are low."""
    return 1 / (1 + np.exp(8 * (frame["EXT_SOURCE_2"] + frame["EXT_SOURCE_3"] - 0.75)))


@pytest.fixture
def reference() -> Reference:
    frame = _inputs(np.random.default_rng(0), 5_000)
    return Reference(features=frame, scores=_scores(frame).to_numpy(), threshold=THRESHOLD,
                     top_features=FEATURES, model_name="credit-scoring", model_version="1")


@pytest.fixture
def features_dir(tmp_path: Path, reference: Reference) -> Path:
    folder = tmp_path / "features"
    folder.mkdir()
    frame = reference.features.assign(SK_ID_CURR=np.arange(len(reference.features)), TARGET=0)
    frame.to_parquet(folder / "features_train.parquet")
    return folder


@pytest.fixture(autouse=True)
def monitoring_settings(settings, tmp_path: Path, features_dir: Path) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MONITORING_ALERT_EMAILS = ["risques@example.org"]
    settings.MONITORING_WEBHOOK_URL = ""
    settings.MONITORING_REPORTS_DIR = tmp_path / "reports"
    settings.MONITORING_FEATURES_DIR = features_dir
    settings.MONITORING_MIN_EVENTS = 30


def _record(n: int, *, shift: float = 0.0, latency_ms: float = 40.0, simulation: bool = False,
            hours_ago: float = 1.0, seed: int = 1) -> None:
    """Store ``n`` prediction events as the API does (features JSON, decision from threshold)."""
    event_model = apps.get_model("scoring", "PredictionEvent")
    rng = np.random.default_rng(seed)
    frame = _inputs(rng, n, shift)
    scores = _scores(frame)
    created = timezone.now() - timedelta(hours=hours_ago)
    rows = [event_model(
        created_at=created, endpoint="score_application" if simulation else "score_client",
        client_id=None if simulation else 100_002 + i, input_hash="", model_name="credit-scoring",
        model_version="1", probability_default=float(p), decision="refusé" if p >= THRESHOLD else "accordé",
        threshold=THRESHOLD, latency_ms=float(latency_ms + rng.exponential(5)), features=row,
        source="realtime", simulation=simulation,
    ) for i, (p, row) in enumerate(zip(scores, frame.to_dict("records")))]
    event_model.objects.bulk_create(rows)
    # created_at may be auto_now_add in the API's model: set the time explicitly afterwards.
    event_model.objects.filter(pk__in=[r.pk for r in rows]).update(created_at=created)


def _window() -> dict:
    now = timezone.now()
    return {"since": now - timedelta(hours=24), "until": now}


def test_stable_window_stores_run_without_alert(reference: Reference, tmp_path: Path) -> None:
    _record(600)
    _record(50, shift=2.0, simulation=True, seed=9)  # what-ifs: never counted in rates or drift
    run = monitoring_run_create(**_window(), reference=reference, min_events=30, report_dir=tmp_path / "r")
    assert run.n_events == 600 and run.n_simulations == 50
    assert run.status == MonitoringRun.Status.OK and run.drifted_features == []
    assert run.score_psi < 0.1
    assert abs(run.refusal_rate - reference.refusal_rate) < 0.05
    assert 40 <= run.latency_p50_ms <= run.latency_p95_ms <= run.latency_p99_ms
    assert not Alert.objects.exists() and mail.outbox == []
    assert Path(run.report_path).read_text().count("aucune alerte") == 1


def test_planted_drift_raises_alerts_and_sends_them(reference: Reference, tmp_path: Path, settings, monkeypatch) -> None:
    posted: list[dict] = []

    class Response:
        def raise_for_status(self) -> None:
            pass

    def fake_post(url: str, json: dict, timeout: float) -> Response:
        posted.append({"url": url, "json": json, "timeout": timeout})
        return Response()

    settings.MONITORING_WEBHOOK_URL = "https://hooks.example.org/monitoring"
    monkeypatch.setattr("scoring_api.monitoring.alerts.requests.post", fake_post)
    _record(600, shift=1.0, latency_ms=900)
    run = monitoring_run_create(**_window(), reference=reference, min_events=30, report_dir=tmp_path / "r")
    kinds = set(run.alerts.values_list("kind", flat=True))
    assert kinds == {"feature_drift", "score_psi", "refusal_rate", "latency_p99"}
    assert set(run.drifted_features) == {"EXT_SOURCE_2", "EXT_SOURCE_3"}
    assert run.status == MonitoringRun.Status.ALERT and run.score_psi > 0.2
    assert len(mail.outbox) == 4 and mail.outbox[0].to == ["risques@example.org"]
    assert {p["json"]["kind"] for p in posted} == kinds and all(p["timeout"] > 0 for p in posted)
    assert all(alert.emailed and alert.webhook_sent for alert in run.alerts.all())
    assert "⚠" in Path(run.report_path).read_text() and Path(run.drift_report_path).is_file()


def test_thresholds_come_from_settings(reference: Reference, tmp_path: Path, settings) -> None:
    """The same drifted window raises nothing when every threshold is set above it."""
    settings.MONITORING_DRIFT_SHARE = 0.9
    settings.MONITORING_PSI = 50.0
    settings.MONITORING_REFUSAL_RATE_POINTS = 100.0
    settings.MONITORING_LATENCY_P99_MS = 10_000.0
    _record(600, shift=1.0, latency_ms=900)
    run = monitoring_run_create(**_window(), reference=reference, min_events=30, report_dir=tmp_path / "r")
    assert run.status == MonitoringRun.Status.OK and not run.alerts.exists() and mail.outbox == []


def test_webhook_failure_is_logged_not_raised(reference: Reference, tmp_path: Path, settings, monkeypatch, caplog) -> None:
    def down(*args, **kwargs):
        raise requests.ConnectionError("connection refused")

    settings.MONITORING_WEBHOOK_URL = "https://hooks.example.org/monitoring"
    monkeypatch.setattr("scoring_api.monitoring.alerts.requests.post", down)
    _record(300, shift=1.0)
    run = monitoring_run_create(**_window(), reference=reference, min_events=30, report_dir=tmp_path / "r")
    assert run.alerts.exists() and not run.alerts.filter(webhook_sent=True).exists()
    assert "alert webhook failed" in caplog.text and len(mail.outbox) == run.alerts.count()


def test_too_few_events_is_an_empty_window(reference: Reference, tmp_path: Path) -> None:
    _record(10)
    _record(100, simulation=True, seed=2)
    with pytest.raises(EmptyWindow, match="10 prediction"):
        monitoring_run_create(**_window(), reference=reference, min_events=30, report_dir=tmp_path / "r")
    assert not MonitoringRun.objects.exists()


def test_command_empty_window_exits_cleanly() -> None:
    out = StringIO()
    call_command("monitor", "--hours", "2", "--model", NO_MODEL, stdout=out)
    assert "No prediction" in out.getvalue() and not MonitoringRun.objects.exists()


def test_command_measures_drift_from_the_features_table(tmp_path: Path) -> None:
    """Real reference read from features_train.parquet, no model: feature drift and latency only."""
    _record(400, shift=1.0, hours_ago=3)
    out = StringIO()
    call_command("monitor", "--since", (timezone.now() - timedelta(hours=6)).isoformat(),
                 "--model", NO_MODEL, stdout=out)
    run = MonitoringRun.objects.get()
    assert run.score_psi is None and run.reference_refusal_rate is None
    assert set(run.drifted_features) == {"EXT_SOURCE_2", "EXT_SOURCE_3"}
    assert "ALERT feature_drift" in out.getvalue() and run.details["notes"]
    assert Path(run.report_path).parent == tmp_path / "reports"


def test_command_rejects_bad_dates() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("monitor", "--since", "yesterday")
    with pytest.raises(CommandError, match="not before"):
        call_command("monitor", "--since", "2030-01-02", "--until", "2030-01-01")


def test_admin_shows_status_and_serves_report_to_staff_only(reference: Reference, tmp_path: Path, client, admin_client) -> None:
    _record(300, shift=1.0)
    run = monitoring_run_create(**_window(), reference=reference, min_events=30, report_dir=tmp_path / "r")
    listing = admin_client.get("/admin/monitoring/monitoringrun/")
    assert "ALERTE" in listing.content.decode()
    url = f"/admin/monitoring/monitoringrun/{run.pk}/report/summary/"
    assert url in listing.content.decode()
    report = admin_client.get(url)
    assert report.status_code == 200 and b"Monitoring du mod" in b"".join(report.streaming_content)
    assert admin_client.get(f"/admin/monitoring/monitoringrun/{run.pk}/report/drift/").status_code == 200
    assert client.get(url).status_code == 302  # anonymous: sent to the admin login
