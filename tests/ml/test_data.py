"""Data layer: the loader reads CSV / CSV.gz / Parquet, validation names file and column of the
first problem, the CLI answers one line (never a traceback), and real-data quirks are cleaned."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.config import PROJECT_ROOT
from ml.data.load import clean_table, find_table_file, load_table, validate
from ml.data.schema import DAYS_EMPLOYED_SENTINEL, SCHEMAS, TABLES
from ml.errors import DataValidationError

WRITERS = {
    "csv": lambda frame, folder: frame.to_csv(folder / "application_train.csv", index=False),
    "csv.gz": lambda frame, folder: frame.to_csv(folder / "application_train.csv.gz", index=False),
    "parquet": lambda frame, folder: frame.to_parquet(folder / "application_train.parquet", index=False),
}


@pytest.fixture(scope="module")
def raw_applications(synthetic_data_dir: Path) -> pd.DataFrame:
    """60 raw (uncleaned) application_train rows of the session's synthetic data."""
    return load_table("application_train", synthetic_data_dir, clean=False).head(60).copy()


def _write(frame: pd.DataFrame, folder: Path, file_format: str = "csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    WRITERS[file_format](frame, folder)
    return folder


def _validation_error(folder: Path) -> str:
    with pytest.raises(DataValidationError) as caught:
        validate(folder, ["application_train"])
    return str(caught.value)


# --------------------------------------------------------------------------- formats
@pytest.mark.parametrize("file_format", list(WRITERS))
def test_reads_and_validates_each_format(raw_applications, tmp_path, file_format) -> None:
    folder = _write(raw_applications, tmp_path / file_format, file_format)
    report = validate(folder, ["application_train"])
    assert [(t.name, t.rows) for t in report.tables] == [("application_train", 60)]
    loaded = load_table("application_train", folder)
    assert list(loaded.columns) == SCHEMAS["application_train"].column_names
    assert loaded["SK_ID_CURR"].tolist() == raw_applications["SK_ID_CURR"].tolist()
    np.testing.assert_allclose(loaded["AMT_CREDIT"], raw_applications["AMT_CREDIT"])
    assert loaded["SK_ID_CURR"].dtype == "int64" and loaded["AMT_CREDIT"].dtype == "float64"


def test_csv_and_parquet_load_the_same_values(raw_applications, tmp_path) -> None:
    from_csv = load_table("application_train", _write(raw_applications, tmp_path / "c", "csv"))
    from_parquet = load_table("application_train", _write(raw_applications, tmp_path / "p", "parquet"))
    for column, kind in SCHEMAS["application_train"].columns.items():
        left, right = from_csv[column], from_parquet[column]
        if kind == "string":
            assert left.fillna("<NA>").tolist() == right.fillna("<NA>").tolist(), column
        else:
            np.testing.assert_allclose(left.astype(float), right.astype(float), err_msg=column)


def test_parquet_is_preferred_when_several_formats_exist(raw_applications, tmp_path) -> None:
    _write(raw_applications, tmp_path, "csv")
    _write(raw_applications, tmp_path, "parquet")
    assert find_table_file(tmp_path, "application_train").suffix == ".parquet"


def test_synthetic_dataset_validates_every_table(synthetic_data_dir) -> None:
    report = validate(synthetic_data_dir)
    assert [t.name for t in report.tables] == list(TABLES)
    assert all(t.rows > 0 for t in report.tables)


# --------------------------------------------------------------------------- broken inputs
def test_missing_file_names_the_table(tmp_path) -> None:
    message = _validation_error(tmp_path)
    assert message.startswith("application_train: file missing")
    assert "application_train.csv.gz" in message
    with pytest.raises(DataValidationError, match="bureau: file missing"):
        load_table("bureau", tmp_path)


def test_missing_data_directory(tmp_path) -> None:
    with pytest.raises(DataValidationError, match="does not exist"):
        validate(tmp_path / "nowhere")


def test_missing_column_names_file_and_column(raw_applications, tmp_path) -> None:
    folder = _write(raw_applications.drop(columns=["AMT_CREDIT"]), tmp_path)
    assert _validation_error(folder) == "application_train.csv: column AMT_CREDIT missing"
    with pytest.raises(DataValidationError, match="application_train.csv: column AMT_CREDIT missing"):
        load_table("application_train", folder)


def test_wrong_dtype_names_file_and_column(raw_applications, tmp_path) -> None:
    broken = raw_applications.astype({"AMT_CREDIT": object})
    broken.loc[broken.index[3], "AMT_CREDIT"] = "deux cent mille"
    folder = _write(broken, tmp_path)
    message = _validation_error(folder)
    assert message.startswith("application_train.csv: column AMT_CREDIT should be numeric")
    with pytest.raises(DataValidationError, match="application_train.csv: column AMT_CREDIT should be numeric"):
        load_table("application_train", folder)


def test_wrong_dtype_in_parquet(raw_applications, tmp_path) -> None:
    broken = raw_applications.assign(DAYS_BIRTH=raw_applications["DAYS_BIRTH"].astype(str))
    message = _validation_error(_write(broken, tmp_path, "parquet"))
    assert message.startswith("application_train.parquet: column DAYS_BIRTH should be numeric")


def test_duplicated_key_names_file_and_key(raw_applications, tmp_path) -> None:
    broken = pd.concat([raw_applications, raw_applications.iloc[[5, 9]]], ignore_index=True)
    message = _validation_error(_write(broken, tmp_path))
    duplicated = raw_applications["SK_ID_CURR"].iloc[[5, 9]].tolist()
    assert message.startswith("application_train.csv: key SK_ID_CURR has 2 duplicated value(s)")
    assert any(str(value) in message for value in duplicated)


def test_duplicated_composite_key(synthetic_data_dir, tmp_path) -> None:
    balance = load_table("bureau_balance", synthetic_data_dir, clean=False).head(50)
    broken = pd.concat([balance, balance.iloc[[0]]], ignore_index=True)
    broken.to_csv(tmp_path / "bureau_balance.csv", index=False)
    with pytest.raises(DataValidationError,
                       match=r"bureau_balance.csv: key SK_ID_BUREAU, MONTHS_BALANCE has 1 duplicated"):
        validate(tmp_path, ["bureau_balance"])


@pytest.mark.parametrize("bad", [2, -1])
def test_target_outside_zero_one(raw_applications, tmp_path, bad) -> None:
    broken = raw_applications.copy()
    broken.loc[broken.index[7], "TARGET"] = bad
    message = _validation_error(_write(broken, tmp_path))
    assert message == f"application_train.csv: column TARGET must be 0 or 1, found {bad}"


def test_missing_target_value(raw_applications, tmp_path) -> None:
    broken = raw_applications.astype({"TARGET": float})
    broken.loc[broken.index[0], "TARGET"] = np.nan
    assert "column TARGET must be 0 or 1, found None" in _validation_error(_write(broken, tmp_path))


def test_truncated_csv_is_reported_not_misread(raw_applications, tmp_path) -> None:
    folder = _write(raw_applications, tmp_path)
    path = folder / "application_train.csv"
    text = path.read_text()
    path.write_text(text[: len(text) // 2])  # cut in the middle of a row
    message = _validation_error(folder)
    assert message.startswith("application_train.csv: unreadable")
    assert "truncated" in message
    assert "column SK_ID_CURR missing" not in message


# --------------------------------------------------------------------------- CLI
def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ml", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120)


def test_cli_error_is_one_line_without_traceback(raw_applications, tmp_path) -> None:
    folder = _write(raw_applications.drop(columns=["EXT_SOURCE_2"]), tmp_path)
    done = _cli("validate", "--data", str(folder), "--tables", "application_train")
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == ["error: application_train.csv: column EXT_SOURCE_2 missing"]


def test_cli_missing_file(tmp_path) -> None:
    done = _cli("validate", "--data", str(tmp_path))
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    assert [line for line in done.stderr.splitlines() if line.strip()] == [
        f"error: application_train: file missing in {tmp_path} (expected application_train.parquet, "
        "application_train.csv or application_train.csv.gz)"]


def test_cli_valid_directory_lists_every_table(synthetic_data_dir) -> None:
    done = _cli("validate", "--data", str(synthetic_data_dir))
    assert done.returncode == 0, done.stderr
    assert f"{len(TABLES)} table(s) valid" in done.stdout
    for name in TABLES:
        assert name in done.stdout


# --------------------------------------------------------------------------- quirks
def test_quirks_become_missing() -> None:
    frame = pd.DataFrame({
        "SK_ID_CURR": [1, 2, 3, 4],
        "DAYS_EMPLOYED": [-1200, DAYS_EMPLOYED_SENTINEL, -30, DAYS_EMPLOYED_SENTINEL],
        "CODE_GENDER": ["F", "XNA", "M", " M "],
        "ORGANIZATION_TYPE": ["XNA", "Bank", "", "   "],
        "NAME_TYPE_SUITE": ["XAP", None, "Family", np.nan],
        "AMT_CREDIT": [1.0, 2.0, 3.0, 4.0],
    })
    cleaned = clean_table("application_train", frame)
    assert cleaned["DAYS_EMPLOYED"].isna().tolist() == [False, True, False, True]
    assert cleaned["DAYS_EMPLOYED"].iloc[0] == -1200
    assert cleaned["CODE_GENDER"].tolist()[:1] == ["F"]
    assert cleaned["CODE_GENDER"].isna().tolist() == [False, True, False, False]
    assert cleaned["CODE_GENDER"].iloc[3] == "M"  # stripped
    assert cleaned["ORGANIZATION_TYPE"].isna().tolist() == [True, False, True, True]
    assert cleaned["NAME_TYPE_SUITE"].isna().tolist() == [True, True, False, True]
    assert cleaned["AMT_CREDIT"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert frame["CODE_GENDER"].iloc[1] == "XNA", "the raw frame is not modified"


def test_quirks_in_previous_application(synthetic_data_dir) -> None:
    raw = load_table("previous_application", synthetic_data_dir, clean=False)
    cleaned = load_table("previous_application", synthetic_data_dir)
    assert (raw["NAME_CASH_LOAN_PURPOSE"] == "XAP").any() and (raw["NAME_CONTRACT_TYPE"] == "XNA").any()
    for column, kind in SCHEMAS["previous_application"].columns.items():
        if kind == "string":
            assert not cleaned[column].isin(["XNA", "XAP", ""]).any(), column
    assert cleaned["NAME_CASH_LOAN_PURPOSE"].isna().sum() >= (raw["NAME_CASH_LOAN_PURPOSE"] == "XAP").sum()
