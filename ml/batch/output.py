"""The batch-score folder contract: ``<out>/model=<name>/version=<v>/`` written atomically.

A run writes into a hidden sibling folder and renames it into place only once every part,
``_SUCCESS`` and ``summary.json`` are there, so the API (which reads the folder of the current
champion's version) never sees a half-written result, and a failed run keeps the previous one.
Hidden names (leading ``.``) are skipped by pyarrow, DuckDB and Spark dataset readers.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

SUCCESS_MARKER = "_SUCCESS"
SUMMARY_FILE = "summary.json"
QUANTILES = (0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)

# Column order and types of every part file, whatever the engine (docs/architecture.md).
OUTPUT_SCHEMA = pa.schema(
    [
        ("SK_ID_CURR", pa.int64()),
        ("probability_default", pa.float64()),
        ("decision", pa.string()),
        ("threshold", pa.float64()),
        ("model_name", pa.string()),
        ("model_version", pa.string()),
        ("reason_1", pa.string()),
        ("reason_1_direction", pa.string()),
        ("reason_2", pa.string()),
        ("reason_2_direction", pa.string()),
        ("reason_3", pa.string()),
        ("reason_3_direction", pa.string()),
    ]
)
OUTPUT_COLUMNS = OUTPUT_SCHEMA.names


def version_dir(out_dir: Path | str, model_name: str, model_version: str) -> Path:
    """The folder holding the scores of one model version (what the API reads)."""
    return Path(out_dir) / f"model={model_name}" / f"version={model_version}"


def is_complete(folder: Path | str) -> bool:
    """True when ``folder`` holds a finished batch output (marker and summary present)."""
    folder = Path(folder)
    return (folder / SUCCESS_MARKER).is_file() and (folder / SUMMARY_FILE).is_file()


def read_summary(folder: Path | str) -> dict:
    """The summary of a finished batch output."""
    return json.loads((Path(folder) / SUMMARY_FILE).read_text())


@contextmanager
def atomic_output(final_dir: Path) -> Iterator[Path]:
    """Yield a hidden temporary folder next to ``final_dir``; on success swap it into place.

    On any exception (including KeyboardInterrupt) the temporary folder is removed and
    ``final_dir`` is left exactly as it was. Leftovers of killed runs are cleaned first.
    """
    final_dir = Path(final_dir)
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in final_dir.parent.glob(f".{final_dir.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp_dir = final_dir.parent / f".{final_dir.name}.tmp-{uuid.uuid4().hex[:12]}"
    tmp_dir.mkdir()
    try:
        yield tmp_dir
        if not is_complete(tmp_dir):
            raise RuntimeError(f"batch output {tmp_dir} is incomplete (no {SUCCESS_MARKER})")
        _swap_into_place(tmp_dir, final_dir)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def _swap_into_place(tmp_dir: Path, final_dir: Path) -> None:
    """Rename ``tmp_dir`` to ``final_dir``, keeping the previous output until the rename worked."""
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


def write_success(folder: Path, summary: dict) -> None:
    """Write ``summary.json`` then the ``_SUCCESS`` marker (last: it means "complete")."""
    (folder / SUMMARY_FILE).write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    (folder / SUCCESS_MARKER).write_text("")


def read_scores(out_dir: Path | str, model_name: str, model_version: str,
                columns: list[str] | None = None) -> pa.Table | None:
    """The complete batch scores of one model version, or None when there are none.

    Readers must go through the part files (the folder also holds ``summary.json``, which
    ``pandas.read_parquet(folder)`` would try to parse); the API uses this function.
    """
    import pyarrow.dataset as ds

    folder = version_dir(out_dir, model_name, str(model_version))
    if not is_complete(folder):
        return None
    parts = sorted(str(p) for p in folder.glob("part-*.parquet"))
    return ds.dataset(parts, format="parquet", schema=OUTPUT_SCHEMA).to_table(columns=columns)
