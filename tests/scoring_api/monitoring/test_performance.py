"""Performance monitoring on the real database with the session's real registered model:
estimated (CBPE) on recent predictions, realized once outcomes are known, both judged against
the model's training holdout (its MLflow metrics); alerts only beyond the configured bounds;
shown in the admin as charts with their text alternative and table; the challenger in shadow
compared with the champion on the same outcomes (CHALLENGER_REPORT)."""
from __future__ import annotations

import datetime as dt
import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from scoring_api.monitoring.models import Alert, MonitoringRun, PerformanceMeasure
from scoring_api.monitoring.performance import holdout_metrics
from scoring_api.monitoring.reference import Reference
from scoring_api.monitoring.services import EmptyWindow, monitoring_run_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def performance_settings(settings, api_settings, tmp_path: Path) -> None:
    settings.MONITORING_ALERT_EMAILS = []
    settings.MONITORING_WEBHOOK_URL = ""
    settings.MONITORING_MIN_EVENTS = 30
    settings.MONITORING_MIN_OUTCOMES = 200
    settings.MONITORING_AUC_DROP = 0.05
    settings.MONITORING_COST_RISE = 0.2
    settings.CHALLENGER_REPORT = tmp_path / "challenger.json"


@pytest.fixture(scope="module")
def scored(registered_model, features_frame) -> pd.DataFrame:
    """The champion's calibrated probabilities of the session's training clients, with their
    TARGET: the traffic the model was built for."""
    from ml.model.loading import load_model

    model = load_model(registered_model.uri)
    frame = features_frame[features_frame["TARGET"].notna()]
    return pd.DataFrame({"client_id": frame.index.astype(int),
                         "p": model.predict_proba(frame[model.features]),
                         "target": frame["TARGET"].astype(int)})


def _record(registered_model, champion, rows: pd.DataFrame, *, hours_ago: float = 1.0,
            challenger: np.ndarray | None = None) -> None:
    event_model = apps.get_model("scoring", "PredictionEvent")
    created = timezone.now() - timedelta(hours=hours_ago)
    events = [event_model(
        endpoint="score_client", client_id=int(row.client_id), model_name=registered_model.name,
        model_version=registered_model.version, probability_default=float(row.p),
        decision=champion.decide(float(row.p)), threshold=champion.threshold, latency_ms=20.0,
        features={}, source="realtime",
        **({} if challenger is None else {"challenger_model_version": "99",
                                          "challenger_probability_default": float(challenger[i]),
                                          "challenger_threshold": champion.threshold}))
        for i, row in enumerate(rows.itertuples())]
    event_model.objects.bulk_create(events)
    event_model.objects.update(created_at=created)


def _outcomes(rows: pd.DataFrame, defaulted: np.ndarray) -> None:
    outcome_model = apps.get_model("outcomes", "Outcome")
    outcome_model.objects.bulk_create([
        outcome_model(client_id=int(c), outcome_date=dt.date.today(), defaulted=int(d))
        for c, d in zip(rows["client_id"], defaulted)])


def _run(tmp_path: Path, reference: Reference | None = None) -> MonitoringRun:
    now = timezone.now()
    reference = reference or Reference(features=pd.DataFrame({"x": [0.0]}))
    return monitoring_run_create(since=now - timedelta(hours=24), until=now, reference=reference,
                                 min_events=30, report_dir=tmp_path / "reports")


def _reference(registered_model, champion, scored: pd.DataFrame) -> Reference:
    """The training population scored by the champion: what the estimate is compared with."""
    return Reference(features=pd.DataFrame({"x": [0.0]}), scores=scored["p"].to_numpy(),
                     threshold=champion.threshold, model_name=registered_model.name,
                     model_version=registered_model.version)


def test_the_estimate_on_the_reference_traffic_raises_no_alert(registered_model, champion, scored, tmp_path):
    _record(registered_model, champion, scored)
    run = _run(tmp_path, _reference(registered_model, champion, scored))
    estimated = run.measures.get()
    assert estimated.auc == pytest.approx(estimated.reference_auc)
    assert estimated.cost == pytest.approx(estimated.reference_cost)
    assert _kinds(run) == set()


