"""``python manage.py monitor``: measure the recent prediction events, store the run, alert.

Meant for cron or Heroku Scheduler (e.g. hourly: ``manage.py monitor --hours 24``). Exit 0 when
the window is empty (message, nothing stored), 1 on a bad argument or missing reference.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ml.errors import MLError
from scoring_api.monitoring.models import MonitoringRun, PerformanceMeasure
from scoring_api.monitoring.overrides import override_lines, override_rates
from scoring_api.monitoring.reference import reference_load
from scoring_api.monitoring.selectors import event_window
from scoring_api.monitoring.services import EmptyWindow, monitoring_run_create


def _moment(value: str) -> datetime:
    """An ISO 8601 date or datetime; naive values are in the project's time zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not an ISO 8601 date/time: {value!r} (e.g. 2025-01-31T08:00)") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = ("Drift, score stability, refusal rate, volume and latency of recent predictions; "
            "advisors' override rates; alerts.")

    def add_arguments(self, parser: CommandParser) -> None:
        window = parser.add_mutually_exclusive_group()
        window.add_argument("--since", help="window start, ISO 8601 (default: --hours before --until)")
        window.add_argument("--hours", type=float, default=24.0, help="window length (default 24)")
        parser.add_argument("--until", help="window end, ISO 8601 (default: now)")
        parser.add_argument("--min-events", type=int, default=None,
                            help="fewer events than this: nothing measured (default MONITORING_MIN_EVENTS)")
        parser.add_argument("--model", default=None, help="model URI of the reference (default: champion)")
        parser.add_argument("--json", type=Path, default=None,
                            help="also write the run's results (alerts, performance) to this JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        until = _moment(options["until"]) if options["until"] else timezone.now()
        if options["since"]:
            since = _moment(options["since"])
        elif options["hours"] > 0:
            since = until - timedelta(hours=options["hours"])
        else:
            raise CommandError("--hours must be positive")
        if since >= until:
            raise CommandError(f"empty window: --since {since.isoformat()} is not before --until {until.isoformat()}")
        min_events = options["min_events"]
        if min_events is None:
            min_events = settings.MONITORING_MIN_EVENTS
        for line in override_lines(override_rates(since=since, until=until)):
            self.stdout.write(line)
        if not event_window(since=since, until=until).exists() and not apps.get_model(
                "outcomes", "Outcome").objects.exists():
            self.stdout.write(f"No prediction between {since.isoformat()} and {until.isoformat()}: nothing to monitor.")
            return
        try:
            reference = reference_load(features_dir=settings.MONITORING_FEATURES_DIR,
                                       rows=settings.MONITORING_REFERENCE_ROWS,
                                       top=settings.MONITORING_TOP_FEATURES, model_uri=options["model"])
            run = monitoring_run_create(since=since, until=until, reference=reference,
                                        min_events=min_events, report_dir=settings.MONITORING_REPORTS_DIR)
        except EmptyWindow as empty:
            self.stdout.write(f"{str(empty)[:1].upper()}{str(empty)[1:]}.")
            return
        except MLError as error:
            raise CommandError(str(error)) from None
        alerts = list(run.alerts.all())
        self.stdout.write(
            f"Run {run.pk}: {run.n_events} predictions, refusal rate {_fmt(run.refusal_rate)}, "
            f"score PSI {_fmt(run.score_psi)}, drifted features {_fmt(run.share_drifted)}, "
            f"p99 {_fmt(run.latency_p99_ms)} ms -> {len(alerts)} alert(s)")
        for measure in run.measures.all():
            self.stdout.write(_measure_line(measure))
        for alert in alerts:
            self.stdout.write(self.style.WARNING(f"ALERT {alert.kind}: {alert.message}"))
        self.stdout.write(f"Report: {run.report_path}")
        if options["json"]:
            options["json"].parent.mkdir(parents=True, exist_ok=True)
            options["json"].write_text(json.dumps(run_summary(run), indent=2, ensure_ascii=False),
                                       encoding="utf-8")


def _measure_line(measure: PerformanceMeasure) -> str:
    interval = lambda v, lo, hi: "n/a" if v is None else f"{v:.3f} [{lo:.3f}; {hi:.3f}]"  # noqa: E731
    reference = (f" (holdout AUC {_fmt(measure.reference_auc)}, cost {_fmt(measure.reference_cost)})")
    return (f"Performance {measure.kind} {measure.role} v{measure.model_version} {measure.period}: "
            f"n={measure.n}, AUC {interval(measure.auc, measure.auc_low, measure.auc_high)}, "
            f"cost {interval(measure.cost, measure.cost_low, measure.cost_high)}{reference}")


def run_summary(run: MonitoringRun) -> dict[str, Any]:
    """The run as JSON: status, alerts and every performance measure (``--json``)."""
    fields = ("kind", "role", "model_name", "model_version", "period", "n", "n_defaults", "threshold",
              "auc", "auc_low", "auc_high", "cost", "cost_low", "cost_high", "estimated_auc",
              "estimated_cost", "reference_auc", "reference_cost")
    return {"run": run.pk, "status": run.status, "window_start": run.window_start.isoformat(),
            "window_end": run.window_end.isoformat(), "n_events": run.n_events,
            "alerts": [{"kind": a.kind, "value": a.value, "threshold": a.threshold, "message": a.message}
                       for a in run.alerts.all()],
            "measures": [{f: getattr(m, f) for f in fields} for m in run.measures.all()],
            "challenger": run.details.get("challenger"), "report": run.report_path}


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
