"""Spark engine of the batch: the same ``score_chunk`` applied in a pandas UDF (``mapInPandas``).

Each Python worker loads the model once (by its exact version, resolved on the driver, so a
champion moved during the run cannot mix versions) and returns probabilities, decisions and
reason codes in one pass: ``mlflow.pyfunc.spark_udf`` would give probabilities only.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ml.batch.output import OUTPUT_SCHEMA
from ml.batch.scoring import ID_COLUMN, score_chunk
from ml.config import PROJECT_ROOT, settings
from ml.errors import MLError

_SPARK_TYPES = {pa.int64(): "long", pa.float64(): "double", pa.string(): "string"}
SPARK_SCHEMA = ", ".join(f"{f.name} {_SPARK_TYPES[f.type]}" for f in OUTPUT_SCHEMA)


def spark_session(master: str | None = None) -> Any:
    """The feature engine's Spark session (``ml.features.engine``), with the ``ml`` code on the workers."""
    from ml.features.engine import spark_session as engine_session

    # Local workers import ``ml`` from the project; a cluster gets it as a zip (_ship_code).
    root = str(PROJECT_ROOT)
    if root not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    master = master or settings().spark_master
    session = engine_session(master)
    if not master.startswith("local") and not master.startswith("sc://"):
        _ship_code(session)
    return session


SHIPPED_PACKAGES = ("ml", "vocabulary")  # what the scoring UDF imports on an executor


def _ship_code(session: Any) -> None:
    """Send the packages the UDF needs to the executors of a real cluster (as ``--py-files``)."""
    import tempfile
    import zipfile

    archive = Path(tempfile.mkdtemp(prefix="ml-code-")) / "ml-code.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for package in SHIPPED_PACKAGES:
            for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
                bundle.write(path, path.relative_to(PROJECT_ROOT))
    session.sparkContext.addPyFile(str(archive))


def _root_cause(error: Exception) -> str:
    """The most telling line of a Spark error (the Python worker's exception when there is one)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    causes = [line for line in lines if line.split(":")[0].endswith(("Error", "Exception"))
              and not line.startswith(("py4j", "org.apache", "java."))]
    return (causes or lines or [type(error).__name__])[-1][:300]


@functools.lru_cache(maxsize=2)
def _worker_model(uri: str, tracking_uri: str) -> Any:
    """Load the model once per Python worker (the tracking URI travels with the task)."""
    os.environ["MLFLOW_TRACKING_URI"] = tracking_uri
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    from ml.model.loading import load_model

    return load_model(uri)


def score_spark(model: Any, feature_files: list[Path], dictionary: dict, out_dir: Path,
                master: str | None = None) -> None:
    """Score the feature tables on Spark and write the part files into ``out_dir``."""
    uri = f"models:/{model.name}/{model.version}"
    tracking_uri = settings().tracking_uri
    columns = [ID_COLUMN, *model.features]

    def score_partitions(chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        worker_model = _worker_model(uri, tracking_uri)
        for chunk in chunks:
            if len(chunk):
                yield score_chunk(worker_model, chunk, dictionary)

    spark = spark_session(master)
    frames = [spark.read.parquet(str(path)).select(*columns) for path in feature_files]
    features = functools.reduce(lambda a, b: a.unionByName(b), frames)
    scored = features.mapInPandas(score_partitions, schema=SPARK_SCHEMA)
    # Spark needs to create the folder itself; its own _SUCCESS is replaced by ours at the end.
    out_dir.rmdir()
    try:
        scored.write.mode("errorifexists").parquet(str(out_dir))
    except Exception as error:  # Py4J/Spark errors: one line naming the worker's own error
        if type(error).__module__.startswith(("py4j", "pyspark")):
            raise MLError(f"Spark scoring failed: {_root_cause(error)}") from None
        raise
    for marker in ("_SUCCESS", "._SUCCESS.crc"):
        (out_dir / marker).unlink(missing_ok=True)
