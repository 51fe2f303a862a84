"""Data drift, application_train (reference) vs application_test (current), with evidently 0.7.

``python -m ml drift`` compares the model's most important features (top N by mean |SHAP| of
the champion; a documented default list when no model is registered), optionally with every
application column, and writes ``reports/drift/report.html`` and ``reports/drift/summary.json``,
also logged as artifacts of the champion's MLflow run. ``column_drift`` is the shared core,
also used by the production monitoring of the API (``scoring_api.monitoring``).

Per column, evidently picks the test from the data: Kolmogorov-Smirnov (numeric) or
chi-square (categorical) p-values when the reference has <= 1,000 rows, else normed
Wasserstein (numeric) or Jensen-Shannon (categorical) distances, threshold 0.1: on 300k rows
every p-value is ~0, so a distance says "how much", not just "whether". When the *current*
side is small (<= 1,000 rows) we force the p-value tests too: a distance on 49 rows is noise.
"""
from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ml.config import settings
from ml.errors import DataValidationError, MLError, ModelNotFoundError

logger = logging.getLogger(__name__)

# Used when no champion is registered: the application columns that carry most of the signal
# in Home Credit models (external scores, age, employment, amounts, region, documents).
DEFAULT_FEATURES: tuple[str, ...] = (
    "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "DAYS_BIRTH", "DAYS_EMPLOYED",
    "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "AMT_INCOME_TOTAL", "DAYS_ID_PUBLISH",
    "DAYS_REGISTRATION", "DAYS_LAST_PHONE_CHANGE", "REGION_POPULATION_RELATIVE",
    "REGION_RATING_CLIENT_W_CITY", "OWN_CAR_AGE", "CNT_CHILDREN", "CNT_FAM_MEMBERS",
    "HOUR_APPR_PROCESS_START", "FLAG_DOCUMENT_3", "AMT_REQ_CREDIT_BUREAU_YEAR",
    "OBS_30_CNT_SOCIAL_CIRCLE", "DEF_30_CNT_SOCIAL_CIRCLE", "TOTALAREA_MODE",
    "NAME_CONTRACT_TYPE", "CODE_GENDER", "NAME_EDUCATION_TYPE", "NAME_INCOME_TYPE",
    "NAME_FAMILY_STATUS", "OCCUPATION_TYPE", "ORGANIZATION_TYPE",
)
ID_COLUMNS = ("SK_ID_CURR", "TARGET")
# evidently names forced tests by id ("ks") and auto-chosen ones by label ("K-S p_value").
P_VALUE_TESTS = frozenset({"ks", "chisquare", "z", "fisher_exact", "g_test", "anderson",
                           "cramer_von_mises", "mannw", "t_test", "epps_singleton", "empirical_mmd"})
DEFAULT_TOP = 20
# Below this many rows on either side, p-value tests replace distances (see _small_sample_tests).
SMALL_SAMPLE = 1_000


