"""``python -m ml real-sample``: turn the small real Kaggle sample (application tables only) into
a data directory the unchanged pipeline reads, for a realism check of the model.

The sample (``../shared/data/homecredit-sample``) holds 4,043 real training applications and 49
test ones, without the six side tables. This command copies the application files under their
Kaggle names, repairs the test file's rows that a tool wrapped whole in quotes (16 of 49: the
loader rightly refuses them as they are), and writes the six side tables empty, with their
declared types, so their features come out missing: what the model sees for a new client
without credit history. Nothing is invented.
"""
from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import pandas as pd

from ml.config import PROJECT_ROOT
from ml.data.load import write_provenance
from ml.data.schema import SCHEMAS, SIDE_TABLES
from ml.errors import DataValidationError

DEFAULT_SAMPLE = PROJECT_ROOT.parent / "shared" / "data" / "homecredit-sample"
PANDAS_TYPES = {"int64": "int64", "float64": "float64", "string": "object"}


def unwrap_quoted_rows(text: str) -> tuple[str, int]:
    """Rows written as one quoted field (``"100001,Cash loans,..."``) back to plain CSV rows."""
    lines = text.splitlines()
    header = next(csv.reader([lines[0]]))
    repaired, fixed = [lines[0]], 0
    for line in lines[1:]:
        fields = next(csv.reader([line])) if line else []
        if len(fields) == 1 and len(next(csv.reader([fields[0]]))) == len(header):
            repaired.append(fields[0])
            fixed += 1
        else:
            repaired.append(line)
    return "\n".join(repaired) + "\n", fixed


def prepare(sample_dir: Path, out_dir: Path) -> dict[str, int]:
    sources = {"application_train": sample_dir / "application_train_sample.csv",
               "application_test": sample_dir / "application_test_sample.csv"}
    missing = [str(path) for path in sources.values() if not path.is_file()]
    if missing:
        raise DataValidationError(f"real sample not found: {', '.join(missing)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, path in sources.items():
        text, fixed = unwrap_quoted_rows(path.read_text(encoding="utf-8"))
        (out_dir / f"{name}.csv").write_text(text, encoding="utf-8")
        counts[name] = len(pd.read_csv(io.StringIO(text), usecols=["SK_ID_CURR"]))
        counts[f"{name}_repaired_rows"] = fixed
    for name in SIDE_TABLES:
        empty = pd.DataFrame({column: pd.Series(dtype=PANDAS_TYPES[kind])
                              for column, kind in SCHEMAS[name].columns.items()})
        empty.to_parquet(out_dir / f"{name}.parquet", index=False)
    write_provenance(out_dir, "real_sample", source=str(sample_dir))
    return counts


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE,
                        help=f"folder of the real sample (default {DEFAULT_SAMPLE})")
    parser.add_argument("--out", type=Path, required=True, help="data directory to write")


def run(args: argparse.Namespace) -> int:
    counts = prepare(args.sample, args.out)
    print(f"wrote {args.out}: {counts['application_train']:,} train and "
          f"{counts['application_test']:,} test applications "
          f"({counts['application_test_repaired_rows']} quoted test rows repaired), "
          "six side tables empty")
    return 0
