"""Feature tables of the seven Home Credit tables: ``python -m ml features``.

One implementation, two engines: every aggregation is an Ibis expression
(``ml.features.application``, ``ml.features.side``) run on DuckDB by default or unchanged on
Spark (``--engine spark``). Writes, atomically, the files of the data contract
(docs/architecture.md): ``features_train.parquet``, ``features_test.parquet``,
``clients.parquet`` and ``feature_dictionary.json``.
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import ibis
import pandas as pd
from tqdm import tqdm

from ml.data.schema import ID_COLUMN, TARGET_COLUMN
from ml.features import dictionary
from ml.features.application import APPLICATION_FEATURES, application_columns, clean
from ml.features.engine import ENGINES, connect, read_table
from ml.features.side import (
    COUNT_FEATURES,
    bureau_aggregates,
    credit_card_aggregates,
    installments_aggregates,
    join_on_client,
    pos_cash_aggregates,
    previous_aggregates,
)

OUTPUT_FILES = ("features_train.parquet", "features_test.parquet", "clients.parquet",
                "feature_dictionary.json")
CLIENT_COLUMNS: tuple[str, ...] = (
    "SK_ID_CURR", "split", "TARGET", "CODE_GENDER", "AGE_YEARS", "EMPLOYMENT_YEARS",
    "AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "CREDIT_TERM_MONTHS",
    "NAME_CONTRACT_TYPE", "NAME_FAMILY_STATUS", "NAME_EDUCATION_TYPE", "NAME_INCOME_TYPE",
    "OCCUPATION_TYPE", "CNT_CHILDREN", "FLAG_OWN_CAR", "FLAG_OWN_REALTY",
)
SIDE_STEPS = ("bureau", "previous_application", "POS_CASH_balance", "installments_payments",
              "credit_card_balance")


def _applications(backend: ibis.BaseBackend, data_dir: Path) -> ibis.Table:
    """Both application files as one cleaned table with ``split`` and a nullable TARGET."""
    train = read_table(backend, "application_train", data_dir).mutate(split=ibis.literal("train"))
    test = read_table(backend, "application_test", data_dir).mutate(
        TARGET=ibis.null("int64"), split=ibis.literal("test")
    )
    return clean(train.union(test.select(*train.columns)), "application_train")


def _side_aggregates(backend: ibis.BaseBackend, data_dir: Path) -> list[ibis.Table]:
    def table(name: str) -> ibis.Table:
        return clean(read_table(backend, name, data_dir), name)

    return [
        bureau_aggregates(table("bureau"), table("bureau_balance")),
        previous_aggregates(table("previous_application")),
        pos_cash_aggregates(table("POS_CASH_balance")),
        installments_aggregates(table("installments_payments")),
        credit_card_aggregates(table("credit_card_balance")),
    ]


def feature_expression(backend: ibis.BaseBackend, data_dir: Path) -> ibis.Table:
    """SK_ID_CURR, split, TARGET and every feature, one row per client of both splits."""
    apps = _applications(backend, data_dir)
    table = apps.select(ID_COLUMN, "split", TARGET_COLUMN, **application_columns(apps))
    for aggregate in _side_aggregates(backend, data_dir):
        table = join_on_client(table, aggregate)
    side = [c for c in table.columns if c not in (ID_COLUMN, "split", TARGET_COLUMN)
            and c not in APPLICATION_FEATURES]
    return table.mutate(
        **{c: (table[c].fill_null(0) if c in COUNT_FEATURES else table[c]).cast("float64")
           for c in side}
    )


def clients_expression(backend: ibis.BaseBackend, data_dir: Path) -> ibis.Table:
    """Descriptive data for people (clients.parquet), raw codes cleaned of XNA/XAP."""
    apps = _applications(backend, data_dir)
    derived = application_columns(apps)
    return apps.select(
        *[c for c in CLIENT_COLUMNS if c in apps.columns],
        AGE_YEARS=derived["AGE_YEARS"], EMPLOYMENT_YEARS=derived["EMPLOYMENT_YEARS"],
        CREDIT_TERM_MONTHS=derived["CREDIT_TERM_MONTHS"],
    )


def build_features(
    data_dir: Path | str, engine: str = "duckdb", spark_master: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(features_train, features_test, clients) as pandas, sorted by SK_ID_CURR."""
    data_dir = Path(data_dir)
    backend = connect(engine, spark_master)
    with tqdm(total=3, desc=f"features ({engine})", unit="step") as bar:
        bar.set_postfix_str("aggregating the seven tables")
        features = feature_expression(backend, data_dir).order_by(ID_COLUMN).to_pandas()
        bar.update()
        bar.set_postfix_str("clients")
        clients = clients_expression(backend, data_dir).order_by(ID_COLUMN).to_pandas()
        bar.update()
        bar.set_postfix_str("splitting")
        train, test, clients = _finish(features, clients)
        bar.update()
    return train, test, clients


