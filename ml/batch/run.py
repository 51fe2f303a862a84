"""Portfolio batch scoring: ``python -m ml score-batch --engine duckdb|spark --data DIR --out DIR``.

Raw tables → features (``ml.features.build``, same engine) → probability, decision, threshold, model
name/version and the top 3 reason codes for every client of both splits. The output follows the
"Batch scores" contract of docs/architecture.md (written atomically, see ``ml.batch.output``)
and its summary is logged to MLflow, tagged with the model version.
The default engine scores in chunks (bounded memory); Spark applies the same scoring function
in a pandas UDF (``mapInPandas``), so a cluster runs the same code.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from tqdm import tqdm

from ml.batch.output import (
    OUTPUT_SCHEMA,
    QUANTILES,
    atomic_output,
    version_dir,
    write_success,
)
from ml.batch.scoring import ID_COLUMN, score_chunk
from ml.config import settings
from ml.errors import DataValidationError, MLError
from vocabulary.decisions import REFUSED

ENGINES = ("duckdb", "spark")
FEATURE_FILES = ("features_train.parquet", "features_test.parquet")
DICTIONARY_FILE = "feature_dictionary.json"
DEFAULT_CHUNK_SIZE = 50_000


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--engine", choices=ENGINES, default="duckdb",
                        help="duckdb (default, one machine, in chunks) or spark")
    parser.add_argument("--data", type=Path, help="folder with the seven raw tables "
                        "(default: DATA_DIR, else the synthetic data)")
    parser.add_argument("--out", type=Path, default=None,
                        help="scores folder (default SCORES_DIR, data/scores)")
    parser.add_argument("--model", default=None,
                        help="model URI (default MODEL_URI, the champion)")
    parser.add_argument("--features", type=Path,
                        help="reuse a feature folder already built from --data (skips the build)")
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE,
                        help=f"rows scored at once by the default engine (default {DEFAULT_CHUNK_SIZE:,})")
    parser.add_argument("--spark-master", default=None,
                        help="Spark master (default SPARK_MASTER, local[2])")
    parser.add_argument("--no-mlflow", action="store_true", help="do not log the summary to MLflow")


def run(args: argparse.Namespace) -> int:
    summary = score_batch(
        engine=args.engine,
        data_dir=args.data or settings().default_data_dir(),
        out_dir=args.out or settings().scores_dir,
        model_uri=args.model,
        features_dir=args.features,
        chunk_size=args.chunk_size,
        spark_master=args.spark_master,
        log_to_mlflow=not args.no_mlflow,
    )
    print(
        f"scored {summary['count']:,} clients with {summary['model_name']} v{summary['model_version']}"
        f" ({summary['engine']}, {summary['wall_s']} s): refusal rate "
        f"{summary['refusal_rate']:.1%} → {summary['path']}"
    )
    return 0


def score_batch(
    *,
    engine: str = "duckdb",
    data_dir: Path | str,
    out_dir: Path | str,
    model_uri: str | None = None,
    features_dir: Path | str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    spark_master: str | None = None,
    log_to_mlflow: bool = True,
) -> dict:
    """Score every client of ``data_dir`` and write the batch output; return its summary."""
    if engine not in ENGINES:
        raise MLError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if chunk_size < 1:
        raise MLError("--chunk-size must be at least 1")
    started = time.perf_counter()
    model_uri = model_uri or settings().model_uri
    model = _load_model(model_uri)
    with tempfile.TemporaryDirectory(prefix="score-batch-features-") as scratch:
        if features_dir is None:
            _check_raw_data(Path(data_dir))
            features_dir = _build_features(Path(data_dir), Path(scratch), engine, spark_master)
        feature_files = _feature_files(Path(features_dir), model.features)
        dictionary = _load_dictionary(Path(features_dir))
        final_dir = version_dir(out_dir, model.name, model.version)
        with atomic_output(final_dir) as tmp_dir:
            if engine == "spark":
                from ml.batch.spark import score_spark

                score_spark(model, feature_files, dictionary, tmp_dir, spark_master)
            else:
                score_chunked(model, feature_files, dictionary, tmp_dir, chunk_size)
            summary = summarize(tmp_dir)
            if summary["count"] == 0:
                raise DataValidationError(f"no client to score in {features_dir}")
            summary.update(
                model_name=str(model.name),
                model_version=str(model.version),
                model_uri=model_uri,
                threshold=float(model.threshold),
                engine=engine,
                data=str(data_dir),
                path=str(final_dir),
                created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                wall_s=round(time.perf_counter() - started, 2),
            )
            write_success(tmp_dir, summary)
    if log_to_mlflow:
        summary["mlflow_run_id"] = log_summary(summary, Path(final_dir))
    return summary


def _load_model(uri: str) -> Any:
    """The model to apply; fails early (before any feature work) with a one-line error."""
    from ml.model.loading import load_model

    return load_model(uri)


def _check_raw_data(data_dir: Path) -> None:
    """Every raw table is present before the long feature build starts."""
    from ml.data.load import find_table_file
    from ml.data.schema import TABLES

    if not data_dir.is_dir():
        raise DataValidationError(f"data directory {data_dir} does not exist")
    for name in TABLES:
        find_table_file(data_dir, name)


def _build_features(data_dir: Path, scratch: Path, engine: str, spark_master: str) -> Path:
    """Run the features step (``ml.features.build``) on the same engine into ``scratch/features``:
    the engine writes them (Spark's executors, DuckDB spilling), nothing is collected."""
    from ml.features.build import write_engine_features

    if engine == "spark":  # the scoring session (``ml`` on the workers' path) serves both steps
        from ml.batch.spark import spark_session

        spark_session(spark_master)
    write_engine_features(data_dir, scratch / "features", engine, spark_master)
    return scratch / "features"


def _feature_files(features_dir: Path, model_features: list[str]) -> list[Path]:
    """The feature tables to score; each must hold the id and every model feature."""
    files = [features_dir / name for name in FEATURE_FILES if (features_dir / name).exists()]
    if not files:
        raise DataValidationError(
            f"no feature table in {features_dir} (expected {' or '.join(FEATURE_FILES)})"
        )
    for path in files:
        columns = set(ds.dataset(path, format="parquet").schema.names)
        missing = [c for c in [ID_COLUMN, *model_features] if c not in columns]
        if missing:
            raise DataValidationError(
                f"{path.name}: {len(missing)} model feature(s) missing, e.g. {missing[0]}"
                " (features built by another version of the code?)"
            )
    return files


def _load_dictionary(features_dir: Path) -> dict:
    """The feature dictionary (French labels, units) that the reason builder reads."""
    path = features_dir / DICTIONARY_FILE
    if not path.is_file():
        raise DataValidationError(f"{DICTIONARY_FILE} missing in {features_dir}")
    return json.loads(path.read_text())


def score_chunked(model: Any, feature_files: list[Path], dictionary: dict, out_dir: Path,
                  chunk_size: int) -> int:
    """Default engine: stream the feature tables in chunks of ``chunk_size`` rows, one part file
    per chunk, so memory stays bounded by the chunk size whatever the portfolio size."""
    columns = [ID_COLUMN, *model.features]
    datasets = [ds.dataset(path, format="parquet") for path in feature_files]
    total = sum(dataset.count_rows() for dataset in datasets)
    written = 0
    part = 0
    with tqdm(total=total, desc="score-batch", unit="client", unit_scale=True,
              disable=None, file=sys.stderr) as bar:
        for dataset in datasets:
            for batch in dataset.to_batches(columns=columns, batch_size=chunk_size):
                if batch.num_rows == 0:
                    continue
                scored = score_chunk(model, batch.to_pandas(), dictionary)
                table = pa.Table.from_pandas(scored, schema=OUTPUT_SCHEMA, preserve_index=False)
                pq.write_table(table, out_dir / f"part-{part:05d}.parquet")
                part += 1
                written += batch.num_rows
                bar.update(batch.num_rows)
    return written


def summarize(folder: Path) -> dict:
    """Count, refusal rate and score quantiles of the part files in ``folder`` (exact, DuckDB)."""
    parts = sorted(folder.glob("part-*.parquet"))
    if not parts:
        return {"count": 0, "refusal_rate": None, "mean_probability": None, "quantiles": {}}
    source = "read_parquet([" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in parts) + "])"
    quantile_list = ", ".join(str(q) for q in QUANTILES)
    connection = duckdb.connect()
    try:
        count, refused, mean, quantiles = connection.execute(
            f"""SELECT count(*), avg(CASE WHEN decision = ? THEN 1.0 ELSE 0.0 END),
                       avg(probability_default),
                       quantile_cont(probability_default, [{quantile_list}])
                FROM {source}""", [REFUSED]
        ).fetchone()
    finally:
        connection.close()
    return {
        "count": int(count),
        "refusal_rate": float(refused) if count else None,
        "mean_probability": float(mean) if count else None,
        "quantiles": {f"p{round(q * 100):02d}": float(v) for q, v in zip(QUANTILES, quantiles or [])},
    }


def log_summary(summary: dict, folder: Path) -> str:
    """Log the summary as an MLflow run of the experiment, tagged with the model version."""
    import mlflow

    from ml.model.registry import experiment_id

    experiment = experiment_id()
    tags = {
        "task": "score-batch",
        "model_name": summary["model_name"],
        "model_version": summary["model_version"],
        "engine": summary["engine"],
    }
    run_name = f"score-batch {summary['model_name']} v{summary['model_version']}"
    with mlflow.start_run(experiment_id=experiment, run_name=run_name, tags=tags) as active:
        mlflow.log_params({"engine": summary["engine"], "model_uri": summary["model_uri"],
                           "data": summary["data"], "out": summary["path"]})
        metrics = {"count": summary["count"], "refusal_rate": summary["refusal_rate"],
                   "mean_probability": summary["mean_probability"], "wall_s": summary["wall_s"]}
        metrics.update({f"probability_{k}": v for k, v in summary["quantiles"].items()})
        mlflow.log_metrics(metrics)
        mlflow.log_artifact(str(folder / "summary.json"))
        return active.info.run_id
