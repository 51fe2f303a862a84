"""One place for paths and settings of the pipeline, each overridable from the environment."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(env_name: str, default: Path) -> Path:
    value = os.environ.get(env_name)
    return Path(value).expanduser().resolve() if value else default


# Raw Kaggle tables (CSV, CSV.gz or Parquet). When absent, `make demo` generates synthetic ones.
RAW_DATA_DIR = _path("DATA_DIR", PROJECT_ROOT / "data" / "raw")
SYNTHETIC_DATA_DIR = _path("SYNTHETIC_DATA_DIR", PROJECT_ROOT / "data" / "synthetic")
FEATURES_DIR = _path("FEATURES_DIR", PROJECT_ROOT / "data" / "features")
SCORES_DIR = _path("SCORES_DIR", PROJECT_ROOT / "data" / "scores")
REPORTS_DIR = _path("REPORTS_DIR", PROJECT_ROOT / "reports")

# MLflow tracking store and model registry: local files by default, a shared server by env.
MLFLOW_TRACKING_URI = os.environ.get(
    "MLFLOW_TRACKING_URI", f"sqlite:///{PROJECT_ROOT / 'mlruns.db'}"
)
MLFLOW_ARTIFACT_ROOT = _path("MLFLOW_ARTIFACT_ROOT", PROJECT_ROOT / "mlartifacts")
MLFLOW_EXPERIMENT = os.environ.get("MLFLOW_EXPERIMENT", "credit-scoring")
MODEL_NAME = os.environ.get("MODEL_NAME", "credit-scoring")
CHAMPION_ALIAS = "champion"
DEFAULT_MODEL_URI = os.environ.get("MODEL_URI", f"models:/{MODEL_NAME}@{CHAMPION_ALIAS}")

# Business cost: a false negative (a defaulter granted credit) costs 10 false positives.
COST_FN = float(os.environ.get("COST_FN", "10"))
COST_FP = float(os.environ.get("COST_FP", "1"))

RANDOM_STATE = int(os.environ.get("RANDOM_STATE", "42"))

# LightGBM threads while training. One by default: on a small shared machine, OpenMP threads
# that wait for a busy sibling core spin, and a 2-thread fit was measured up to 50x slower
# than a 1-thread one under load. Raise it on a dedicated machine.
LIGHTGBM_THREADS = int(os.environ.get("LIGHTGBM_THREADS", "1"))


def default_data_dir() -> Path:
    """The real Kaggle data when a user has put it in DATA_DIR, else the synthetic demo data."""
    if RAW_DATA_DIR.is_dir() and any(RAW_DATA_DIR.iterdir()):
        return RAW_DATA_DIR
    return SYNTHETIC_DATA_DIR


def tracking_uri() -> str:
    """The MLflow tracking URI, read at call time (tests and servers may set it late)."""
    return os.environ.get("MLFLOW_TRACKING_URI", MLFLOW_TRACKING_URI)


def artifact_root() -> Path:
    """Where new experiments store their artifacts."""
    value = os.environ.get("MLFLOW_ARTIFACT_ROOT")
    return Path(value).expanduser().resolve() if value else MLFLOW_ARTIFACT_ROOT
