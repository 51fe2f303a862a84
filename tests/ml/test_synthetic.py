"""Synthetic generator: the declared seven-table schema, determinism, keys and cardinalities,
a plausible default rate, the real quirks, a test split without TARGET and the planted drift."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.config import PROJECT_ROOT
from ml.data.load import load_table, validate
from ml.data.schema import DAYS_EMPLOYED_SENTINEL, SCHEMAS, TABLES
from ml.data.synthetic import (
    CARDINALITY,
    PLANTED_DRIFT,
    TRUTH_FILE,
    generate,
    generate_applications,
)


@pytest.fixture(scope="module")
def tables(synthetic_data_dir: Path) -> dict[str, pd.DataFrame]:
    """The session's synthetic tables, raw (quirks kept)."""
    return {name: load_table(name, synthetic_data_dir, clean=False) for name in TABLES}


def _digest(folder: Path) -> dict[str, int]:
    return {name: int(pd.util.hash_pandas_object(load_table(name, folder, clean=False), index=False).sum())
            for name in TABLES}


def test_writes_the_declared_schema_and_validates(synthetic_data_dir: Path, tables) -> None:
    assert sorted(p.name for p in synthetic_data_dir.iterdir()) == sorted(
        [f"{t}.parquet" for t in TABLES] + [TRUTH_FILE])
    validate(synthetic_data_dir)
    for name, frame in tables.items():
        assert list(frame.columns) == SCHEMAS[name].column_names, name
        for column, kind in SCHEMAS[name].columns.items():
            expected = {"int64": "int64", "float64": "float64", "string": "object"}[kind]
            assert str(frame[column].dtype) == expected, (name, column)


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    first = _digest(generate(tmp_path / "a", 200, seed=11, progress=False))
    second = _digest(generate(tmp_path / "b", 200, seed=11, progress=False))
    other = _digest(generate(tmp_path / "c", 200, seed=12, progress=False))
    assert first == second
    assert all(first[name] != other[name] for name in TABLES)


def test_output_folder_is_replaced_atomically(tmp_path: Path) -> None:
    out = tmp_path / "data"
    generate(out, 50, seed=1, progress=False)
    (out / "stale.txt").write_text("from an older run")
    generate(out, 60, seed=1, progress=False)
    assert not (out / "stale.txt").exists()
    assert len(load_table("application_train", out, columns=["SK_ID_CURR"])) == 60
    assert [p.name for p in tmp_path.iterdir()] == ["data"], "no temporary folder left behind"


def test_keys_are_unique_and_foreign_keys_resolve(tables) -> None:
    train, test = tables["application_train"], tables["application_test"]
    assert not set(train["SK_ID_CURR"]) & set(test["SK_ID_CURR"]), "train and test clients differ"
    clients = set(train["SK_ID_CURR"]) | set(test["SK_ID_CURR"])
    for name, schema in SCHEMAS.items():
        if schema.primary_key:
            assert not tables[name].duplicated(list(schema.primary_key)).any(), name
    for name in ("bureau", "previous_application", "POS_CASH_balance", "installments_payments",
                 "credit_card_balance"):
        assert set(tables[name]["SK_ID_CURR"]) <= clients, name
    assert set(tables["bureau_balance"]["SK_ID_BUREAU"]) <= set(tables["bureau"]["SK_ID_BUREAU"])
    owner = tables["previous_application"].set_index("SK_ID_PREV")["SK_ID_CURR"]
    for name in ("POS_CASH_balance", "installments_payments", "credit_card_balance"):
        child = tables[name]
        assert set(child["SK_ID_PREV"]) <= set(owner.index), name
        # a monthly row belongs to the client who holds that previous credit
        assert (owner.loc[child["SK_ID_PREV"]].to_numpy() == child["SK_ID_CURR"].to_numpy()).all(), name


def test_cardinalities_per_client_are_realistic(tables) -> None:
    clients = len(tables["application_train"]) + len(tables["application_test"])
    for name, mean in CARDINALITY.items():
        parents = len(tables["bureau"]) if name == "bureau_balance" else clients
        observed = len(tables[name]) / parents
        assert abs(observed - mean) <= 0.15 * mean, (name, observed, mean)
    assert CARDINALITY == pytest.approx({"bureau": 5.6, "bureau_balance": 16.0, "previous_application": 5.4,
                                         "POS_CASH_balance": 33.0, "installments_payments": 44.0,
                                         "credit_card_balance": 12.5})
    ids = np.concatenate([tables["application_train"]["SK_ID_CURR"], tables["application_test"]["SK_ID_CURR"]])
    without_bureau = ~np.isin(ids, tables["bureau"]["SK_ID_CURR"])
    without_card = ~np.isin(ids, tables["credit_card_balance"]["SK_ID_CURR"])
    assert 0.05 < without_bureau.mean() < 0.3, "many clients have no bureau history"
    assert without_card.mean() > 0.5, "most clients have no credit card"


