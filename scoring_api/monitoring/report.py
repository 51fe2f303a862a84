"""HTML reports of a run: a summary page (template) and evidently's per-feature drift report."""
from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from ml.monitoring.drift import DriftResult
from scoring_api.monitoring.models import Alert, MonitoringRun


def report_write(
    *, run: MonitoringRun, alerts: list[Alert], drift: DriftResult | None, report_dir: Path
) -> tuple[Path, Path | None]:
    """Write ``<report_dir>/<timestamp>.html`` and ``<timestamp>-drift.html``; return both paths."""
    report_dir.mkdir(parents=True, exist_ok=True)
    stamp = run.created_at.strftime("%Y%m%dT%H%M%SZ") + f"-{run.pk}"
    drift_path = drift.save_html(report_dir / f"{stamp}-drift.html") if drift is not None else None
    html = render_to_string("scoring_api/monitoring/report.html", {
        "run": run, "alerts": alerts, "drift_file": drift_path.name if drift_path else None,
    })
    path = report_dir / f"{stamp}.html"
    path.write_text(html, encoding="utf-8")
    return path, drift_path
