"""Folders written all at once: the one atomic write of the pipeline (synthetic data, feature
tables, batch scores).

A step writes into a hidden sibling (``.<name>.tmp-<random>``) and renames it into place only
when it finished, keeping the previous folder until that rename worked: a reader sees the old
folder or the new one, never half of one, and a failed or interrupted run (an exception,
Ctrl-C, a full disk) leaves the previous folder exactly as it was. Hidden names are skipped by
pyarrow, DuckDB and Spark dataset readers; a killed run's leftovers are removed by the next one.

A Parquet table of the data contract is one file (DuckDB, pandas) or a folder of part files
under the same name (Spark's executors); the readers below accept both.
"""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq


@contextmanager
def atomic_folder(final_dir: Path | str,
                  check: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Yield an empty hidden folder next to ``final_dir``; swap it into place on success.

    ``check(tmp_dir)``, when given, runs before the swap and may raise to refuse an incomplete
    folder. On any exception the temporary folder is removed and ``final_dir`` is untouched.
    """
    final_dir = Path(final_dir)
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in final_dir.parent.glob(f".{final_dir.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp_dir = final_dir.parent / f".{final_dir.name}.tmp-{uuid.uuid4().hex[:12]}"
    tmp_dir.mkdir()
    try:
        yield tmp_dir
        if check is not None:
            check(tmp_dir)
        swap_into_place(tmp_dir, final_dir)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def swap_into_place(tmp_dir: Path, final_dir: Path) -> None:
    """Rename ``tmp_dir`` to ``final_dir``, keeping the previous folder until the rename worked."""
    old_dir = final_dir.parent / f".{final_dir.name}.old-{uuid.uuid4().hex[:12]}"
    had_previous = final_dir.exists()
    if had_previous:
        os.replace(final_dir, old_dir)
    try:
        os.replace(tmp_dir, final_dir)
    except BaseException:
        if had_previous:
            os.replace(old_dir, final_dir)
        raise
    if had_previous:
        shutil.rmtree(old_dir, ignore_errors=True)


def dataset_schema(path: Path | str) -> pa.Schema:
    """The schema of a Parquet file or of a folder of part files."""
    return ds.dataset(path, format="parquet").schema if Path(path).is_dir() else pq.read_schema(path)


def read_clients(path: Path | str) -> pd.DataFrame:
    """clients.parquet as pandas with the contract's dtypes (nullable Int8 TARGET, Int64
    CNT_CHILDREN, text as objects with None), whichever engine wrote it."""
    table = ds.dataset(path, format="parquet").to_table()
    nullable = {pa.int8(): pd.Int8Dtype(), pa.int64(): pd.Int64Dtype()}
    frame = table.to_pandas(types_mapper=nullable.get)
    frame["SK_ID_CURR"] = frame["SK_ID_CURR"].astype("int64")
    return frame


def content_paths(path: Path | str) -> list[Path]:
    """The data files of a Parquet table: the file itself, or a folder's visible part files."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file()
                  and not p.name.startswith((".", "_")))