@dataclass
class DriftResult:
    """What evidently found, per column and overall, plus the report for HTML export."""

    features: list[dict[str, Any]]
    n_reference: int
    n_current: int
    snapshot: Any = field(repr=False)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def drifted(self) -> list[str]:
        return [item["feature"] for item in self.features if item["drifted"]]

    @property
    def share_drifted(self) -> float:
        return len(self.drifted) / len(self.features) if self.features else 0.0

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary: the sizes, the share of drifted columns and each column's test."""
        return {
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "n_columns": len(self.features),
            "n_drifted": len(self.drifted),
            "share_drifted": round(self.share_drifted, 4),
            "drifted_features": self.drifted,
            "features": self.features,
            "skipped_columns": self.skipped,
            "seconds": round(self.seconds, 2),
        }

    def save_html(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.snapshot.save_html(str(path))
        return path


def column_drift(
    reference: pd.DataFrame, current: pd.DataFrame, columns: list[str] | None = None
) -> DriftResult:
    """Run evidently's DataDriftPreset on ``columns`` (default: the common ones).

    Columns missing on a side or entirely empty on a side are skipped (listed in ``skipped``):
    no test can compare an empty distribution.
    """
    from evidently import Report
    from evidently.presets import DataDriftPreset

    if reference.empty or current.empty:
        raise MLError(f"drift needs rows on both sides (reference {len(reference)}, current {len(current)})")
    wanted = list(columns) if columns is not None else [c for c in reference.columns if c in current.columns]
    usable = [c for c in wanted if c in reference and c in current
              and reference[c].notna().any() and current[c].notna().any()]
    skipped = [c for c in wanted if c not in usable]
    if not usable:
        raise MLError(f"no column to compare (asked: {', '.join(wanted[:10]) or 'none'})")
    started = time.perf_counter()
    preset = DataDriftPreset(columns=usable, **_small_sample_tests(len(reference), len(current)))
    report = Report([preset], include_tests=True)
    snapshot = report.run(current_data=current[usable], reference_data=reference[usable])
    features = _per_column(snapshot.dict())
    return DriftResult(features=features, n_reference=len(reference), n_current=len(current),
                       snapshot=snapshot, skipped=skipped, seconds=time.perf_counter() - started)


def _small_sample_tests(n_reference: int, n_current: int) -> dict[str, str]:
    """Statistical tests (p-values) when either side is small, else evidently's own choice.

    evidently chooses from the reference size alone; with a big reference and a small current
    set (the 49-row real test sample, a quiet day of production), a 0.1 distance threshold is
    below the sampling noise (~1/sqrt(n)) and flags drift everywhere. A p-value accounts for n.
    """
    if min(n_reference, n_current) > SMALL_SAMPLE:
        return {}
    return {"num_method": "ks", "cat_method": "chisquare"}


def _per_column(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per column from evidently's ValueDrift metrics and their pass/fail tests."""
    failed = {test["metric_config"]["params"].get("column")
              for test in snapshot.get("tests", []) if test.get("id") == "drift" and test["status"] == "FAIL"}
    rows = []
    for metric in snapshot["metrics"]:
        params = metric["config"]
        if not params.get("type", "").endswith("ValueDrift"):
            continue
        method = params["method"]
        is_p_value = "p_value" in method or method in P_VALUE_TESTS
        rows.append({
            "feature": params["column"],
            "test": method,
            "statistic": "p_value" if is_p_value else "distance",
            "value": float(metric["value"]),
            "threshold": float(params["threshold"]),
            "drifted": params["column"] in failed,
        })
    return rows


# ---------------------------------------------------------------- inputs
def load_application(name: str, data_dir: Path) -> pd.DataFrame:
    """``application_train``/``application_test`` of a data dir (also the ``*_sample.csv`` files)."""
    from ml.data.load import clean_table, load_table

    try:
        return load_table(name, data_dir)
    except DataValidationError:
        sample = data_dir / f"{name}_sample.csv"
        if not sample.is_file():
            raise
        return clean_table(name, pd.read_csv(sample, low_memory=False))


def top_features(model_uri: str | None, top: int) -> tuple[list[str], dict[str, Any] | None]:
    """The champion's top ``top`` features by mean |SHAP| and the model, else the default list."""
    try:
        from ml.model.loading import load_model

        model = load_model(model_uri)
    except (ImportError, ModelNotFoundError) as error:
        logger.warning("no model (%s): using the default feature list", error)
        return list(DEFAULT_FEATURES[:top]), None
    names = ranked_features(model, top)
    return names, {"name": model.name, "version": model.version, "run_id": model.run_id}


def ranked_features(model: Any, top: int) -> list[str]:
    """A model's ``top`` features by mean |SHAP| (its feature order if it has no importance)."""
    ranked = sorted(model.global_importance, key=lambda item: -float(item["mean_abs_shap"]))
    return [item["feature"] for item in ranked][:top] or list(model.features)[:top]


def drift_frames(
    data_dir: Path, features_dir: Path | None, columns: list[str], all_columns: bool
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Reference and current frames holding ``columns`` from the raw application tables, and
    from the feature tables for engineered features (joined on SK_ID_CURR)."""
    train, test = load_application("application_train", data_dir), load_application("application_test", data_dir)
    if all_columns:
        columns = columns + [c for c in test.columns if c not in ID_COLUMNS and c not in columns]
    engineered = [c for c in columns if c not in train.columns]
    if engineered and features_dir is not None:
        train = _join_features(train, features_dir / "features_train.parquet", engineered)
        test = _join_features(test, features_dir / "features_test.parquet", engineered)
    return train, test, columns


def _join_features(frame: pd.DataFrame, path: Path, wanted: list[str]) -> pd.DataFrame:
    """``frame`` with the ``wanted`` columns of a feature table, when it exists and has them."""
    if not path.is_file():
        return frame
    table = pd.read_parquet(path)
    keep = [c for c in wanted if c in table.columns]
    return frame.merge(table[["SK_ID_CURR", *keep]], on="SK_ID_CURR", how="left") if keep else frame


# ---------------------------------------------------------------- outputs
def log_to_mlflow(run_id: str, paths: list[Path]) -> None:
    """Attach the report files to the champion's run, under ``drift/``."""
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=settings().tracking_uri)
    for path in paths:
        client.log_artifact(run_id, str(path), artifact_path="drift")


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--data", type=Path, default=None,
                        help="raw data directory (default: DATA_DIR, else the synthetic data)")
    parser.add_argument("--features", type=Path, default=settings().features_dir,
                        help="feature tables, for engineered top features (default: %(default)s)")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP,
                        help="number of most important features compared (default: %(default)s)")
    parser.add_argument("--all-columns", action="store_true",
                        help="also compare every application column")
    parser.add_argument("--out", type=Path, default=settings().reports_dir / "drift",
                        help="output directory (default: %(default)s)")
    parser.add_argument("--model", default=None, help="model URI (default: the champion)")


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise MLError(f"--top must be at least 1, got {args.top}")
    data_dir = args.data or settings().default_data_dir()
    columns, model = top_features(args.model, args.top)
    reference, current, columns = drift_frames(data_dir, args.features, columns, args.all_columns)
    print(f"drift: {len(reference):,} reference rows vs {len(current):,} current rows, "
          f"{len(columns)} columns ({'champion top features' if model else 'default feature list'})")
    result = column_drift(reference, current, columns)
    summary = {"data_dir": str(data_dir), "model": model, **result.summary()}
    args.out.mkdir(parents=True, exist_ok=True)
    html = result.save_html(args.out / "report.html")
    summary_path = args.out / "summary.json"
    summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    if model and model.get("run_id"):
        log_to_mlflow(model["run_id"], [html, summary_path])
        print(f"logged to MLflow run {model['run_id']} (artifacts drift/)")
    print(f"{len(result.drifted)}/{len(result.features)} columns drifted "
          f"({result.share_drifted:.0%}): {', '.join(result.drifted) or 'none'}")
    if result.skipped:
        print(f"skipped (missing or empty on one side): {', '.join(result.skipped)}")
    print(f"wrote {html} and {summary_path} in {result.seconds:.1f} s")
    return 0