def test_a_small_sample_is_not_a_significant_degradation(registered_model, champion, scored, tmp_path, settings):
    """Realized cost above the bound but its interval reaching below it: no alert."""
    settings.MONITORING_MIN_OUTCOMES = 50
    sample = scored.sample(n=60, random_state=1)
    _record(registered_model, champion, sample)
    _outcomes(sample, sample["target"].to_numpy())
    run = _run(tmp_path)
    realized = run.measures.get(kind="realized")
    assert realized.cost_low < realized.reference_cost * 1.2
    assert Alert.Kind.REALIZED_COST not in _kinds(run)


PERFORMANCE = {Alert.Kind.ESTIMATED_AUC, Alert.Kind.ESTIMATED_COST, Alert.Kind.REALIZED_AUC,
               Alert.Kind.REALIZED_COST}


def _kinds(run: MonitoringRun) -> set[str]:
    """The performance alerts of the run (drift and refusal-rate alerts are tested elsewhere)."""
    return set(run.alerts.values_list("kind", flat=True)) & PERFORMANCE


def test_the_reference_is_the_models_training_holdout(registered_model):
    holdout = registered_model.results["champion"]["holdout"]
    assert holdout_metrics(registered_model.name, registered_model.version) == (
        pytest.approx(holdout["auc"]), pytest.approx(holdout["business_cost"]))


def test_outcomes_as_the_model_expected_raise_no_alert(registered_model, champion, scored, tmp_path):
    _record(registered_model, champion, scored)
    _outcomes(scored, scored["target"].to_numpy())  # what really happened to these clients
    run = _run(tmp_path)
    estimated = run.measures.get(kind="estimated")
    realized = run.measures.get(kind="realized")
    assert estimated.n == realized.n == len(scored) and realized.n_defaults == scored["target"].sum()
    assert realized.auc_low < realized.auc < realized.auc_high
    assert realized.cost_low < realized.cost < realized.cost_high
    assert len(realized.calibration) == 10
    assert set(run.alerts.values_list("kind", flat=True)) == set() and run.status == MonitoringRun.Status.OK
    assert realized.reference_auc == pytest.approx(registered_model.results["champion"]["holdout"]["auc"])


def test_a_rise_of_the_true_risk_alerts_on_realized_outcomes_only(registered_model, champion, scored, tmp_path):
    _record(registered_model, champion, scored)
    rng = np.random.default_rng(5)
    # the risk rose where the model saw nothing: outcomes no longer follow its ranking
    truth = np.clip(scored["p"].to_numpy() * 0 + scored["p"].mean() * 3, 0, 1)
    _outcomes(scored, (rng.random(len(scored)) < truth).astype(int))
    run = _run(tmp_path)
    assert _kinds(run) == {Alert.Kind.REALIZED_AUC, Alert.Kind.REALIZED_COST}
    realized = run.measures.get(kind="realized")
    assert realized.cost > realized.reference_cost * 1.2 and realized.estimated_cost < realized.cost_low
    message = run.alerts.get(kind=Alert.Kind.REALIZED_COST).message
    assert f"v{registered_model.version}" in message and "issues connues" in message


def test_bounds_come_from_the_settings(registered_model, champion, scored, tmp_path, settings):
    settings.MONITORING_COST_RISE = 100.0
    settings.MONITORING_AUC_DROP = 1.0
    _record(registered_model, champion, scored)
    _outcomes(scored, np.ones(len(scored), dtype=int))
    assert _kinds(_run(tmp_path)) == set()


def test_traffic_the_model_cannot_rank_alerts_on_the_estimate_before_any_outcome(
        registered_model, champion, scored, tmp_path):
    # a population shift: only clients just above the threshold apply (riskier, and the model
    # separates them badly): each costs more (1 - p refused, 10 p granted) and ranks worse
    shifted = scored[(scored["p"] >= champion.threshold) & (scored["p"] < 0.4)]
    assert len(shifted) >= 100
    _record(registered_model, champion, shifted)
    run = _run(tmp_path, _reference(registered_model, champion, scored))
    estimated = run.measures.get()
    assert (estimated.reference_auc, estimated.reference_cost) != holdout_metrics(
        registered_model.name, registered_model.version)  # CBPE on the training scores
    assert not run.measures.filter(kind="realized").exists()
    assert _kinds(run) == {Alert.Kind.ESTIMATED_AUC, Alert.Kind.ESTIMATED_COST}
    assert "aucune prédiction dont l'issue est connue" in " ".join(run.details["performance_notes"])


