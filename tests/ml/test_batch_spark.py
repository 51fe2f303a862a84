"""Spark local[2] and the default engine give the same batch scores and reason codes."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from ml.batch import run as batch
from ml.batch.output import OUTPUT_COLUMNS, is_complete, read_summary, version_dir
from tests.ml.test_batch import model_uri_of, read_scores

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (no `java` on PATH)"),
]


def test_spark_and_duckdb_give_the_same_scores_and_reason_codes(
    tmp_path, registered_model, synthetic_data_dir, feature_dir
):
    """``score-batch --engine spark`` from the raw tables: Spark's executors write the features
    (partitioned Parquet), the scoring reads them in parallel (never collected); DuckDB scores
    its own single-file features: same scores, same reasons."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (requirements-dev.txt)")
    uri = model_uri_of(registered_model)
    common = dict(data_dir=synthetic_data_dir, model_uri=uri, log_to_mlflow=False)
    on_duckdb = batch.score_batch(engine="duckdb", out_dir=tmp_path / "duckdb",
                                  features_dir=feature_dir, **common)
    on_spark = batch.score_batch(engine="spark", out_dir=tmp_path / "spark",
                                 spark_master="local[2]", features_dir=None, **common)

    name, version = on_duckdb["model_name"], on_duckdb["model_version"]
    duckdb_dir = version_dir(tmp_path / "duckdb", name, version)
    spark_dir = version_dir(tmp_path / "spark", name, version)
    assert on_spark["path"] == str(spark_dir)
    assert is_complete(spark_dir)
    spark_scores, duckdb_scores = read_scores(spark_dir), read_scores(duckdb_dir)
    assert list(spark_scores.columns) == OUTPUT_COLUMNS
    assert len(spark_scores) == len(duckdb_scores) > 0
    assert (spark_scores["SK_ID_CURR"].to_numpy() == duckdb_scores["SK_ID_CURR"].to_numpy()).all()
    np.testing.assert_allclose(spark_scores["probability_default"],
                               duckdb_scores["probability_default"], rtol=1e-12, atol=1e-15)
    text_columns = [c for c in OUTPUT_COLUMNS if c not in ("SK_ID_CURR", "probability_default")]
    pd.testing.assert_frame_equal(spark_scores[text_columns], duckdb_scores[text_columns])
    spark_summary, duckdb_summary = read_summary(spark_dir), read_summary(duckdb_dir)
    assert spark_summary["count"] == duckdb_summary["count"]
    assert spark_summary["refusal_rate"] == pytest.approx(duckdb_summary["refusal_rate"])
    assert spark_summary["quantiles"] == pytest.approx(duckdb_summary["quantiles"])
    assert spark_summary["engine"] == "spark"
