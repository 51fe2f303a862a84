"""Folders written all at once: the one atomic write of the pipeline (synthetic data, feature
tables, batch scores).

A step writes into a hidden sibling (``.<name>.tmp-<random>``) and renames it into place only
when it finished, keeping the previous folder until that rename worked: a reader sees the old
folder or the new one, never half of one, and a failed or interrupted run (an exception,
Ctrl-C, a full disk) leaves the previous folder exactly as it was. Hidden names are skipped by
pyarrow, DuckDB and Spark dataset readers; a killed run's leftovers are removed by the next one.
"""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


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
