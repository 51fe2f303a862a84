"""HTML reports of a run: a summary page (template) and evidently's per-feature drift report."""
from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ml.monitoring.drift import DriftResult
from scoring_api.monitoring.charts import (
    Interval,
    calibration_chart,
    calibration_table,
    interval_chart,
)
from scoring_api.monitoring.models import Alert, MonitoringRun, PerformanceMeasure


def report_write(
    *, run: MonitoringRun, alerts: list[Alert], drift: DriftResult | None, report_dir: Path
) -> tuple[Path, Path | None]:
    """Write ``<report_dir>/<timestamp>.html`` and ``<timestamp>-drift.html``; return both paths."""
    report_dir.mkdir(parents=True, exist_ok=True)
    stamp = run.created_at.strftime("%Y%m%dT%H%M%SZ") + f"-{run.pk}"
    drift_path = drift.save_html(report_dir / f"{stamp}-drift.html") if drift is not None else None
    html = render_to_string("scoring_api/monitoring/report.html", {
        "run": run, "alerts": alerts, "drift_file": drift_path.name if drift_path else None,
        "performance": performance_charts(list(run.measures.all()), prefix=f"run-{run.pk}", calibration=True),
    })
    path = report_dir / f"{stamp}.html"
    path.write_text(html, encoding="utf-8")
    return path, drift_path


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}".replace(".", ",")


def performance_charts(measures: list[PerformanceMeasure], *, prefix: str, calibration: bool = False) -> SafeString:
    """AUC and business cost of each measure (estimated, realized, challenger) with their
    intervals against the training holdout: two charts, then the table of the same numbers."""
    if not measures:
        return format_html("<p>{}</p>", "Aucune performance mesurée (trop peu de prédictions ou d'issues connues).")

    def label(m: PerformanceMeasure) -> str:
        return f"{m.get_kind_display()} {m.role} v{m.model_version} {m.period}"

    reference = next((m for m in measures if m.reference_auc is not None), None)
    charts = format_html(
        "{}{}",
        interval_chart(chart_id=f"{prefix}-auc", title="AUC par version et période (intervalle à 95 %)",
                       rows=[Interval(label(m), m.auc, m.auc_low, m.auc_high) for m in measures],
                       reference=reference.reference_auc if reference else None,
                       reference_label="entraînement"),
        interval_chart(chart_id=f"{prefix}-cost", title="Coût métier par client (FN = 10 × FP) au seuil du modèle",
                       rows=[Interval(label(m), m.cost, m.cost_low, m.cost_high) for m in measures],
                       reference=reference.reference_cost if reference else None,
                       reference_label="entraînement"))
    rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} [{} ; {}]</td><td>{}</td><td>{}</td>"
                                "<td>{} [{} ; {}]</td><td>{}</td><td>{}</td></tr>", (
        (label(m), m.n, "—" if m.n_defaults is None else m.n_defaults, _num(m.auc), _num(m.auc_low),
         _num(m.auc_high), _num(m.estimated_auc), _num(m.reference_auc), _num(m.cost), _num(m.cost_low),
         _num(m.cost_high), _num(m.estimated_cost), _num(m.reference_cost)) for m in measures))
    table = format_html(
        '<table><caption>Performance mesurée : estimée (CBPE, avant les issues) et réalisée (issues connues), '
        'contre l\'échantillon de test de l\'entraînement</caption><thead><tr><th scope="col">Mesure</th>'
        '<th scope="col">Prédictions</th><th scope="col">Défauts</th><th scope="col">AUC [IC 95 %]</th>'
        '<th scope="col">AUC estimée, mêmes prédictions</th><th scope="col">AUC entraînement</th>'
        '<th scope="col">Coût [IC 95 %]</th><th scope="col">Coût estimé, mêmes prédictions</th>'
        '<th scope="col">Coût entraînement</th></tr></thead><tbody>{}</tbody></table>', rows)
    result = charts + table
    if calibration:
        for m in measures:
            if m.calibration:
                result += calibration_chart(chart_id=f"{prefix}-calibration-{m.pk}",
                                            title=f"Calibration, {label(m)}", calibration=m.calibration)
                result += calibration_table(m.calibration)
    return result
