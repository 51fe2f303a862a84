"""Offline drift: PSI on a hand-checked case, evidently drift on controlled inputs, the
``python -m ml drift`` command on the synthetic data (planted drift) and on the real sample."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.__main__ import main
from ml.monitoring.drift import column_drift
from ml.monitoring.psi import population_stability_index, quantile_edges


@pytest.fixture(autouse=True)
def empty_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty MLflow store per test: no champion, and nothing written in the repository."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'empty-mlruns.db'}")


def test_psi_hand_checked() -> None:
    """Reference 1..10 with bins=2: the median edge is 5.5, so shares are (0.5, 0.5).
    Current [1, 2, 3, 8, 9, 10, 10, 10]... is simpler as 2 low + 6 high = (0.25, 0.75):
    PSI = (0.25 - 0.5)·ln(0.25/0.5) + (0.75 - 0.5)·ln(0.75/0.5)
        = 0.25·ln 2 + 0.25·ln 1.5 = 0.17329 + 0.10137 = 0.27465."""
    reference = np.arange(1, 11)
    current = [1, 2, 7, 8, 9, 10, 10, 10]
    assert population_stability_index(reference, current, bins=2) == pytest.approx(0.274653, abs=1e-6)
    assert 0.25 * math.log(2) + 0.25 * math.log(1.5) == pytest.approx(0.274653, abs=1e-6)


def test_psi_zero_on_same_distribution_and_grows_with_shift() -> None:
    rng = np.random.default_rng(0)
    reference = rng.normal(size=20_000)
    assert population_stability_index(reference, reference) == pytest.approx(0.0, abs=1e-12)
    small = population_stability_index(reference, rng.normal(0.1, 1, 5_000))
    large = population_stability_index(reference, rng.normal(0.8, 1, 5_000))
    assert small < 0.1 < 0.2 < large


def test_psi_ignores_nan_and_rejects_empty() -> None:
    assert population_stability_index([1, 2, np.nan, 3, 4], [1, 2, 3, 4, np.nan], bins=2) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="current"):
        population_stability_index([1, 2, 3], [np.nan])
    assert list(quantile_edges([0, 0, 0, 0, 1], bins=4)) == [0.0]  # tied edges merged


def _frames(shift: float, n_reference: int, n_current: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)

    def frame(n: int, moved: float, revolving: float) -> pd.DataFrame:
        return pd.DataFrame({
            "stable": rng.normal(size=n),
            "moved": rng.normal(moved, 1, size=n),
            "contract": rng.choice(["Cash loans", "Revolving loans"], size=n, p=[1 - revolving, revolving]),
        })

    return frame(n_reference, 0, 0.1), frame(n_current, shift, 0.1 + shift / 2)


@pytest.mark.parametrize("n_reference", [800, 5_000])  # p-value tests, then distances
def test_drift_detected_only_where_planted(n_reference: int) -> None:
    reference, current = _frames(shift=0.6, n_reference=n_reference, n_current=n_reference)
    result = column_drift(reference, current)
    assert set(result.drifted) == {"moved", "contract"}
    assert result.share_drifted == pytest.approx(2 / 3)
    tests = {item["feature"]: item for item in result.features}
    assert tests["moved"]["statistic"] == ("p_value" if n_reference <= 1_000 else "distance")


def test_no_drift_on_same_distribution() -> None:
    reference, current = _frames(shift=0.0, n_reference=5_000, n_current=2_000)
    result = column_drift(reference, current)
    assert result.drifted == []
    assert result.summary()["n_reference"] == 5_000 and result.summary()["n_current"] == 2_000


def test_small_current_sample_uses_p_values_not_noise() -> None:
    """49 current rows of the same distribution: a 0.1 distance would flag noise, KS does not."""
    reference, current = _frames(shift=0.0, n_reference=5_000, n_current=49, seed=3)
    result = column_drift(reference, current)
    assert {item["statistic"] for item in result.features} == {"p_value"}
    assert "stable" not in result.drifted and "moved" not in result.drifted


def test_empty_columns_are_skipped() -> None:
    reference, current = _frames(shift=0.0, n_reference=500, n_current=500)
    current["stable"] = np.nan
    result = column_drift(reference, current, ["stable", "moved", "absent"])
    assert result.skipped == ["stable", "absent"]
    assert [item["feature"] for item in result.features] == ["moved"]


def test_command_finds_planted_drift_on_synthetic_data(synthetic_data_dir: Path, tmp_path: Path) -> None:
    from ml.data.synthetic import PLANTED_DRIFT

    out = tmp_path / "drift"
    columns = ["--top", "30", "--all-columns"]
    assert main(["drift", "--data", str(synthetic_data_dir), "--features", str(tmp_path / "none"),
                 *columns, "--out", str(out), "--model", "models:/absent@champion"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert set(PLANTED_DRIFT) <= set(summary["drifted_features"])
    assert summary["share_drifted"] < 0.5  # the rest of the columns did not move
    assert "<html" in (out / "report.html").read_text()[:2000].lower()


def test_command_runs_on_the_real_sample(real_sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "drift"
    assert main(["drift", "--data", str(real_sample_dir), "--features", str(tmp_path / "none"),
                 "--out", str(out), "--model", "models:/absent@champion"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_current"] == 49 and summary["n_columns"] >= 15
    assert all(item["statistic"] == "p_value" for item in summary["features"])


def test_command_rejects_bad_top(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drift", "--data", str(tmp_path), "--top", "0"]) == 2
    assert "--top" in capsys.readouterr().err


def test_report_files_are_logged_to_the_champion_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real MLflow store in a temp dir: both files end up as ``drift/`` artifacts of the run."""
    import mlflow

    from ml.monitoring.drift import log_to_mlflow

    uri = f"sqlite:///{tmp_path / 'champion-mlruns.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    client = mlflow.MlflowClient(tracking_uri=uri)
    experiment = client.create_experiment("drift-test", artifact_location=str(tmp_path / "artifacts"))
    run_id = client.create_run(experiment).info.run_id
    files = [tmp_path / "report.html", tmp_path / "summary.json"]
    for path in files:
        path.write_text("{}")
    log_to_mlflow(run_id, files)
    logged = {item.path for item in client.list_artifacts(run_id, "drift")}
    assert logged == {"drift/report.html", "drift/summary.json"}


def test_engineered_features_come_from_the_feature_tables(synthetic_data_dir: Path, feature_dir: Path) -> None:
    """Top SHAP features are model features (AGE_YEARS...), not raw columns: joined on SK_ID_CURR."""
    from ml.monitoring.drift import drift_frames

    wanted = ["AGE_YEARS", "EXT_SOURCE_3", "NOT_A_FEATURE"]
    reference, current, columns = drift_frames(synthetic_data_dir, feature_dir, wanted, all_columns=False)
    result = column_drift(reference, current, columns)
    assert result.skipped == ["NOT_A_FEATURE"]
    assert {"AGE_YEARS", "EXT_SOURCE_3"} <= set(result.drifted)  # both planted (age via DAYS_BIRTH)
