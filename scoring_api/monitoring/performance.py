"""Performance of the served models: estimated on recent traffic (CBPE), realized on the
predictions whose outcome is known, per model version and period, against the model's own
training holdout; the champion and the challenger in shadow compared on the same outcomes."""
from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.apps import apps
from django.conf import settings

from ml.monitoring.performance import estimated_performance
from ml.monitoring.realized import auc, cost, realized_performance
from scoring_api.monitoring.models import PerformanceMeasure
from scoring_api.monitoring.reference import Reference

logger = logging.getLogger(__name__)

PREDICTION_FIELDS = ("client_id", "created_at", "model_name", "model_version", "probability_default",
                     "threshold", "challenger_model_version", "challenger_probability_default",
                     "challenger_threshold")


@dataclass
class Performance:
    """What a run measured about performance (unsaved measures, the comparison, notes)."""

    measures: list[PerformanceMeasure] = field(default_factory=list)
    challenger: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def realized(self) -> list[PerformanceMeasure]:
        return [m for m in self.measures if m.kind == PerformanceMeasure.Kind.REALIZED]


def holdout_metrics(name: str, version: str) -> tuple[float | None, float | None]:
    """(AUC, business cost) of a registered version on its training holdout (model card)."""
    from ml.config import settings as pipeline_settings

    # remembered per registry: the same name and version in another registry is another model
    return _holdout_metrics(pipeline_settings().tracking_uri, name, version)


@functools.lru_cache(maxsize=32)
def _holdout_metrics(tracking_uri: str, name: str, version: str) -> tuple[float | None, float | None]:
    from ml.errors import MLError
    from ml.model.loading import load_model

    try:
        metrics = load_model(f"models:/{name}/{version}").metrics
    except (MLError, OSError) as error:
        logger.warning("no holdout metrics for %s v%s: %s", name, version, error)
        return None, None
    value = lambda key: float(metrics[key]) if metrics.get(key) is not None else None  # noqa: E731
    return value("auc"), value("business_cost")


def predictions_with_outcomes(*, since: datetime, until: datetime) -> pd.DataFrame:
    """Real (non-simulation) predictions of known clients made in ``[since, until)`` with the
    client's first outcome dated on or after the prediction's day; one prediction per client
    and model version (the latest: the one the lender acted on)."""
    event_model = apps.get_model("scoring", "PredictionEvent")
    outcome_model = apps.get_model("outcomes", "Outcome")
    events = pd.DataFrame(list(
        event_model.objects.filter(created_at__gte=since, created_at__lt=until, simulation=False,
                                   client_id__isnull=False).values(*PREDICTION_FIELDS)),
        columns=list(PREDICTION_FIELDS))
    if events.empty:
        return events.assign(defaulted=pd.Series(dtype=int))
    events = (events.sort_values("created_at")
              .drop_duplicates(["client_id", "model_name", "model_version"], keep="last"))
    outcomes = pd.DataFrame(list(outcome_model.objects.filter(
        client_id__in=events["client_id"].unique().tolist()).values("client_id", "outcome_date", "defaulted")),
        columns=["client_id", "outcome_date", "defaulted"])
    if outcomes.empty:
        return events.iloc[0:0].assign(defaulted=pd.Series(dtype=int))
    joined = events.merge(outcomes, on="client_id")
    day = pd.to_datetime(joined["created_at"], utc=True).dt.tz_convert(None).dt.normalize()
    joined = joined[pd.to_datetime(joined["outcome_date"]) >= day]
    return (joined.sort_values("outcome_date").drop_duplicates(
        ["client_id", "model_name", "model_version"], keep="first").reset_index(drop=True))


def _period(created_at: pd.Series) -> pd.Series:
    return pd.to_datetime(created_at, utc=True).dt.strftime("%Y-%m")


def _clean(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)


def _measure(kind: str, role: str, name: str, version: str, period: str, threshold: float,
             result: dict[str, Any], **extra: Any) -> PerformanceMeasure:
    reference_auc, reference_cost = holdout_metrics(name, version)
    return PerformanceMeasure(
        kind=kind, role=role, model_name=name, model_version=version, period=period,
        n=result["n"], n_defaults=result.get("n_defaults"), threshold=threshold,
        auc=_clean(result["auc"]), auc_low=_clean(result["auc_low"]), auc_high=_clean(result["auc_high"]),
        cost=_clean(result["cost"]), cost_low=_clean(result["cost_low"]), cost_high=_clean(result["cost_high"]),
        reference_auc=reference_auc, reference_cost=reference_cost,
        calibration=result.get("calibration", []), **extra)


