"""Alerting: compare a run with the configured thresholds; store, log and send each alert.

Sending never breaks the run: an email or webhook failure is logged and the alert stays stored
(with ``emailed``/``webhook_sent`` False) for the admin to see.
"""
from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.core.mail import send_mail

from scoring_api.monitoring.models import Alert, MonitoringRun
from vocabulary.formats import number, percent

logger = logging.getLogger(__name__)


def alerts_evaluate(*, run: MonitoringRun) -> list[Alert]:
    """The alerts of ``run`` (unsaved): one per threshold crossed (strictly above)."""
    alerts: list[Alert] = []

    def check(kind: str, value: float | None, threshold: float, message: str) -> None:
        if value is not None and value > threshold:
            alerts.append(Alert(run=run, kind=kind, value=value, threshold=threshold, message=message))

    limit = settings.MONITORING_DRIFT_SHARE
    check(Alert.Kind.FEATURE_DRIFT, run.share_drifted, limit,
          f"{percent(run.share_drifted or 0, 0)} des variables ont dérivé (seuil {percent(limit, 0)}) : "
          f"{', '.join(run.drifted_features[:10])}")
    limit = settings.MONITORING_PSI
    check(Alert.Kind.SCORE_PSI, run.score_psi, limit,
          f"PSI des probabilités de défaut {number(run.score_psi or 0, 3)} (seuil {number(limit, 2)})")
    limit = settings.MONITORING_REFUSAL_RATE_POINTS
    if run.refusal_rate is not None and run.reference_refusal_rate is not None:
        change = abs(run.refusal_rate - run.reference_refusal_rate) * 100
        check(Alert.Kind.REFUSAL_RATE, change, limit,
              f"taux de refus {percent(run.refusal_rate)} contre {percent(run.reference_refusal_rate)} en "
              f"référence ({number(change, 1)} points, seuil {number(limit, 1)})")
    limit = settings.MONITORING_LATENCY_P99_MS
    check(Alert.Kind.LATENCY, run.latency_p99_ms, limit,
          f"latence p99 {number(run.latency_p99_ms or 0)} ms (seuil {number(limit)} ms)")
    return alerts


def performance_alerts(*, run: MonitoringRun, measures: list) -> list[Alert]:
    """Alerts of the champion's measured performance against its reference: AUC lower by more
    than MONITORING_AUC_DROP, or business cost higher by more than MONITORING_COST_RISE
    (relative). Realized: a significant degradation, the whole 95 % bootstrap interval beyond
    the bound (a few hundred outcomes are noisy: the point value alone would cry wolf).
    Estimated: the expected value (CBPE) beyond the bound. The challenger never alerts."""
    alerts: list[Alert] = []
    drop, rise = settings.MONITORING_AUC_DROP, settings.MONITORING_COST_RISE
    for measure in measures:
        if measure.role != "champion":
            continue
        realized = measure.kind == "realized"
        word = "réalisé" if realized else "estimé"
        against = "l'échantillon de test de l'entraînement" if realized else "la référence (même estimation sur les données d'entraînement)"
        where = (f"modèle v{measure.model_version}, prédictions de {measure.period}, "
                 f"{measure.n} {'issues connues' if realized else 'prédictions'}")
        if measure.auc is not None and measure.reference_auc is not None:
            judged = measure.auc_high if realized and measure.auc_high is not None else measure.auc
            fall = measure.reference_auc - judged
            if fall > drop:
                alerts.append(Alert(
                    run=run, kind=Alert.Kind.REALIZED_AUC if realized else Alert.Kind.ESTIMATED_AUC,
                    value=fall, threshold=drop,
                    message=(f"AUC {'réalisée' if realized else 'estimée'} {number(measure.auc, 3)} "
                             f"[{number(measure.auc_low, 3)} ; {number(measure.auc_high, 3)}] contre "
                             f"{number(measure.reference_auc, 3)} pour {against} : baisse de "
                             f"{number(fall, 3)}{' au moins' if realized else ''} "
                             f"(seuil {number(drop, 2)}) — {where}")))
        if measure.cost is not None and measure.reference_cost:
            judged = measure.cost_low if realized and measure.cost_low is not None else measure.cost
            change = judged / measure.reference_cost - 1
            if change > rise:
                alerts.append(Alert(
                    run=run, kind=Alert.Kind.REALIZED_COST if realized else Alert.Kind.ESTIMATED_COST,
                    value=change, threshold=rise,
                    message=(f"coût métier {word} {number(measure.cost, 3)} par client "
                             f"[{number(measure.cost_low, 3)} ; {number(measure.cost_high, 3)}] contre "
                             f"{number(measure.reference_cost, 3)} pour {against} : "
                             f"+{percent(change, 0)}{' au moins' if realized else ''} "
                             f"(seuil +{percent(rise, 0)}) — {where}")))
    return alerts


def alert_send(*, alert: Alert) -> Alert:
    """Log the alert, email it to MONITORING_ALERT_EMAILS and post it to MONITORING_WEBHOOK_URL."""
    subject = f"[scoring] Alerte monitoring — {alert.get_kind_display()}"
    logger.warning("monitoring alert %s: %s", alert.kind, alert.message)
    recipients = settings.MONITORING_ALERT_EMAILS
    if recipients:
        try:
            send_mail(subject, _body(alert), settings.DEFAULT_FROM_EMAIL, recipients)
            alert.emailed = True
        except Exception as error:  # an SMTP outage must not stop the monitoring
            logger.error("alert email failed: %s", error)
    url = settings.MONITORING_WEBHOOK_URL
    if url:
        try:
            response = requests.post(url, json=_payload(alert, subject), timeout=settings.MONITORING_WEBHOOK_TIMEOUT_S)
            response.raise_for_status()
            alert.webhook_sent = True
        except requests.RequestException as error:
            logger.error("alert webhook failed: %s", error)
    alert.save(update_fields=["emailed", "webhook_sent"])
    return alert


def _body(alert: Alert) -> str:
    run = alert.run
    return (f"{alert.message}\n\nFenêtre : {run.window_start:%Y-%m-%d %H:%M} → {run.window_end:%Y-%m-%d %H:%M} "
            f"({run.n_events} prédictions)\nRapport : {run.report_path}\n")


def _payload(alert: Alert, subject: str) -> dict:
    """Slack/Teams-compatible body (``text``) plus the structured fields."""
    return {"text": f"{subject}\n{alert.message}", "kind": alert.kind, "value": alert.value,
            "threshold": alert.threshold, "run_id": alert.run_id,
            "window_start": alert.run.window_start.isoformat(),
            "window_end": alert.run.window_end.isoformat()}
