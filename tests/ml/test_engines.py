"""One implementation, two engines: the files Spark's executors write (partitioned Parquet) hold
the same schema and values as DuckDB's, and nothing is collected to the Spark driver."""
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pytest

from ml.data.files import read_clients
from ml.errors import MLError
from ml.features.build import OUTPUT_FILES
from ml.features.engine import connect

pytestmark = pytest.mark.spark
TABLES = [name for name in OUTPUT_FILES if name.endswith(".parquet")]


@pytest.mark.parametrize("name", TABLES)
def test_spark_writes_the_same_schema_and_values_as_duckdb(name, spark_feature_dir: Path,
                                                           feature_dir: Path) -> None:
    on_spark = ds.dataset(spark_feature_dir / name, format="parquet")
    on_duckdb = ds.dataset(feature_dir / name, format="parquet")
    assert [(f.name, f.type) for f in on_spark.schema] == [(f.name, f.type) for f in on_duckdb.schema]
    if name == "clients.parquet":
        spark_frame, duckdb_frame = (read_clients(spark_feature_dir / name),
                                     read_clients(feature_dir / name))
    else:
        spark_frame, duckdb_frame = (pd.read_parquet(spark_feature_dir / name),
                                     pd.read_parquet(feature_dir / name))
    assert spark_frame["SK_ID_CURR"].is_monotonic_increasing, "sorted by client, as DuckDB's"
    pd.testing.assert_frame_equal(spark_frame, duckdb_frame, check_exact=False, rtol=1e-9, obj=name)


def test_spark_output_is_partitioned_parquet_written_by_the_executors(spark_feature_dir: Path) -> None:
    for name in TABLES:
        folder = spark_feature_dir / name
        assert folder.is_dir(), name
        assert list(folder.glob("part-*.parquet")), f"{name}: part files of the tasks"
    assert not list(spark_feature_dir.glob(".*")), "the scratch table is removed"
    assert (spark_feature_dir / "feature_dictionary.json").is_file()


def test_unknown_engine_is_a_clear_error() -> None:
    with pytest.raises(MLError, match="unknown engine 'polars'"):
        connect("polars")
