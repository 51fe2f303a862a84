"""Features of one raw application (the API's ``POST /score``), from the same Ibis expression
as the batch build, compiled once to DuckDB SQL: a posted application and a stored client with
the same values get the same features."""
from __future__ import annotations

import threading

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from ml.data.schema import SCHEMAS
from ml.errors import MLError
from ml.features.application import APPLICATION_FEATURES, application_columns, clean

_APPLICATION_SCHEMA = SCHEMAS["application_test"].columns
_local = threading.local()


def _application_sql() -> str:
    """The SQL of the SAME Ibis expression as the batch build, compiled once for DuckDB."""
    if not hasattr(_local, "sql"):
        raw = ibis.table(_APPLICATION_SCHEMA, name="applications")
        cleaned = clean(raw, "application_test")
        _local.sql = ibis.to_sql(
            cleaned.select(**application_columns(cleaned)), dialect="duckdb"
        )
    return _local.sql


def _duckdb_connection():  # noqa: ANN202 (duckdb.DuckDBPyConnection, imported lazily)
    if not hasattr(_local, "connection"):
        import duckdb

        _local.connection = duckdb.connect()
    return _local.connection


def _string_values(values: np.ndarray) -> pa.Array:
    return pa.array(
        [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values],
        pa.string(),
    )


def _float_values(values: np.ndarray) -> pa.Array:
    """Numbers as float64; None, NaN and unparsable values → missing."""
    try:
        numeric = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        numeric = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy("float64")
    return pa.array(numeric, pa.float64(), from_pandas=True)


def _conform(applications: pd.DataFrame) -> pa.Table:
    """Declared columns with declared types; absent or unparsable optional fields → missing.

    Built column by column in Arrow (a pandas frame grown column by column costs ~30 ms);
    an absent column is one typed null array, no per-value work.
    """
    rows = len(applications)
    columns: dict[str, pa.Array] = {}
    for column, kind in _APPLICATION_SCHEMA.items():
        arrow_type = pa.string() if kind == "string" else pa.float64()
        if column not in applications:
            columns[column] = pa.nulls(rows, arrow_type)
            continue
        values = applications[column].to_numpy()
        columns[column] = _string_values(values) if kind == "string" else _float_values(values)
    return pa.table(columns)


def application_features(applications: pd.DataFrame) -> pd.DataFrame:
    """Application-derived model features of raw application rows (application_train names).

    Runs the same Ibis expression as the batch build (compiled once to DuckDB SQL), so a
    posted application and a stored client with the same values get the same features.
    Side-table features are absent: the caller fills them from the stored client or NaN.
    About 10 ms for one row (DuckDB plans the 87-column query each call).
    """
    if not isinstance(applications, pd.DataFrame):
        raise MLError("application_features expects a pandas DataFrame of applications")
    connection = _duckdb_connection()
    connection.register("applications", _conform(applications))
    try:
        result = connection.execute(_application_sql()).fetchnumpy()
    finally:
        connection.unregister("applications")
    frame = pd.DataFrame(
        {name: np.ma.filled(np.ma.asarray(result[name], dtype="float64"), np.nan)
         for name in APPLICATION_FEATURES},
        index=applications.index,
    )
    return frame


def whatif_rows(row: np.ndarray, features: list[str], application: dict,
                changes: list[dict]) -> np.ndarray:
    """The model input of a stored client after each set of raw ``changes`` (one row each).

    ``row`` is the client's model input (``features`` order) and ``application`` the raw fields
    it was built from. Only the features that a change moves are recomputed, by the same query
    as the batch build; the others stay the client's own, so changing nothing gives exactly the
    stored row. One query for every set of changes: the API's what-if (one set) and the
    recourse's verification of its suggestions go through this same code (the recourse screens
    its grid with ``loan_whatif_rows``, the same rows without the query).
    """
    frame = pd.DataFrame([application, *({**application, **change} for change in changes)])
    derived = application_features(frame).reindex(columns=features).to_numpy("float64")
    before, after = derived[0], derived[1:]
    changed = ~((before == after) | (np.isnan(before) & np.isnan(after)))
    return np.where(changed, after, np.asarray(row, dtype="float64"))


# The raw fields of the loan's terms, and every feature they move, as numpy functions of the
# same Ibis expressions (ml.features.application): ``ratio`` is missing when the denominator is
# 0 or missing. tests/ml/test_online_features.py checks them against the query, value for value.
LOAN_FIELDS: tuple[str, ...] = ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE")


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator == 0, np.nan, numerator / denominator)


def loan_features(credit: np.ndarray, annuity: np.ndarray, goods: np.ndarray,
                  income: float) -> dict[str, np.ndarray]:
    """The features moved by the amount, the monthly payment and the goods price."""
    return {"AMT_CREDIT": credit, "AMT_ANNUITY": annuity, "AMT_GOODS_PRICE": goods,
            "CREDIT_INCOME_RATIO": _ratio(credit, income),
            "ANNUITY_INCOME_RATIO": _ratio(annuity, income),
            "PAYMENT_RATE": _ratio(annuity, credit), "CREDIT_TERM_MONTHS": _ratio(credit, annuity),
            "GOODS_CREDIT_RATIO": _ratio(goods, credit)}


def _amount(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def loan_whatif_rows(row: np.ndarray, features: list[str], application: dict,
                     changes: dict[str, np.ndarray]) -> np.ndarray:
    """``whatif_rows`` for changes of the loan's terms only, without a query (one numpy pass for
    hundreds of candidates): ``changes`` maps each changed ``LOAN_FIELDS`` name to one value per
    candidate; the other fields keep the application's value. Same rows as ``whatif_rows``."""
    if set(changes) - set(LOAN_FIELDS):
        raise MLError(f"only {', '.join(LOAN_FIELDS)} can change without the query")
    count = len(next(iter(changes.values()))) if changes else 0
    current = {name: _amount(application.get(name)) for name in LOAN_FIELDS}
    income = _amount(application.get("AMT_INCOME_TOTAL"))
    before = loan_features(*(np.array([current[name]]) for name in LOAN_FIELDS), income)
    after = loan_features(*(np.asarray(changes[name], dtype="float64") if name in changes
                            else np.full(count, current[name]) for name in LOAN_FIELDS), income)
    rows = np.repeat(np.asarray(row, dtype="float64").reshape(1, -1), count, axis=0)
    position = {name: i for i, name in enumerate(features)}
    for name, values in after.items():
        if name in position:
            old = before[name]
            changed = ~((old == values) | (np.isnan(old) & np.isnan(values)))
            rows[changed, position[name]] = values[changed]
    return rows
def compile_query() -> None:
    """Compile the one-application query to SQL now, without opening a DuckDB connection (pure
    Python: safe before a fork; the API's gunicorn master does it, so a new worker only opens
    its connection)."""
    _application_sql()


def warm_up() -> None:
    """Compile the query and open this thread's connection now (about 1 s the first time)."""
    if not hasattr(_local, "warm"):
        application_features(pd.DataFrame([{"AMT_CREDIT": 1.0}]))
        _local.warm = True
