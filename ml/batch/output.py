"""The batch-score folder contract: ``<out>/model=<name>/version=<v>/`` written atomically.

A run writes into a hidden sibling folder and renames it into place only once every part,
``_SUCCESS`` and ``summary.json`` are there, so the API (which reads the folder of the current
champion's version) never sees a half-written result, and a failed run keeps the previous one.
Hidden names (leading ``.``) are skipped by pyarrow, DuckDB and Spark dataset readers.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from ml.data.files import atomic_folder

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
    """Yield a hidden temporary folder next to ``final_dir``; on success swap it into place
    (``ml.data.files.atomic_folder``), refusing a folder without ``_SUCCESS``."""
    with atomic_folder(final_dir, check=_require_complete) as tmp_dir:
        yield tmp_dir


def _require_complete(folder: Path) -> None:
    if not is_complete(folder):
        raise RuntimeError(f"batch output {folder} is incomplete (no {SUCCESS_MARKER})")


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
