"""Pipeline benchmark: synthetic data → features on DuckDB, then the same on Spark local[2].

``python -m bench.run pipeline`` (part of ``make bench``) writes reports/bench/pipeline.json.
Each step runs as its own ``python -m ml ...`` process, measured by ``bench.scale.measure``
(wall time, peak RSS of the whole process tree: Spark's JVM and workers included).
Environment: BENCH_CLIENTS (default 300000), BENCH_ENGINES (default "duckdb,spark"),
BENCH_WORK_DIR (default data/bench), BENCH_KEEP_DATA=1 to keep the generated data.
Targets (2 cores): synth ≤ 180 s; features on DuckDB ≤ 60 s and ≤ 6 GB.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from bench.scale import measure
from ml.config import PROJECT_ROOT, settings

TARGETS = {"synth_wall_s": 180.0, "features_duckdb_wall_s": 60.0,
           "features_duckdb_peak_rss_gb": 6.0}


def _rows(data_dir: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {p.stem: pq.ParquetFile(p).metadata.num_rows for p in sorted(data_dir.glob("*.parquet"))}


def _with_rate(step: dict, rows: int) -> dict:
    if step.get("returncode") == 0 and step["wall_s"] > 0:
        step["rows_per_s"] = round(rows / step["wall_s"])
    return step


def main(out_dir: Path) -> dict:
    clients = int(os.environ.get("BENCH_CLIENTS", "300000"))
    engines = [e.strip() for e in os.environ.get("BENCH_ENGINES", "duckdb,spark").split(",")
               if e.strip()]
    work_dir = Path(os.environ.get("BENCH_WORK_DIR", PROJECT_ROOT / "data" / "bench"))
    data_dir, features_dir = work_dir / "raw", work_dir / "features"
    shutil.rmtree(work_dir, ignore_errors=True)
    python = [sys.executable, "-m", "ml"]
    result: dict = {"clients": clients, "cores": os.cpu_count(), "targets": TARGETS}
    print(f"synth: {clients:,} clients", flush=True)
    result["synth"] = measure([*python, "synth", "--clients", str(clients), "--seed", "42",
                               "--out", str(data_dir)])
    if result["synth"]["returncode"] != 0:
        return result
    rows = _rows(data_dir)
    result["raw_rows"] = rows
    total_rows = sum(rows.values())
    _with_rate(result["synth"], total_rows)
    for engine in engines:
        print(f"features on {engine}", flush=True)
        step = measure([*python, "features", "--data", str(data_dir), "--out",
                        str(features_dir / engine), "--engine", engine])
        result[f"features_{engine}"] = _with_rate(step, total_rows)
    result["targets_met"] = {
        "synth": result["synth"]["wall_s"] <= TARGETS["synth_wall_s"],
        **({"features_duckdb": result["features_duckdb"]["returncode"] == 0
            and result["features_duckdb"]["wall_s"] <= TARGETS["features_duckdb_wall_s"]
            and result["features_duckdb"]["peak_rss_gb"] <= TARGETS["features_duckdb_peak_rss_gb"]}
           if "features_duckdb" in result else {}),
    }
    if not os.environ.get("BENCH_KEEP_DATA"):
        shutil.rmtree(work_dir, ignore_errors=True)
    (Path(out_dir) / "pipeline.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    print(json.dumps(main(settings().reports_dir / "bench"), indent=2))
