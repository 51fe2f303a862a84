"""Feature tables of the seven Home Credit tables: ``python -m ml features``.

One implementation, two engines: every aggregation is an Ibis expression
(``ml.features.application``, ``ml.features.side``) run on DuckDB by default or unchanged on
Spark (``--engine spark``). Writes, atomically, the files of the data contract
(docs/architecture.md): ``features_train.parquet``, ``features_test.parquet``,
``clients.parquet`` and ``feature_dictionary.json``.

The command writes the tables with the engine itself (``write_engine_features``): DuckDB copies
them to Parquet under a memory limit, spilling to disk; Spark's executors write partitioned
Parquet (a folder of part files under the same name). Nothing is collected to the driver, so
its memory does not grow with the population. ``build_features`` (pandas frames) remains for
small in-memory uses.
"""
from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
from tqdm import tqdm

from ml.data.files import atomic_folder, dataset_schema
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


def feature_names(frame: pd.DataFrame | ibis.Table | pa.Schema) -> list[str]:
    """Model feature columns of a feature table (everything but the key, split and target)."""
    columns = frame.names if isinstance(frame, pa.Schema) else frame.columns
    return [c for c in columns if c not in (ID_COLUMN, "split", TARGET_COLUMN)]


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
    """Write the four contract files from pandas frames into ``out_dir`` atomically."""
    with atomic_folder(out_dir) as staging:
        train.to_parquet(staging / "features_train.parquet", index=False)
        test.to_parquet(staging / "features_test.parquet", index=False)
        clients.to_parquet(staging / "clients.parquet", index=False)
        _write_dictionary(staging, feature_names(train), provenance)
    return Path(out_dir)


def _write_dictionary(folder: Path, names: list[str], provenance: str | None) -> None:
    document = dictionary.build(names)
    if provenance:
        document["provenance"] = provenance  # synthetic | real_sample | real
    (folder / "feature_dictionary.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


# Contract types of clients.parquet that the expressions do not give on both engines alike.
CLIENT_TYPES = {ID_COLUMN: "int64", TARGET_COLUMN: "int8", "CNT_CHILDREN": "int64"}


def write_engine_features(data_dir: Path | str, out_dir: Path | str, engine: str = "duckdb",
                          spark_master: str | None = None, provenance: str | None = None,
                          progress: bool = True) -> dict[str, int]:
    """Build the features on ``engine`` and let the engine write the contract files (nothing is
    collected to the driver); return the rows written per file.

    The feature table is written once to a hidden scratch Parquet, then split into train and
    test by reading it back, so the aggregations run once.
    """
    data_dir = Path(data_dir)
    backend = connect(engine, spark_master)
    with atomic_folder(out_dir) as staging, tqdm(total=4, desc=f"features ({engine})",
                                                 unit="step", disable=not progress) as bar:
        scratch = staging / ".all-features.parquet"
        bar.set_postfix_str("aggregating the seven tables")
        backend.to_parquet(feature_expression(backend, data_dir), scratch)
        bar.update()
        table = backend.read_parquet(str(scratch), table_name="all_features")
        names = feature_names(table)
        ident = table[ID_COLUMN].cast("int64").name(ID_COLUMN)
        values = [table[n].cast("float64").name(n) for n in names]
        bar.set_postfix_str("train and test")
        is_train = table["split"] == "train"
        train = table.filter(is_train).select(
            ident, table[TARGET_COLUMN].cast("int8").name(TARGET_COLUMN), *values)
        backend.to_parquet(train.order_by(ID_COLUMN), staging / "features_train.parquet")
        backend.to_parquet(table.filter(~is_train).select(ident, *values).order_by(ID_COLUMN),
                           staging / "features_test.parquet")
        bar.update()
        bar.set_postfix_str("clients")
        clients = clients_expression(backend, data_dir)
        clients = clients.select(*[clients[c].cast(CLIENT_TYPES[c]).name(c) if c in CLIENT_TYPES
                                   else clients[c] for c in CLIENT_COLUMNS])
        backend.to_parquet(clients.order_by(ID_COLUMN), staging / "clients.parquet")
        bar.update()
        _remove(scratch)
        _write_dictionary(staging, names, provenance)
        rows = {name: ds.dataset(staging / name, format="parquet").count_rows()
                for name in OUTPUT_FILES if name.endswith(".parquet")}
        bar.update()
    return rows


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


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
    from ml.data.load import read_provenance

    rows = write_engine_features(args.data, args.out, args.engine, args.spark_master,
                                 read_provenance(args.data))
    width = len(feature_names(dataset_schema(args.out / "features_test.parquet")))
    print(
        f"wrote {rows['features_train.parquet']:,} train and {rows['features_test.parquet']:,} "
        f"test rows × {width} features to {args.out} "
        f"({time.perf_counter() - started:.1f} s, engine {args.engine})"
    )
    return 0
