"""Repeated stratified CV comparisons (issue 15, items 1 and 9): configurations scored on the
same folds, intervals and paired differences, and ``ml policy-cost`` writing one entry per data
set. Tiny real trainings on the session's synthetic features."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import ml.training.candidates
from ml.__main__ import main
from ml.training.compare import Config, champion_estimator, cross_validate, interval


@pytest.fixture(autouse=True)
def quick_lightgbm(monkeypatch) -> None:
    monkeypatch.setitem(ml.training.candidates.LIGHTGBM_DEFAULTS, "clf__n_estimators", 30)


def test_interval_is_mean_plus_minus_1_96_standard_errors() -> None:
    values = [0.70, 0.72, 0.74, 0.76]
    half = 1.96 * np.std(values, ddof=1) / 2
    assert interval(values) == {"mean": 0.73, "low": round(0.73 - half, 5), "high": round(0.73 + half, 5), "n": 4}


def test_configurations_are_compared_on_the_same_folds(feature_dir) -> None:
    frame = pd.read_parquet(feature_dir / "features_train.parquet").head(1500)
    rng = np.random.default_rng(0)
    frame = frame.assign(HINT=frame["TARGET"] + rng.normal(0, 0.8, len(frame)))
    base = ["EXT_SOURCE_2", "EXT_SOURCE_3", "AMT_CREDIT", "PAYMENT_RATE"]
    build = champion_estimator()
    result = cross_validate(frame, {"base": Config(base, build), "same": Config(base, build),
                                    "hinted": Config([*base, "HINT"], build)},
                            baseline="base", repeats=2, folds=3)
    configs = result["configs"]
    assert result["protocol"]["repeats"] == 2 and configs["base"]["auc"]["n"] == 6
    # the same configuration on the same folds: identical fold by fold
    assert configs["same"]["vs_baseline"]["auc"] == {"mean": 0.0, "low": 0.0, "high": 0.0, "n": 6}
    assert configs["same"]["vs_baseline"]["business_cost"]["mean"] == 0.0
    # a feature that carries the target: better on every fold, its interval above 0
    assert configs["hinted"]["vs_baseline"]["auc"]["low"] > 0
    assert configs["hinted"]["vs_baseline"]["business_cost"]["high"] < 0
    assert configs["base"]["vs_baseline"] is None


def test_policy_cost_writes_one_entry_per_data_set(feature_dir, tmp_path, capsys) -> None:
    out = tmp_path / "bench" / "policy_cost.json"
    for name in ("synthetic", "again"):
        assert main(["policy-cost", "--features", str(feature_dir), "--name", name, "--out", str(out),
                     "--repeats", "1", "--folds", "3"]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert set(document) == {"synthetic", "again"}
    entry = document["synthetic"]
    assert entry["excluded_features"] == ["CODE_GENDER_F", "CODE_GENDER_M"]
    assert entry["configs"]["without_policy"]["features"] == entry["configs"]["with_policy"]["features"] + 2
    assert entry["input_policy_version"] == "1" and len(entry["input_policy_sha256"]) == 64
    assert {"auc", "business_cost"} == set(entry["configs"]["without_policy"]["vs_baseline"])
    assert "Δauc" in capsys.readouterr().out
