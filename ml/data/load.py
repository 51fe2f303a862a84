"""Load and validate the seven Home Credit tables from a data directory.

Files may be ``<table>.csv``, ``<table>.csv.gz`` or ``<table>.parquet``. Validation runs in
DuckDB (it reads 27M-row files without loading them into pandas) and reports the first
problem as one clear message naming the file and the column.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ml.data.schema import (
    MISSING_CODES,
    SCHEMAS,
    SENTINELS,
    TABLES,
    TARGET_COLUMN,
    TARGET_VALUES,
)
from ml.errors import DataValidationError

EXTENSIONS = (".parquet", ".csv", ".csv.gz")
_NUMERIC_DUCKDB = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                   "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL")


def find_table_file(data_dir: Path | str, name: str) -> Path:
    """The file holding table ``name`` in ``data_dir`` (first of .parquet, .csv, .csv.gz)."""
    data_dir = Path(data_dir)
    if name not in SCHEMAS:
        raise DataValidationError(f"unknown table {name!r}; expected one of {', '.join(TABLES)}")
    for extension in EXTENSIONS:
        candidate = data_dir / f"{name}{extension}"
        if candidate.is_file():
            return candidate
    raise DataValidationError(
        f"{name}: file missing in {data_dir} (expected {name}.parquet, {name}.csv or {name}.csv.gz)"
    )


def duckdb_source(path: Path) -> str:
    """A DuckDB table function reading ``path`` (CSV types sampled over the whole file).

    The Kaggle dialect is given, not sniffed: on a malformed file (a truncated last row) the
    sniffer would fall back to one text column and hide the real problem."""
    quoted = str(path).replace("'", "''")
    if path.suffix == ".parquet":
        return f"read_parquet('{quoted}')"
    return f"read_csv('{quoted}', header=true, sample_size=-1, delim=',', quote='\"')"


def clean_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Apply the real-data quirks: sentinels and missing codes (XNA, XAP, empty) become NaN."""
    frame = frame.copy()
    for column, sentinel in SENTINELS.items():
        if column in frame:
            frame[column] = frame[column].where(frame[column] != sentinel, np.nan)
    for column, kind in SCHEMAS[name].columns.items():
        if kind == "string" and column in frame:
            values = frame[column].astype("object")
            stripped = values.where(values.isna(), values.astype(str).str.strip())
            frame[column] = stripped.where(~stripped.isin(MISSING_CODES), None)
    return frame


def load_table(
    name: str, data_dir: Path | str, columns: list[str] | None = None, clean: bool = True
) -> pd.DataFrame:
    """Read one table into pandas with its declared dtypes (for small tables and tests)."""
    path = find_table_file(data_dir, name)
    try:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path, columns=columns)
        else:
            frame = pd.read_csv(path, usecols=columns, keep_default_na=True, low_memory=False)
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise DataValidationError(f"{path.name}: unreadable ({_first_line(error)})") from None
    missing = [c for c in (columns or SCHEMAS[name].column_names) if c not in frame.columns]
    if missing:
        raise DataValidationError(f"{path.name}: column {missing[0]} missing")
    _check_numeric(name, path, frame)
    return clean_table(name, frame) if clean else frame


def _check_numeric(name: str, path: Path, frame: pd.DataFrame) -> None:
    """A column declared numeric must read as numbers (an all-missing column is accepted)."""
    for column, kind in SCHEMAS[name].columns.items():
        if kind in ("int64", "float64") and column in frame:
            values = frame[column]
            if not pd.api.types.is_numeric_dtype(values) and values.notna().any():
                example = values.dropna().iloc[0]
                raise DataValidationError(
                    f"{path.name}: column {column} should be numeric ({kind}) but holds "
                    f"{example!r}")


@dataclass
class TableReport:
    name: str
    path: Path
    rows: int


