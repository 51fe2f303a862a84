"""Feature build on DuckDB: contract files, columns, determinism, quirks, one application."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.__main__ import main
from ml.data.load import load_table
from ml.features import dictionary
from ml.features.application import APPLICATION_FEATURES, ONE_HOT_FEATURES
from ml.features.build import CLIENT_COLUMNS, OUTPUT_FILES, build_features, feature_names
from ml.features.online import application_features


@pytest.fixture(scope="module")
def tables(feature_dir: Path) -> dict[str, pd.DataFrame]:
    return {name.removesuffix(".parquet"): pd.read_parquet(feature_dir / name)
            for name in OUTPUT_FILES if name.endswith(".parquet")}


def test_writes_exactly_the_contract_files(feature_dir: Path) -> None:
    assert sorted(p.name for p in feature_dir.iterdir()) == sorted(OUTPUT_FILES)


def test_train_and_test_follow_the_data_contract(tables, synthetic_data_dir: Path) -> None:
    train, test = tables["features_train"], tables["features_test"]
    assert list(train.columns[:2]) == ["SK_ID_CURR", "TARGET"]
    assert train["SK_ID_CURR"].dtype == "int64" and train["TARGET"].dtype == "int8"
    names = feature_names(train)
    assert list(test.columns) == ["SK_ID_CURR", *names]
    assert (train[names].dtypes == "float64").all()
    assert 120 <= len(names) <= 200, f"{len(names)} features: keep the width moderate"
    raw_train = load_table("application_train", synthetic_data_dir, columns=["SK_ID_CURR"])
    raw_test = load_table("application_test", synthetic_data_dir, columns=["SK_ID_CURR"])
    assert train["SK_ID_CURR"].tolist() == sorted(raw_train["SK_ID_CURR"])
    assert test["SK_ID_CURR"].tolist() == sorted(raw_test["SK_ID_CURR"])
    assert train["SK_ID_CURR"].is_unique and set(train["TARGET"]) == {0, 1}


def test_every_source_table_contributes(tables) -> None:
    names = feature_names(tables["features_train"])
    for prefix in ("BUREAU_", "BB_", "PREV_", "POS_", "INST_", "CC_"):
        columns = [n for n in names if n.startswith(prefix)]
        assert columns, f"no feature from {prefix}"
        assert tables["features_train"][columns].notna().any().all(), f"{prefix} all missing"


def test_side_aggregates_match_a_pandas_recount(tables, synthetic_data_dir: Path) -> None:
    """Independent pandas computation of a few aggregates on the same raw tables."""
    train = tables["features_train"].set_index("SK_ID_CURR")
    previous = load_table("previous_application", synthetic_data_dir)
    refused = previous.assign(r=previous["NAME_CONTRACT_STATUS"] == "Refused").groupby(
        "SK_ID_CURR")["r"].sum()
    expected = refused.reindex(train.index).fillna(0)
    np.testing.assert_allclose(train["PREV_REFUSED_COUNT"], expected)
    inst = load_table("installments_payments", synthetic_data_dir)
    delay = (inst["DAYS_ENTRY_PAYMENT"] - inst["DAYS_INSTALMENT"]).groupby(inst["SK_ID_CURR"])
    np.testing.assert_allclose(train["INST_DELAY_MAX"], delay.max().reindex(train.index))
    bureau = load_table("bureau", synthetic_data_dir)
    active = (bureau["CREDIT_ACTIVE"] == "Active").groupby(bureau["SK_ID_CURR"]).sum()
    np.testing.assert_allclose(train["BUREAU_ACTIVE_COUNT"], active.reindex(train.index).fillna(0))


def test_build_is_deterministic(tables, synthetic_data_dir: Path) -> None:
    train, test, clients = build_features(synthetic_data_dir)
    pd.testing.assert_frame_equal(train, tables["features_train"])
    pd.testing.assert_frame_equal(test, tables["features_test"])


def test_clients_table(tables) -> None:
    clients = tables["clients"]
    assert list(clients.columns) == list(CLIENT_COLUMNS)
    n_train, n_test = len(tables["features_train"]), len(tables["features_test"])
    assert clients["split"].value_counts().to_dict() == {"train": n_train, "test": n_test}
    assert clients.loc[clients["split"] == "test", "TARGET"].isna().all()
    assert set(clients["CODE_GENDER"].dropna()) <= {"F", "M"}
    assert not clients["NAME_INCOME_TYPE"].isin(["XNA", "XAP", ""]).any()


def test_single_application_gives_the_batch_features(tables, synthetic_data_dir: Path) -> None:
    """The API path (application_features) and the batch build agree row for row."""
    raw = load_table("application_test", synthetic_data_dir, clean=False).head(40)
    single = application_features(raw)
    assert list(single.columns) == list(APPLICATION_FEATURES)
    batch = tables["features_test"].set_index("SK_ID_CURR").loc[raw["SK_ID_CURR"]]
    np.testing.assert_allclose(single.to_numpy(), batch[list(APPLICATION_FEATURES)].to_numpy())
    names = feature_names(tables["features_train"])
    assert [n for n in names if n in APPLICATION_FEATURES] == list(APPLICATION_FEATURES)


def test_quirks_are_applied() -> None:
    raw = pd.DataFrame([
        {"DAYS_EMPLOYED": 365243, "DAYS_BIRTH": -36525, "CODE_GENDER": "XNA",
         "NAME_INCOME_TYPE": "XNA", "FLAG_OWN_CAR": "", "AMT_CREDIT": 1000.0, "AMT_ANNUITY": 0},
        {"DAYS_EMPLOYED": -3652.5, "DAYS_BIRTH": -36525, "CODE_GENDER": "M",
         "NAME_INCOME_TYPE": " Working ", "FLAG_OWN_CAR": "Y", "AMT_CREDIT": 1000.0,
         "AMT_ANNUITY": 100.0},
    ])
    features = application_features(raw)
    assert np.isnan(features.loc[0, "EMPLOYMENT_YEARS"])
    assert features.loc[1, "EMPLOYMENT_YEARS"] == pytest.approx(10.0)
    assert features.loc[0, "AGE_YEARS"] == pytest.approx(100.0)
    assert features.loc[0, ["CODE_GENDER_F", "CODE_GENDER_M"]].tolist() == [0.0, 0.0]
    assert features.loc[1, "CODE_GENDER_M"] == 1.0
    assert features.loc[1, "NAME_INCOME_TYPE_WORKING"] == 1.0
    assert np.isnan(features.loc[0, "FLAG_OWN_CAR"]) and features.loc[1, "FLAG_OWN_CAR"] == 1.0
    assert np.isnan(features.loc[0, "CREDIT_TERM_MONTHS"]), "annuity 0 must not divide"
    assert features.loc[1, "CREDIT_TERM_MONTHS"] == pytest.approx(10.0)


def test_application_with_missing_and_bad_fields_gives_nan() -> None:
    features = application_features(pd.DataFrame([{"AMT_CREDIT": "abc", "AMT_INCOME_TOTAL": 5e4}]))
    assert features.shape == (1, len(APPLICATION_FEATURES))
    assert np.isnan(features.loc[0, "AMT_CREDIT"]) and features.loc[0, "AMT_INCOME_TOTAL"] == 5e4
    assert np.isnan(features.loc[0, "CREDIT_INCOME_RATIO"])


def test_one_hot_columns_do_not_depend_on_the_data() -> None:
    few = application_features(pd.DataFrame([{"OCCUPATION_TYPE": "Drivers"}]))
    assert list(few.columns) == list(APPLICATION_FEATURES)
    assert few.loc[0, [n for n, (c, _) in ONE_HOT_FEATURES.items() if c == "OCCUPATION_TYPE"]
                   ].sum() == 1.0


def test_dictionary_covers_every_feature(feature_dir: Path, tables) -> None:
    document = json.loads((feature_dir / "feature_dictionary.json").read_text(encoding="utf-8"))
    names = feature_names(tables["features_train"])
    assert list(document["features"]) == names
    for name, entry in document["features"].items():
        assert set(entry) == {"label", "unit", "source", "description", "inputs", "sensitive",
                              "excluded"}, name
        assert entry["unit"] in dictionary.UNITS, name
        assert entry["label"] and entry["description"].endswith("."), name
    # the input policy, applied through each feature's computed lineage: sex and what derives
    # from it excluded; age and what derives from it sensitive but allowed
    excluded = {n for n, e in document["features"].items() if e["excluded"]}
    sensitive = {n for n, e in document["features"].items() if e["sensitive"]}
    assert excluded == {"CODE_GENDER_F", "CODE_GENDER_M"}
    assert sensitive == excluded | {"AGE_YEARS", "EMPLOYED_AGE_RATIO"}
    assert document["features"]["EMPLOYED_AGE_RATIO"]["inputs"] == ["DAYS_BIRTH", "DAYS_EMPLOYED"]


def test_cli_writes_the_folder_and_reports_bad_input(
    synthetic_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "features"
    assert main(["features", "--data", str(synthetic_data_dir), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert main(["features", "--data", str(synthetic_data_dir), "--out", str(out)]) == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "staging left behind"
    assert main(["features", "--data", str(tmp_path / "missing"), "--out", str(out)]) == 2
    assert "file missing" in capsys.readouterr().err


@pytest.mark.real_sample
def test_real_sample_goes_through_application_features(real_sample_dir: Path) -> None:
    raw = pd.read_csv(real_sample_dir / "application_train_sample.csv")
    features = application_features(raw)
    assert features.shape == (len(raw), len(APPLICATION_FEATURES))
    sentinel = (raw["DAYS_EMPLOYED"] == 365243).to_numpy()
    assert sentinel.any(), "the real sample should hold the DAYS_EMPLOYED sentinel"
    assert features.loc[sentinel, "EMPLOYMENT_YEARS"].isna().all()
    assert (features.loc[~sentinel, "EMPLOYMENT_YEARS"] >= 0).all()
    assert features["AGE_YEARS"].between(18, 80).all()
    assert not np.isinf(features.to_numpy()).any()