def feature_names(frame: pd.DataFrame) -> list[str]:
    """Model feature columns of a feature table (everything but the key, split and target)."""
    return [c for c in frame.columns if c not in (ID_COLUMN, "split", TARGET_COLUMN)]


def _finish(features: pd.DataFrame, clients: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """Contract dtypes: int64 key, int8 TARGET, float64 features; train/test split."""
    names = feature_names(features)
    features[ID_COLUMN] = features[ID_COLUMN].astype("int64")
    features[names] = features[names].astype("float64")
    is_train = features["split"] == "train"
    train = features.loc[is_train, [ID_COLUMN, TARGET_COLUMN, *names]].reset_index(drop=True)
    train[TARGET_COLUMN] = train[TARGET_COLUMN].astype("int8")
    test = features.loc[~is_train, [ID_COLUMN, *names]].reset_index(drop=True)
    clients = clients[list(CLIENT_COLUMNS)].copy()
    clients[ID_COLUMN] = clients[ID_COLUMN].astype("int64")
    clients[TARGET_COLUMN] = clients[TARGET_COLUMN].astype("Int8")
    for column in ("CNT_CHILDREN",):
        clients[column] = clients[column].astype("Int64")
    text = [c for c in CLIENT_COLUMNS if clients[c].dtype == object]
    clients[text] = clients[text].astype(object).where(clients[text].notna(), None)
    return train, test, clients.reset_index(drop=True)


def write_features(
    train: pd.DataFrame, test: pd.DataFrame, clients: pd.DataFrame, out_dir: Path | str,
    provenance: str | None = None,
) -> Path:
    """Write the four contract files into ``out_dir`` atomically (temp dir, then rename)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        train.to_parquet(staging / "features_train.parquet", index=False)
        test.to_parquet(staging / "features_test.parquet", index=False)
        clients.to_parquet(staging / "clients.parquet", index=False)
        document = dictionary.build(feature_names(train))
        if provenance:
            document["provenance"] = provenance  # synthetic | real_sample | real
        (staging / "feature_dictionary.json").write_text(
            json.dumps(document, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        if out_dir.exists():
            backup = out_dir.with_name(f".{out_dir.name}-old-{time.time_ns()}")
            out_dir.rename(backup)
            staging.rename(out_dir)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


# --- command line ------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--data", type=Path, required=True, help="folder with the seven tables")
    parser.add_argument("--out", type=Path, required=True, help="folder for the feature files")
    parser.add_argument("--engine", choices=ENGINES, default="duckdb",
                        help="where the Ibis expressions run (default: duckdb)")
    parser.add_argument("--spark-master", default=None,
                        help="spark://host:7077 or sc://host:15002 (default: $SPARK_MASTER "
                             "or local[2])")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    train, test, clients = build_features(args.data, args.engine, args.spark_master)
    from ml.data.load import read_provenance

    out_dir = write_features(train, test, clients, args.out, read_provenance(args.data))
    print(
        f"wrote {len(train):,} train and {len(test):,} test rows × "
        f"{len(feature_names(train))} features to {out_dir} "
        f"({time.perf_counter() - started:.1f} s, engine {args.engine})"
    )
    return 0
