"""Leakage check: planted target-derived, future and suspiciously strong columns are caught."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.__main__ import main
from ml.errors import LeakageError
from ml.training.leakage import check_leakage, leakage_report, load_sources


@pytest.fixture()
def clean_frame() -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(0)
    target = pd.Series((rng.random(2000) < 0.1).astype(int))
    frame = pd.DataFrame({
        "SK_ID_CURR": np.arange(2000),
        "AMT_CREDIT": rng.normal(5e5, 1e5, 2000),
        "INST_DELAY_MEAN": rng.normal(0, 3, 2000) + target * 1.0,  # weak, legitimate signal
    })
    return frame, target


def test_clean_features_pass(clean_frame) -> None:
    frame, target = clean_frame
    report = check_leakage(frame, target)
    assert report.ok and not report.suspicious


def test_target_derived_column_fails(clean_frame) -> None:
    frame, target = clean_frame
    frame = frame.assign(TARGET_MEAN_BY_REGION=target.rolling(5, min_periods=1).mean())
    with pytest.raises(LeakageError, match="TARGET_MEAN_BY_REGION: derived from the target"):
        check_leakage(frame, target)


def test_future_column_fails(clean_frame) -> None:
    frame, target = clean_frame
    frame = frame.assign(PREV_DAYS_TERMINATION_MAX=np.zeros(len(frame)),
                         POS_CNT_INSTALMENT_FUTURE_MEAN=np.ones(len(frame)))
    report = leakage_report(frame, target)
    assert set(report.forbidden) == {"PREV_DAYS_TERMINATION_MAX",
                                     "POS_CNT_INSTALMENT_FUTURE_MEAN"}
    with pytest.raises(LeakageError, match="after the application date"):
        check_leakage(frame, target)


def test_innocent_name_with_target_signal_is_reported(clean_frame) -> None:
    frame, target = clean_frame
    noise = np.random.default_rng(1).normal(0, 0.3, len(frame))
    frame = frame.assign(PAYMENT_SCORE=target + noise)
    expected = r"suspicious feature PAYMENT_SCORE: univariate AUC 0\.9"
    with pytest.raises(LeakageError, match=expected):
        check_leakage(frame, target)
    assert "AMT_CREDIT" not in leakage_report(frame, target).suspicious


def test_undeclared_source_fails(clean_frame) -> None:
    frame, target = clean_frame
    with pytest.raises(LeakageError, match="INST_DELAY_MEAN has no declared source"):
        check_leakage(frame, target, sources={"AMT_CREDIT": "application"})


def test_cli_on_the_built_features(feature_dir: Path, tmp_path: Path, capsys) -> None:
    sources = load_sources(feature_dir)
    assert set(sources.values()) <= {"application", "bureau", "bureau_balance",
                                     "previous_application", "POS_CASH_balance",
                                     "installments_payments", "credit_card_balance"}
    code = main(["leakage", "--features", str(feature_dir), "--max-auc", "0.99"])
    assert code == 0, capsys.readouterr().out
    planted = tmp_path / "planted"
    planted.mkdir()
    train = pd.read_parquet(feature_dir / "features_train.parquet")
    train["TARGET_LAG"] = train["TARGET"].astype(float)
    train.to_parquet(planted / "features_train.parquet")
    (planted / "feature_dictionary.json").write_bytes(
        (feature_dir / "feature_dictionary.json").read_bytes())
    assert main(["leakage", "--features", str(planted)]) == 1
    assert "forbidden column TARGET_LAG" in capsys.readouterr().out