def test_default_rate_is_plausible(tables) -> None:
    target = tables["application_train"]["TARGET"]
    assert set(target.unique()) == {0, 1}
    assert 0.05 <= target.mean() <= 0.12


def test_truth_is_the_law_of_the_target(synthetic_data_dir: Path, tables) -> None:
    """truth.parquet holds each client's true probability of default: TARGET follows it (the
    realised default rate is the mean true probability; defaulters have higher ones)."""
    truth = pd.read_parquet(synthetic_data_dir / TRUTH_FILE).set_index("SK_ID_CURR")
    train = tables["application_train"].set_index("SK_ID_CURR")
    assert set(truth.index) == set(train.index) | set(tables["application_test"]["SK_ID_CURR"])
    assert (truth.loc[train.index, "split"] == "train").all()
    probability = truth.loc[train.index, "default_probability"]
    assert train["TARGET"].mean() == pytest.approx(probability.mean(), abs=0.015)
    assert probability[train["TARGET"] == 1].mean() > 1.5 * probability[train["TARGET"] == 0].mean()


def test_real_quirks_are_present(tables) -> None:
    train = tables["application_train"]
    sentinel = train["DAYS_EMPLOYED"] == DAYS_EMPLOYED_SENTINEL
    assert 0.1 < sentinel.mean() < 0.3  # ≈ 18 % in the real data
    assert (train.loc[sentinel, "NAME_INCOME_TYPE"] == "Pensioner").all()
    assert (train.loc[~sentinel, "DAYS_EMPLOYED"] <= 0).all()
    assert (train["ORGANIZATION_TYPE"] == "XNA").any()
    previous = tables["previous_application"]
    assert (previous["CODE_REJECT_REASON"] == "XAP").any() and (previous["NAME_CONTRACT_TYPE"] == "XNA").any()
    assert (previous["DAYS_FIRST_DRAWING"] == DAYS_EMPLOYED_SENTINEL).any()
    assert train["EXT_SOURCE_1"].isna().mean() > 0.3  # missing as in the real file


def test_test_split_has_no_target(tables) -> None:
    assert "TARGET" not in tables["application_test"].columns
    assert list(tables["application_test"].columns) == SCHEMAS["application_test"].column_names
    assert 0.1 < len(tables["application_test"]) / len(tables["application_train"]) < 0.25


def test_signal_is_learnable_but_not_trivial(tables) -> None:
    from sklearn.metrics import roc_auc_score

    train = tables["application_train"]
    score = -train[["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"]].mean(axis=1).fillna(0.5)
    auc = roc_auc_score(train["TARGET"], score)
    assert 0.6 < auc < 0.8, auc
    refused = (tables["previous_application"]["NAME_CONTRACT_STATUS"] == "Refused")
    refusals = refused.groupby(tables["previous_application"]["SK_ID_CURR"]).mean()
    joined = train.set_index("SK_ID_CURR")["TARGET"].to_frame().join(refusals.rename("refused"), how="inner")
    assert joined.loc[joined["TARGET"] == 1, "refused"].mean() > joined.loc[joined["TARGET"] == 0, "refused"].mean()


DRIFT_CHECKS = {
    "AMT_INCOME_TOTAL": lambda ref, cur: 1.08 < cur.median() / ref.median() < 1.25,
    "EXT_SOURCE_3": lambda ref, cur: -0.12 < cur.mean() - ref.mean() < -0.04,
    "DAYS_BIRTH": lambda ref, cur: 365 < cur.mean() - ref.mean() < 5 * 365,
    "NAME_CONTRACT_TYPE": lambda ref, cur: 0.35 < (cur == "Revolving loans").mean()
    / (ref == "Revolving loans").mean() < 0.65,
}


