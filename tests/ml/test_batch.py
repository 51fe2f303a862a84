"""Batch scoring on the default engine: output contract, reason codes, atomicity, clear errors.

Runs on the session fixtures: a small synthetic dataset, its features and a real model
registered in a temporary MLflow registry (tests/fixtures/).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from ml.__main__ import main as ml_main
from ml.batch import output as batch_output
from ml.batch import run as batch
from ml.batch.output import OUTPUT_COLUMNS, is_complete, read_summary, version_dir
from ml.errors import DataValidationError, ModelNotFoundError


def model_uri_of(registered_model) -> str:
    """The registry URI of the session model (the fixture may give a URI or a model object)."""
    if isinstance(registered_model, str):
        return registered_model
    for attribute in ("uri", "model_uri"):
        if getattr(registered_model, attribute, None):
            return getattr(registered_model, attribute)
    if isinstance(registered_model, dict) and "uri" in registered_model:
        return registered_model["uri"]
    return f"models:/{registered_model.name}/{registered_model.version}"


@pytest.fixture(scope="module")
def model(registered_model):
    from ml.model.loading import load_model

    return load_model(model_uri_of(registered_model))


def feature_rows(feature_dir: Path) -> pd.DataFrame:
    """Every client's feature row, both splits, as the batch reads them."""
    frames = [pd.read_parquet(feature_dir / name) for name in batch.FEATURE_FILES
              if (feature_dir / name).exists()]
    return pd.concat(frames, ignore_index=True).drop(columns=["TARGET"], errors="ignore")


def read_scores(folder: Path) -> pd.DataFrame:
    parts = sorted(folder.glob("part-*.parquet"))
    frame = pd.concat([pq.read_table(p).to_pandas() for p in parts], ignore_index=True)
    return frame.sort_values("SK_ID_CURR", ignore_index=True)


@pytest.fixture(scope="module")
def duckdb_run(tmp_path_factory, registered_model, synthetic_data_dir, feature_dir):
    """One default-engine run over the prebuilt features, in small chunks (several parts)."""
    out = tmp_path_factory.mktemp("scores")
    summary = batch.score_batch(engine="duckdb", data_dir=synthetic_data_dir, out_dir=out,
                                model_uri=model_uri_of(registered_model),
                                features_dir=feature_dir, chunk_size=700)
    return out, summary


def test_output_follows_the_batch_scores_contract(duckdb_run, model, feature_dir):
    out, summary = duckdb_run
    folder = version_dir(out, model.name, model.version)
    assert Path(summary["path"]) == folder
    assert is_complete(folder)
    assert len(list(folder.glob("part-*.parquet"))) > 1, "chunks must give several parts"
    scores = read_scores(folder)
    assert list(scores.columns) == OUTPUT_COLUMNS
    rows = feature_rows(feature_dir)
    assert scores["SK_ID_CURR"].is_unique
    assert sorted(scores["SK_ID_CURR"]) == sorted(rows["SK_ID_CURR"])
    assert set(scores["model_name"]) == {str(model.name)}
    assert set(scores["model_version"]) == {str(model.version)}
    assert np.allclose(scores["threshold"], model.threshold)
    assert not list(out.rglob(".*tmp-*")), "no temporary folder may remain"
    served = batch_output.read_scores(out, model.name, model.version).to_pandas()
    pd.testing.assert_frame_equal(served.sort_values("SK_ID_CURR", ignore_index=True), scores)
    assert batch_output.read_scores(out, model.name, "999") is None


def test_scores_are_the_models_probabilities_and_decisions(duckdb_run, model, feature_dir):
    out, _ = duckdb_run
    scores = read_scores(version_dir(out, model.name, model.version))
    rows = feature_rows(feature_dir).sort_values("SK_ID_CURR", ignore_index=True)
    expected = model.predict_proba(rows[model.features].astype("float64"))
    np.testing.assert_allclose(scores["probability_default"], expected, rtol=1e-9, atol=1e-12)
    refused = scores["probability_default"] >= model.threshold
    assert (scores["decision"] == np.where(refused, "refusé", "accordé")).all()
    assert 0 < refused.mean() < 1, "the fixture model should grant some and refuse some"


def test_summary_matches_the_scores_and_is_logged_to_mlflow(duckdb_run, model):
    import mlflow

    out, summary = duckdb_run
    folder = version_dir(out, model.name, model.version)
    scores = read_scores(folder)
    on_disk = read_summary(folder)
    assert on_disk["count"] == summary["count"] == len(scores)
    assert on_disk["refusal_rate"] == pytest.approx((scores["decision"] == "refusé").mean())
    assert on_disk["quantiles"]["p50"] == pytest.approx(scores["probability_default"].median())
    assert on_disk["quantiles"]["p90"] == pytest.approx(
        np.quantile(scores["probability_default"], 0.9))
    run = mlflow.get_run(summary["mlflow_run_id"])
    assert run.data.tags["model_version"] == str(model.version)
    assert run.data.tags["task"] == "score-batch"
    assert run.data.metrics["count"] == len(scores)


def test_reason_codes_equal_the_api_reasons(duckdb_run, model, feature_dir):
    """Same client, same model version: the batch's codes are the first three API reasons."""
    from ml.model.reasons import reasons

    out, _ = duckdb_run
    scores = read_scores(version_dir(out, model.name, model.version)).set_index("SK_ID_CURR")
    dictionary = json.loads((feature_dir / batch.DICTIONARY_FILE).read_text())
    rows = feature_rows(feature_dir).sample(25, random_state=0)
    X = rows[model.features].astype("float64")
    _, contributions = model.explain(X)
    for client_id, values, row_contributions in zip(rows["SK_ID_CURR"], X.to_numpy(), contributions):
        api = reasons(list(model.features), values, row_contributions, dictionary, top=5)[:3]
        stored = scores.loc[client_id]
        assert [stored[f"reason_{i}"] for i in (1, 2, 3)] == [r["feature"] for r in api]
        assert [stored[f"reason_{i}_direction"] for i in (1, 2, 3)] == [r["direction"] for r in api]
        assert {r["direction"] for r in api} <= {"augmente", "diminue"}


