"""Reads of the monitoring app: prediction events of a window, the latest run."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from django.apps import apps
from django.db.models import QuerySet

from scoring_api.monitoring.models import MonitoringRun

EVENT_FIELDS = ("created_at", "endpoint", "model_name", "model_version", "probability_default",
                "decision", "threshold", "latency_ms", "features", "simulation")


def event_window(*, since: datetime, until: datetime) -> QuerySet:
    """PredictionEvent rows with ``since <= created_at < until`` (the API's monitoring source)."""
    event_model = apps.get_model("scoring", "PredictionEvent")
    return event_model.objects.filter(created_at__gte=since, created_at__lt=until)


def event_frame(*, since: datetime, until: datetime) -> pd.DataFrame:
    """The window's events as a DataFrame (one row per event, ``features`` kept as dicts)."""
    rows = list(event_window(since=since, until=until).values(*EVENT_FIELDS))
    return pd.DataFrame(rows, columns=list(EVENT_FIELDS))


def run_latest() -> MonitoringRun | None:
    return MonitoringRun.objects.order_by("-created_at").first()
