"""Writes of the monitoring app: measure a window of prediction events, store the run, alert."""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction

from ml.monitoring.drift import DriftResult, column_drift
from ml.monitoring.psi import population_stability_index
from scoring_api.monitoring.alerts import alert_send, alerts_evaluate, performance_alerts
from scoring_api.monitoring.models import Alert, MonitoringRun, PerformanceMeasure
from scoring_api.monitoring.overrides import override_rates
from scoring_api.monitoring.performance import challenger_report_write, performance_measure
from scoring_api.monitoring.reference import Reference
from scoring_api.monitoring.report import report_write
from scoring_api.monitoring.selectors import event_frame
from vocabulary.decisions import REFUSED

logger = logging.getLogger(__name__)


class EmptyWindow(Exception):
    """The window holds too few events to judge: nothing is stored (see docs/monitoring.md)."""


def monitoring_run_create(
    *, since: datetime, until: datetime, reference: Reference, min_events: int, report_dir: Path,
    challenger_report: Path | None = None,
) -> MonitoringRun:
    """Measure the events of ``[since, until)`` against ``reference``, store the run and its
    alerts, write the HTML reports and send the alerts. Performance: estimated on the window's
    events, realized on the predictions with a known outcome (``performance``); the champion vs
    challenger comparison goes to ``challenger_report`` (CHALLENGER_REPORT). Raises EmptyWindow
    when too few events and no outcome."""
    challenger_report = challenger_report or Path(settings.CHALLENGER_REPORT)
    events = event_frame(since=since, until=until)
    simulation = events["simulation"].fillna(False).astype(bool)
    real = events[~simulation]
    performance = performance_measure(window=real, until=until, reference=reference)
    enough = len(real) >= max(min_events, 1)
    if not enough and not performance.realized:
        raise EmptyWindow(
            f"{len(real)} prediction(s) between {since.isoformat()} and {until.isoformat()} "
            f"(+{int(simulation.sum())} simulations), fewer than {max(min_events, 1)}, and no "
            "prediction with a known outcome: nothing to measure")
    drift = _feature_drift(real, reference) if enough else None
    run = MonitoringRun(
        window_start=since, window_end=until, n_events=len(real), n_simulations=int(simulation.sum()),
        model_name=_most_common(real["model_name"]), model_version=_most_common(real["model_version"]),
        refusal_rate=float((real["decision"] == REFUSED).mean()) if len(real) else None,
        reference_refusal_rate=reference.refusal_rate,
        score_psi=_score_psi(real, reference) if enough else None,
        **_latency(events["latency_ms"]), **_drift_fields(drift),
        details={**_details(real, reference, drift),
                 "overrides": override_rates(since=since, until=until),
                 "performance_notes": performance.notes, "challenger": performance.challenger},
    )
    with transaction.atomic():
        run.save()
        for measure in performance.measures:
            measure.run = run
        PerformanceMeasure.objects.bulk_create(performance.measures)
        alerts = alerts_evaluate(run=run) + performance_alerts(run=run, measures=performance.measures)
        Alert.objects.bulk_create(alerts)
        run.status = MonitoringRun.Status.ALERT if alerts else MonitoringRun.Status.OK
        run.report_path, run.drift_report_path = (str(p) if p else "" for p in
                                                  report_write(run=run, alerts=alerts, drift=drift,
                                                               report_dir=report_dir))
        run.save(update_fields=["status", "report_path", "drift_report_path"])
    if performance.challenger is not None:
        challenger_report_write(performance.challenger, challenger_report)
    for alert in run.alerts.all():
        alert_send(alert=alert)
    return run


def _feature_drift(real: pd.DataFrame, reference: Reference) -> DriftResult | None:
    """evidently drift of the events' model inputs vs the reference, on the top features."""
    current = pd.DataFrame.from_records([f or {} for f in real["features"]])
    current = current.apply(pd.to_numeric, errors="coerce")
    columns = [c for c in reference.top_features if c in current and c in reference.features]
    if not columns:
        logger.warning("no event feature matches the reference: feature drift skipped")
        return None
    return column_drift(reference.features[columns], current[columns], columns)


def _score_psi(real: pd.DataFrame, reference: Reference) -> float | None:
    if reference.scores is None:
        return None
    return population_stability_index(reference.scores, real["probability_default"].astype(float))


def _latency(latency_ms: pd.Series) -> dict[str, float | None]:
    values = latency_ms.dropna().astype(float).to_numpy()
    if values.size == 0:
        return {"latency_p50_ms": None, "latency_p95_ms": None, "latency_p99_ms": None}
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return {"latency_p50_ms": float(p50), "latency_p95_ms": float(p95), "latency_p99_ms": float(p99)}


def _drift_fields(drift: DriftResult | None) -> dict[str, Any]:
    if drift is None:
        return {"share_drifted": None, "drifted_features": [], "feature_drift": []}
    return {"share_drifted": drift.share_drifted, "drifted_features": drift.drifted,
            "feature_drift": drift.features}


def _details(real: pd.DataFrame, reference: Reference, drift: DriftResult | None) -> dict[str, Any]:
    """Context for the report: sizes, score quantiles, endpoint mix, what was not computed."""
    scores = real["probability_default"].astype(float)
    notes = []
    if reference.scores is None:
        notes.append("aucun modèle champion : PSI et taux de refus de référence non calculés")
    if drift is None:
        notes.append("aucune variable commune aux événements et à la référence : dérive non calculée")
    return {
        "reference_rows": len(reference.features),
        "reference_model": f"{reference.model_name} v{reference.model_version}".strip(" v"),
        "score_quantiles": ({f"p{q}": float(scores.quantile(q / 100)) for q in (10, 50, 90)}
                            if len(scores) else {}),
        "endpoints": {str(k): int(v) for k, v in real["endpoint"].value_counts().items()},
        "skipped_features": drift.skipped if drift else [],
        "notes": notes,
    }


def _most_common(values: pd.Series) -> str:
    counts = values.dropna().astype(str).value_counts()
    return str(counts.index[0]) if len(counts) else ""
