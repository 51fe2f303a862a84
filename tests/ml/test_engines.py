"""One implementation, two engines: DuckDB and Spark local[2] give the same feature tables."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ml.errors import MLError
from ml.features.build import build_features
from ml.features.engine import connect

pytestmark = pytest.mark.spark


def _spark_available() -> str | None:
    try:
        import pyspark  # noqa: F401  (only its presence matters)
    except ImportError:
        return "pyspark is not installed"
    if shutil.which("java") is None:
        return "Java is not installed (Spark needs a JVM)"
    return None


@pytest.fixture(scope="module")
def spark_features(synthetic_data_dir: Path) -> tuple[pd.DataFrame, ...]:
    reason = _spark_available()
    if reason:
        pytest.skip(reason)
    return build_features(synthetic_data_dir, engine="spark", spark_master="local[2]")


def test_spark_and_duckdb_give_the_same_tables(spark_features, synthetic_data_dir: Path) -> None:
    duckdb_features = build_features(synthetic_data_dir, engine="duckdb")
    for name, on_duckdb, on_spark in zip(("train", "test", "clients"), duckdb_features,
                                         spark_features):
        assert list(on_spark.columns) == list(on_duckdb.columns), name
        pd.testing.assert_frame_equal(on_spark, on_duckdb, check_exact=False, rtol=1e-9,
                                      obj=name)


def test_unknown_engine_is_a_clear_error() -> None:
    with pytest.raises(MLError, match="unknown engine 'polars'"):
        connect("polars")