def test_full_run_from_raw_tables_through_the_cli(tmp_path, registered_model, synthetic_data_dir,
                                                  feature_dir, model, capsys):
    out = tmp_path / "scores"
    status = ml_main(["score-batch", "--engine", "duckdb", "--data", str(synthetic_data_dir),
                      "--out", str(out), "--model", model_uri_of(registered_model),
                      "--no-mlflow"])
    assert status == 0, capsys.readouterr().err
    folder = version_dir(out, model.name, model.version)
    assert read_summary(folder)["count"] == len(feature_rows(feature_dir))
    assert "scored" in capsys.readouterr().out


def test_failed_run_keeps_the_previous_output(tmp_path, registered_model, synthetic_data_dir,
                                             feature_dir, model, monkeypatch):
    out = tmp_path / "scores"
    kwargs = dict(engine="duckdb", data_dir=synthetic_data_dir, out_dir=out,
                  model_uri=model_uri_of(registered_model), features_dir=feature_dir,
                  chunk_size=500, log_to_mlflow=False)
    first = batch.score_batch(**kwargs)
    folder = version_dir(out, model.name, model.version)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    real_score_chunk = batch.score_chunk
    calls = {"n": 0}

    def crash_after_two_chunks(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-write
        return real_score_chunk(*args, **kw)

    monkeypatch.setattr(batch, "score_chunk", crash_after_two_chunks)
    with pytest.raises(KeyboardInterrupt):
        batch.score_batch(**kwargs)
    assert calls["n"] == 3
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert read_summary(folder)["created_at"] == first["created_at"]
    assert sorted(p.name for p in folder.parent.iterdir()) == [folder.name], "no leftovers"


def test_failed_first_run_leaves_no_output(tmp_path, registered_model, synthetic_data_dir,
                                           feature_dir, model, monkeypatch):
    out = tmp_path / "scores"

    def disk_full(*args, **kw):
        raise OSError("No space left on device")

    monkeypatch.setattr(batch.pq, "write_table", disk_full)
    with pytest.raises(OSError):
        batch.score_batch(engine="duckdb", data_dir=synthetic_data_dir, out_dir=out,
                          model_uri=model_uri_of(registered_model), features_dir=feature_dir,
                          log_to_mlflow=False)
    folder = version_dir(out, model.name, model.version)
    assert not folder.exists()
    assert list(folder.parent.iterdir()) == []


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    status = ml_main(["score-batch", *argv])
    return status, capsys.readouterr().err.strip()


def test_missing_table_is_one_clear_line(tmp_path, synthetic_data_dir, registered_model, capsys):
    data = tmp_path / "data"
    shutil.copytree(synthetic_data_dir, data)
    for path in data.glob("bureau_balance.*"):
        path.unlink()
    status, error = run_cli(capsys, "--data", str(data), "--out", str(tmp_path / "out"),
                            "--model", model_uri_of(registered_model), "--no-mlflow")
    assert status == 2
    assert error.startswith("error: ") and "bureau_balance" in error and "missing" in error
    assert len(error.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_unknown_model_alias_is_one_clear_line(tmp_path, synthetic_data_dir, registered_model,
                                               model, capsys):
    status, error = run_cli(capsys, "--data", str(synthetic_data_dir), "--out", str(tmp_path),
                            "--model", f"models:/{model.name}@no-such-alias", "--no-mlflow")
    assert status == 2
    assert error.startswith("error: ") and len(error.splitlines()) == 1
    with pytest.raises(ModelNotFoundError):
        batch.score_batch(data_dir=synthetic_data_dir, out_dir=tmp_path,
                          model_uri=f"models:/{model.name}/999", log_to_mlflow=False)


def test_empty_data_is_a_clear_error_and_writes_nothing(tmp_path, synthetic_data_dir,
                                                        registered_model, feature_dir, model):
    empty = tmp_path / "features"
    empty.mkdir()
    for name in batch.FEATURE_FILES:
        if (feature_dir / name).exists():
            table = pq.read_table(feature_dir / name)
            pq.write_table(table.slice(0, 0), empty / name)
    shutil.copy(feature_dir / batch.DICTIONARY_FILE, empty / batch.DICTIONARY_FILE)
    with pytest.raises(DataValidationError, match="no client"):
        batch.score_batch(data_dir=synthetic_data_dir, out_dir=tmp_path / "out",
                          model_uri=model_uri_of(registered_model), features_dir=empty,
                          log_to_mlflow=False)
    assert not version_dir(tmp_path / "out", model.name, model.version).exists()


def test_features_missing_a_model_column_is_a_clear_error(tmp_path, synthetic_data_dir,
                                                          registered_model, feature_dir, model):
    broken = tmp_path / "features"
    shutil.copytree(feature_dir, broken)
    dropped = model.features[0]
    for name in batch.FEATURE_FILES:
        if (broken / name).exists():
            pq.write_table(pq.read_table(broken / name).drop_columns([dropped]), broken / name)
    with pytest.raises(DataValidationError, match=dropped):
        batch.score_batch(data_dir=synthetic_data_dir, out_dir=tmp_path / "out",
                          model_uri=model_uri_of(registered_model), features_dir=broken,
                          log_to_mlflow=False)