def _estimate_reference(reference: Reference | None, name: str, version: str,
                        threshold: float) -> tuple[float | None, float | None] | None:
    """(AUC, cost) the same estimator gives on the reference population's scores (the training
    features scored by this version), or None when the reference is another model."""
    if reference is None or reference.scores is None or (reference.model_name, reference.model_version) != (
            name, version):
        return None
    result = estimated_performance(reference.scores, threshold)
    return _clean(result["auc"]), _clean(result["cost"])


def performance_measure(*, window: pd.DataFrame, until: datetime, reference: Reference | None = None) -> Performance:
    """Estimated performance of the window's real events (per version and month) and realized
    performance of the predictions of the last MONITORING_OUTCOME_DAYS with a known outcome.

    The estimate is compared with the same estimate on the reference population (CBPE on the
    training features scored by the same version: the model's own calibration cancels out, as
    NannyML's reference period), or with the training holdout when the reference is another
    model; realized performance with the training holdout (the model's MLflow metrics)."""
    found = Performance()
    min_events, min_outcomes = settings.MONITORING_MIN_EVENTS, settings.MONITORING_MIN_OUTCOMES
    if not window.empty:
        window = window.assign(period=_period(window["created_at"]))
        for (name, version, period), group in window.groupby(["model_name", "model_version", "period"]):
            if len(group) < max(min_events, 2):
                continue
            threshold = float(group["threshold"].iloc[-1])
            result = estimated_performance(group["probability_default"].astype(float).to_numpy(), threshold)
            measure = _measure(PerformanceMeasure.Kind.ESTIMATED, PerformanceMeasure.Role.CHAMPION,
                               str(name), str(version), str(period), threshold, result)
            baseline = _estimate_reference(reference, str(name), str(version), threshold)
            if baseline is not None:
                measure.reference_auc, measure.reference_cost = baseline
            found.measures.append(measure)
    since = until - timedelta(days=settings.MONITORING_OUTCOME_DAYS)
    known = predictions_with_outcomes(since=since, until=until)
    if known.empty:
        found.notes.append("aucune prédiction dont l'issue est connue : performance réalisée non calculée")
        return found
    known = known.assign(period=_period(known["created_at"]))
    for (name, version, period), group in known.groupby(["model_name", "model_version", "period"]):
        if len(group) < min_outcomes:
            found.notes.append(f"v{version} {period} : {len(group)} issues connues, moins de {min_outcomes} "
                               "(MONITORING_MIN_OUTCOMES) : performance réalisée non jugée")
            continue
        threshold = float(group["threshold"].iloc[-1])
        p = group["probability_default"].astype(float).to_numpy()
        y = group["defaulted"].astype(int).to_numpy()
        estimate = estimated_performance(p, threshold)
        found.measures.append(_measure(
            PerformanceMeasure.Kind.REALIZED, PerformanceMeasure.Role.CHAMPION, str(name), str(version),
            str(period), threshold, realized_performance(y, p, threshold),
            estimated_auc=_clean(estimate["auc"]), estimated_cost=_clean(estimate["cost"])))
    found.challenger = _challenger(known, found)
    return found


def _challenger(known: pd.DataFrame, found: Performance) -> dict[str, Any] | None:
    """Champion and challenger on the same outcomes (the predictions the shadow scored too)."""
    shadowed = known[known["challenger_probability_default"].notna()]
    if shadowed.empty:
        return None
    champion_version = str(shadowed["model_version"].mode().iloc[0])
    challenger_version = str(shadowed["challenger_model_version"].mode().iloc[0])
    same = shadowed[(shadowed["model_version"] == champion_version)
                    & (shadowed["challenger_model_version"] == challenger_version)]
    y = same["defaulted"].astype(int).to_numpy()

    def judged(p: pd.Series, threshold: pd.Series, version: str) -> dict[str, Any]:
        p = p.astype(float).to_numpy()
        t = float(threshold.iloc[-1])
        return {"version": version, "auc": _clean(auc(y, p)), "cost": _clean(cost(y, p, t)),
                "n": int(len(y)), "threshold": t}

    report = {"champion": judged(same["probability_default"], same["threshold"], champion_version),
              "challenger": judged(same["challenger_probability_default"], same["challenger_threshold"],
                                   challenger_version),
              "model_name": str(same["model_name"].iloc[0]),
              "n_defaults": int(y.sum())}
    if len(same) >= settings.MONITORING_MIN_OUTCOMES:
        threshold = float(same["challenger_threshold"].iloc[-1])
        p = same["challenger_probability_default"].astype(float).to_numpy()
        period = str(_period(same["created_at"]).max())
        found.measures.append(_measure(PerformanceMeasure.Kind.REALIZED, PerformanceMeasure.Role.CHALLENGER,
                                       report["model_name"], challenger_version, period, threshold,
                                       realized_performance(y, p, threshold)))
    return report


def challenger_report_write(report: dict[str, Any], path: Path) -> Path:
    """reports/monitoring/challenger.json (CHALLENGER_REPORT), written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)
    return path
