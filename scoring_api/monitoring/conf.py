"""Monitoring thresholds and destinations: a Django setting ``MONITORING_<NAME>`` wins, else the
environment variable ``MONITORING_<NAME>``, else the default below (one reader for all)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.conf import settings

from ml.config import settings as ml_settings

env = environ.Env()

DEFAULTS: dict[str, tuple[type, Any]] = {
    # Alert when more than this share of the compared input features drifted.
    "DRIFT_SHARE": (float, 0.3),
    # Alert when the PSI of probability_default vs the reference scores exceeds this.
    "PSI": (float, 0.2),
    # Alert when the refusal rate moves by more than this many percentage points.
    "REFUSAL_RATE_POINTS": (float, 10.0),
    # Alert when the p99 latency (ms) exceeds this.
    "LATENCY_P99_MS": (float, 500.0),
    # Below this many (non-simulation) events the window is too small to judge: nothing stored.
    "MIN_EVENTS": (int, 30),
    # Input features compared: the model's top N by mean |SHAP| (all shared ones without model).
    "TOP_FEATURES": (int, 20),
    # Reference rows drawn from features_train.parquet (seeded) to keep the command fast.
    "REFERENCE_ROWS": (int, 50_000),
    "ALERT_EMAILS": (list, []),
    "WEBHOOK_URL": (str, ""),
    "WEBHOOK_TIMEOUT_S": (float, 5.0),
    "REPORTS_DIR": (Path, ml_settings().reports_dir / "monitoring"),
    "FEATURES_DIR": (Path, ml_settings().features_dir),
}


def setting(name: str) -> Any:
    """The value of monitoring setting ``name`` (see DEFAULTS)."""
    cast, default = DEFAULTS[name]
    key = f"MONITORING_{name}"
    if hasattr(settings, key):
        return getattr(settings, key)
    if cast is list:
        return env.list(key, default=default)
    if cast is Path:
        return Path(env.str(key, default=str(default)))
    return env.get_value(key, cast=cast, default=default)
