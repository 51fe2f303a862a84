"""Alert messages are read by the lender's staff in French: decimals with a comma, percentages
with a narrow no-break space, from the vocabulary's formats (no « 0.731 » or « 37% »)."""
from __future__ import annotations

from django.utils import timezone

from scoring_api.monitoring.alerts import alerts_evaluate, performance_alerts
from scoring_api.monitoring.models import MonitoringRun, PerformanceMeasure

NNBSP = "\u202f"


def _run() -> MonitoringRun:
    now = timezone.now()
    return MonitoringRun(window_start=now, window_end=now, n_events=500, refusal_rate=0.683,
                         reference_refusal_rate=0.315, score_psi=0.4567, share_drifted=0.25,
                         drifted_features=["EXT_SOURCE_2"], latency_p99_ms=1234.0)


def test_run_alerts_speak_french_numbers(settings):
    settings.MONITORING_DRIFT_SHARE, settings.MONITORING_PSI = 0.2, 0.2
    settings.MONITORING_REFUSAL_RATE_POINTS, settings.MONITORING_LATENCY_P99_MS = 10, 500
    messages = {alert.kind: alert.message for alert in alerts_evaluate(run=_run())}
    assert messages["feature_drift"].startswith(f"25{NNBSP}% des variables ont dérivé (seuil 20{NNBSP}%)")
    assert messages["score_psi"] == "PSI des probabilités de défaut 0,457 (seuil 0,20)"
    assert messages["refusal_rate"] == (f"taux de refus 68,3{NNBSP}% contre 31,5{NNBSP}% en référence "
                                        "(36,8 points, seuil 10,0)")
    assert messages["latency_p99"] == f"latence p99 1{NNBSP}234 ms (seuil 500 ms)"


def test_performance_alerts_speak_french_numbers(settings):
    settings.MONITORING_AUC_DROP, settings.MONITORING_COST_RISE = 0.05, 0.2
    measure = PerformanceMeasure(kind="realized", role="champion", model_name="m", model_version="3",
                                 period="2026-12", n=1001, threshold=0.09, auc=0.612, auc_low=0.58,
                                 auc_high=0.645, cost=1.02, cost_low=0.872, cost_high=1.182,
                                 reference_auc=0.758, reference_cost=0.545)
    messages = {alert.kind: alert.message for alert in performance_alerts(run=_run(), measures=[measure])}
    assert messages["realized_auc"].startswith(
        "AUC réalisée 0,612 [0,580 ; 0,645] contre 0,758 pour l'échantillon de test de l'entraînement : "
        "baisse de 0,113 au moins (seuil 0,05)")
    assert messages["realized_cost"].startswith(
        "coût métier réalisé 1,020 par client [0,872 ; 1,182] contre 0,545 pour l'échantillon de test "
        f"de l'entraînement : +60{NNBSP}% au moins (seuil +20{NNBSP}%)")
