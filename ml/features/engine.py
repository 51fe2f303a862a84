"""Connections of the feature pipeline: DuckDB (embedded, default) or Apache Spark.

The feature logic is written once as Ibis expressions (``ml.features_*``); this module only
decides where they run. Spark is local (``local[2]``) unless ``--spark-master`` or
``SPARK_MASTER`` names a cluster (``spark://host:7077``, ``yarn``) or a Spark Connect server
(``sc://host:15002``).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import ibis

from ml.config import settings
from ml.data.load import find_table_file
from ml.data.schema import SCHEMAS
from ml.errors import MLError

ENGINES = ("duckdb", "spark")


def spark_session(master: str | None = None) -> Any:
    """A Spark session sized for a small machine, whose workers run this interpreter.

    Workers need pandas and pyarrow, hence ``PYSPARK_PYTHON`` = the venv's Python when unset.
    Driver memory, largest collected result and shuffle partitions come from the settings
    (``SPARK_DRIVER_MEMORY``, ``SPARK_MAX_RESULT_SIZE``, ``SPARK_SHUFFLE_PARTITIONS``).
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise MLError(
            "the Spark engine needs pyspark: pip install -r requirements-dev.txt"
        ) from None
    current = settings()
    master = master or current.spark_master
    builder = SparkSession.builder.appName("credit-scoring")
    if master.startswith("sc://"):
        builder = builder.remote(master)
    else:
        builder = (
            builder.master(master)
            # in local mode the driver is also the executor (tasks, shuffle); nothing is
            # collected: the executors write the features and the scores to Parquet
            .config("spark.driver.memory", current.spark_driver_memory)
            .config("spark.driver.maxResultSize", current.spark_max_result_size)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        )
    builder = (
        builder.config("spark.sql.shuffle.partitions", str(current.spark_shuffle_partitions))
        # Spark 4 turns ANSI mode on (a bad cast fails instead of giving NULL as DuckDB does);
        # divisions are already guarded in the expressions, this keeps both engines equal.
        .config("spark.sql.ansi.enabled", "false")
    )
    try:
        session = builder.getOrCreate()
    except Exception as error:  # Java missing, master unreachable: one clear line
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise MLError(f"cannot start Spark ({master}): {first}") from None
    if not master.startswith("sc://"):
        session.sparkContext.setLogLevel("ERROR")
    return session


def connect(engine: str = "duckdb", spark_master: str | None = None) -> ibis.BaseBackend:
    """An Ibis backend for ``engine`` ("duckdb" in memory, or "spark")."""
    if engine == "duckdb":
        current = settings()
        backend = ibis.duckdb.connect()
        if current.duckdb_threads:
            backend.raw_sql(f"SET threads = {current.duckdb_threads}")
        # bounded memory whatever the population: beyond the limit DuckDB spills to disk; the
        # outputs are ordered by ORDER BY, so the insertion order need not be kept (less memory)
        spill = current.duckdb_temp_dir or str(Path(tempfile.gettempdir()) / "duckdb-spill")
        backend.raw_sql(f"SET memory_limit = '{_quoted(current.duckdb_memory_limit)}'")
        backend.raw_sql(f"SET temp_directory = '{_quoted(spill)}'")
        backend.raw_sql("SET preserve_insertion_order = false")
        return backend
    if engine == "spark":
        return ibis.pyspark.connect(spark_session(spark_master))
    raise MLError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def _quoted(text: str) -> str:
    return str(text).replace("'", "''")


def read_table(backend: ibis.BaseBackend, name: str, data_dir: Path | str) -> ibis.Table:
    """Table ``name`` of ``data_dir`` as an Ibis table with its declared column types.

    CSV type inference differs between engines (an all-empty column, a float read as int), so
    every declared column is cast to the schema's type: both engines then see the same table.
    """
    path = find_table_file(data_dir, name)
    table_name = f"raw_{name}"
    if path.suffix == ".parquet":
        table = backend.read_parquet(str(path), table_name=table_name)
    elif backend.name == "pyspark":
        table = backend.read_csv(str(path), table_name=table_name, header=True, inferSchema=True)
    else:
        table = backend.read_csv(str(path), table_name=table_name)
    columns = SCHEMAS[name].columns
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise MLError(f"{path.name}: column {missing[0]} missing")
    return table.select(**{column: table[column].cast(kind) for column, kind in columns.items()})