def test_too_few_outcomes_are_not_judged(registered_model, champion, scored, tmp_path, settings):
    settings.MONITORING_MIN_OUTCOMES = len(scored) + 1
    _record(registered_model, champion, scored)
    _outcomes(scored, np.ones(len(scored), dtype=int))
    run = _run(tmp_path)
    assert not run.measures.filter(kind="realized").exists() and _kinds(run) == set()


def test_outcomes_alone_make_a_run_when_the_window_is_quiet(registered_model, champion, scored, tmp_path):
    _record(registered_model, champion, scored, hours_ago=24 * 90)  # predictions of last quarter
    _outcomes(scored, scored["target"].to_numpy())
    run = _run(tmp_path)
    assert run.n_events == 0 and run.measures.filter(kind="realized").count() == 1
    assert run.refusal_rate is None


def test_nothing_to_measure_without_events_nor_outcomes(tmp_path):
    with pytest.raises(EmptyWindow):
        _run(tmp_path)


def test_champion_and_challenger_on_the_same_outcomes(registered_model, champion, scored, tmp_path, settings):
    rng = np.random.default_rng(2)
    worse = np.clip(scored["p"].to_numpy() + rng.normal(0, 0.15, len(scored)), 0.001, 0.999)
    _record(registered_model, champion, scored, challenger=worse)
    _outcomes(scored, scored["target"].to_numpy())
    run = _run(tmp_path)
    report = json.loads(Path(settings.CHALLENGER_REPORT).read_text())
    assert report["champion"]["version"] == registered_model.version and report["challenger"]["version"] == "99"
    assert report["champion"]["n"] == report["challenger"]["n"] == len(scored)
    assert report["challenger"]["auc"] < report["champion"]["auc"]
    shadow = run.measures.get(role="challenger")
    assert shadow.auc == pytest.approx(report["challenger"]["auc"])
    assert {a.kind for a in run.alerts.all()} == set()  # the shadow never alerts


def test_the_admin_shows_accessible_charts_with_their_table(registered_model, champion, scored, tmp_path,
                                                           admin_client):
    _record(registered_model, champion, scored)
    _outcomes(scored, scored["target"].to_numpy())
    run = _run(tmp_path)
    page = admin_client.get(f"/admin/monitoring/monitoringrun/{run.pk}/change/").content.decode()
    assert page.count('role="img"') == 2 and f'aria-labelledby="run-{run.pk}-auc-title run-{run.pk}-auc-desc"' in page
    assert "<desc" in page and "entraînement" in page and "<caption>Performance mesurée" in page
    measure = run.measures.get(kind="realized")
    detail = admin_client.get(f"/admin/monitoring/performancemeasure/{measure.pk}/change/").content.decode()
    assert 'role="img"' in detail and "<caption>Calibration par décile" in detail
    assert Path(run.report_path).read_text().count('role="img"') == 3  # AUC, cost, calibration


def test_the_command_prints_and_writes_the_performance(registered_model, champion, scored, tmp_path, settings):
    settings.MONITORING_FEATURES_DIR = registered_model.features_dir
    settings.MONITORING_REPORTS_DIR = tmp_path / "reports"
    _record(registered_model, champion, scored)
    out = StringIO()
    call_command("monitor", "--hours", "24", "--json", str(tmp_path / "run.json"), stdout=out)
    assert "Performance estimated champion" in out.getvalue()
    summary = json.loads((tmp_path / "run.json").read_text())
    assert [m["kind"] for m in summary["measures"]] == ["estimated"] and summary["alerts"] == []
    assert PerformanceMeasure.objects.count() == 1