@dataclass
class ValidationReport:
    data_dir: Path
    tables: list[TableReport] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"{self.data_dir}: {len(self.tables)} table(s) valid"]
        lines += [f"  {t.name:<24} {t.rows:>12,} rows  ({t.path.name})" for t in self.tables]
        return "\n".join(lines)


def validate_table(name: str, path: Path) -> TableReport:
    """Check one file against its schema: columns, types, key uniqueness, TARGET domain."""
    import duckdb

    schema = SCHEMAS[name]
    source = duckdb_source(path)
    connection = duckdb.connect()
    try:
        described = connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        actual = {row[0]: row[1] for row in described}
        for column, kind in schema.columns.items():
            if column not in actual:
                raise DataValidationError(f"{path.name}: column {column} missing")
            duck_type = actual[column].upper()
            is_numeric = duck_type.startswith(_NUMERIC_DUCKDB)
            if kind in ("int64", "float64") and not is_numeric and duck_type != '"NULL"':
                raise DataValidationError(
                    f"{path.name}: column {column} should be numeric ({kind}) but reads as "
                    f"{actual[column]}"
                )
        rows = connection.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
        if schema.primary_key:
            key = ", ".join(schema.primary_key)
            duplicated = connection.execute(
                f"SELECT {key}, count(*) AS n FROM {source} GROUP BY {key} HAVING n > 1 LIMIT 1"
            ).fetchone()
            if duplicated:
                count = connection.execute(
                    f"SELECT count(*) FROM (SELECT {key} FROM {source} GROUP BY {key} "
                    f"HAVING count(*) > 1)"
                ).fetchone()[0]
                example = ", ".join(str(v) for v in duplicated[:-1])
                raise DataValidationError(
                    f"{path.name}: key {key} has {count} duplicated value(s) (e.g. {example})"
                )
        if TARGET_COLUMN in schema.columns:
            bad = connection.execute(
                f"SELECT {TARGET_COLUMN} FROM {source} WHERE {TARGET_COLUMN} IS NULL OR "
                f"{TARGET_COLUMN} NOT IN {TARGET_VALUES} LIMIT 1"
            ).fetchone()
            if bad:
                raise DataValidationError(
                    f"{path.name}: column TARGET must be 0 or 1, found {bad[0]!r}"
                )
    except duckdb.Error as error:
        hint = (" — malformed CSV: truncated file or a row with the wrong number of fields?"
                if path.suffix != ".parquet" and "sniffing" in str(error) else "")
        raise DataValidationError(f"{path.name}: unreadable ({_first_line(error)}){hint}") from None
    finally:
        connection.close()
    return TableReport(name, path, int(rows))


def validate(data_dir: Path | str, tables: tuple[str, ...] | list[str] | None = None) -> ValidationReport:
    """Validate every table of ``data_dir`` (all seven files by default)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataValidationError(f"data directory {data_dir} does not exist")
    report = ValidationReport(data_dir)
    for name in tables or TABLES:
        report.tables.append(validate_table(name, find_table_file(data_dir, name)))
    return report


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--data", type=Path, required=True, help="folder with the seven tables")
    parser.add_argument("--tables", nargs="*", choices=TABLES, help="only these tables")


def run(args: argparse.Namespace) -> int:
    print(validate(args.data, args.tables))
    return 0


PROVENANCE_FILE = "PROVENANCE.json"


def write_provenance(data_dir: Path | str, provenance: str, **details: object) -> None:
    """Mark a generated data directory: ``synthetic`` (ml synth) or ``real_sample``."""
    import json

    (Path(data_dir) / PROVENANCE_FILE).write_text(
        json.dumps({"provenance": provenance, **details}, indent=2), encoding="utf-8")


def read_provenance(data_dir: Path | str) -> str:
    """``synthetic``, ``real_sample``, or ``real`` for a directory nobody generated (Kaggle)."""
    import json

    marker = Path(data_dir) / PROVENANCE_FILE
    if marker.is_file():
        return str(json.loads(marker.read_text(encoding="utf-8")).get("provenance", "real"))
    return "real"