def test_planted_drift_is_present_and_limited() -> None:
    assert set(DRIFT_CHECKS) == set(PLANTED_DRIFT), "each planted drift has a check"
    n, ids = 20_000, np.arange(20_000, dtype=np.int64)
    reference = generate_applications(np.random.default_rng(1), ids, np.random.default_rng(2).standard_normal(n),
                                      with_target=False)
    current = generate_applications(np.random.default_rng(3), ids, np.random.default_rng(4).standard_normal(n),
                                    with_target=False, drift=True)
    for feature, check in DRIFT_CHECKS.items():
        assert check(reference[feature].dropna(), current[feature].dropna()), feature
    for stable in ("AMT_CREDIT", "EXT_SOURCE_2", "CNT_CHILDREN"):
        assert abs(current[stable].mean() / reference[stable].mean() - 1) < 0.05, stable


def test_planted_drift_in_the_generated_test_split(tables) -> None:
    train, test = tables["application_train"], tables["application_test"]
    assert test["AMT_INCOME_TOTAL"].median() > train["AMT_INCOME_TOTAL"].median()
    assert test["EXT_SOURCE_3"].mean() < train["EXT_SOURCE_3"].mean() - 0.03
    assert test["DAYS_BIRTH"].mean() > train["DAYS_BIRTH"].mean() + 365


def test_cli_synth_writes_valid_tables(tmp_path: Path) -> None:
    out = tmp_path / "synthetic"
    done = subprocess.run([sys.executable, "-m", "ml", "synth", "--clients", "40", "--seed", "5", "--out",
                           str(out)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "40 training clients" in done.stdout
    validate(out)
    assert len(load_table("application_train", out, columns=["SK_ID_CURR"])) == 40
    refused = subprocess.run([sys.executable, "-m", "ml", "synth", "--clients", "3", "--out", str(tmp_path / "x")],
                             cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == "error: --clients must be at least 10"


def test_same_output_for_a_seed_whatever_the_chunk_size(tmp_path: Path) -> None:
    """Blocks of 100 clients (the unit of randomness) written one, three or all at a time."""
    folders = [generate(tmp_path / f"chunk-{chunk}", 500, seed=3, progress=False,
                        block_clients=100, chunk_clients=chunk) for chunk in (100, 300, 10_000)]
    digests = [_digest(folder) for folder in folders]
    assert digests[0] == digests[1] == digests[2]
    truths = [pd.read_parquet(folder / TRUTH_FILE) for folder in folders]
    pd.testing.assert_frame_equal(truths[0], truths[2])
    validate(folders[0])  # keys stay unique and foreign keys resolve across blocks
    other_blocks = _digest(generate(tmp_path / "blocks", 500, seed=3, progress=False,
                                    block_clients=250))
    assert other_blocks != digests[0], "the block size is part of the law, the chunk size not"


def test_tables_are_written_chunk_by_chunk(tmp_path: Path) -> None:
    """One Parquet row group per chunk: no table is ever held whole."""
    import pyarrow.parquet as pq

    out = generate(tmp_path / "data", 600, seed=3, progress=False, block_clients=100,
                   chunk_clients=200)
    population = 600 + int(round(600 * 48_744 / 307_511))
    for name in ("installments_payments", "bureau_balance", TRUTH_FILE.removesuffix(".parquet")):
        metadata = pq.ParquetFile(out / f"{name}.parquet").metadata
        assert metadata.num_row_groups == -(-population // 200), name
    train = pq.ParquetFile(out / "application_train.parquet").metadata
    assert max(train.row_group(i).num_rows for i in range(train.num_row_groups)) == 200


def test_memory_does_not_grow_with_the_population(tmp_path: Path) -> None:
    """Peak traced memory for 4,000 clients stays that of 1,000 (same chunk), not four times it."""
    import tracemalloc

    def peak(clients: int) -> int:
        tracemalloc.start()
        try:
            generate(tmp_path / f"p{clients}", clients, seed=1, progress=False,
                     block_clients=250, chunk_clients=500)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(1_000), peak(4_000)
    assert large < 1.5 * small, (small, large)


def test_distributions_do_not_depend_on_the_block_size(tmp_path: Path, tables) -> None:
    """3,000 clients drawn in blocks of 250 look like the session's single-block population."""
    small_blocks = {name: load_table(name, generate(tmp_path / "b", 3_000, seed=7, progress=False,
                                                    block_clients=250), clean=False)
                    for name in ("application_train", "installments_payments", "bureau")}
    train, other = tables["application_train"], small_blocks["application_train"]
    assert abs(train["TARGET"].mean() - other["TARGET"].mean()) < 0.03
    assert abs(train["EXT_SOURCE_3"].mean() - other["EXT_SOURCE_3"].mean()) < 0.03
    for name in ("installments_payments", "bureau"):
        assert len(small_blocks[name]) == pytest.approx(len(tables[name]), rel=0.1), name
