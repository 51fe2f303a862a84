"""Scale benchmark: synth → features → score-batch at 1M (and 3M if it fits) clients, on
DuckDB and on Spark local[2]; wall time, peak RSS of the whole process tree (the Spark JVM and
Python workers included) and rows/s per step. ``make bench-scale`` (``python -m bench.run scale``)
writes reports/bench/scale.json; the file is also rewritten after every step, so a run cut
short (memory, time) keeps what it measured.

Environment: SCALE_CLIENTS (comma list, default "1000000,3000000"; 3M only runs when the 1M
peak RSS says it fits in memory), SCALE_ENGINES (default "duckdb,spark"), SCALE_WORK_DIR
(default data/scale), SCALE_KEEP_DATA=1 to keep the generated data, SPARK_DRIVER_MEMORY
(default 10g: the feature table is collected to the driver), MODEL_URI (a registered model;
when none answers, a model is trained on SCALE_TRAIN_CLIENTS synthetic clients in a temporary
MLflow registry).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

from ml.config import PROJECT_ROOT, settings

PY = sys.executable
MEMORY_HEADROOM = 0.85  # share of the machine's memory a run may be predicted to use


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def measure(argv: list[str], env: dict[str, str] | None = None) -> dict:
    """Run ``argv`` and sample the RSS of its whole process tree every 0.1 s."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env={**os.environ, **(env or {})}, cwd=PROJECT_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    root = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        rss = 0
        try:
            for member in [root, *root.children(recursive=True)]:
                try:
                    rss += member.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, rss)
        time.sleep(0.1)
    output = process.stdout.read() if process.stdout else ""
    wall = time.perf_counter() - started
    result = {"wall_s": round(wall, 1), "peak_rss_gb": round(peak / 1e9, 2),
              "returncode": process.returncode}
    if process.returncode != 0:
        result["error"] = failure_line(output)
    return result


def failure_line(output: str) -> str:
    """The line that names the failure: the last exception or error message, not the last
    frame of a Java or Python stack trace."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    named = [line for line in lines if not line.startswith(("at ", "File ", "...", "^"))
             and ("Error" in line or "Exception" in line or line.startswith("error:"))]
    return (named or lines or ["failed"])[-1][:500]


def _rows(data_dir: Path) -> dict[str, int]:
    """Row counts of the raw tables (read from Parquet metadata, no data loaded)."""
    import pyarrow.parquet as pq

    return {p.stem: pq.ParquetFile(p).metadata.num_rows for p in sorted(data_dir.glob("*.parquet"))}


def _ensure_model(work_dir: Path, env: dict[str, str]) -> dict:
    """A registered model to score with: MODEL_URI when it loads, else one trained here."""
    from ml.errors import MLError
    from ml.model.loading import load_model

    try:
        model = load_model(settings().model_uri)
        return {"uri": settings().model_uri, "name": model.name, "version": str(model.version),
                "trained_here": False}
    except MLError:
        pass
    clients = os.environ.get("SCALE_TRAIN_CLIENTS", "20000")
    train_dir = work_dir / "train"
    env["MLFLOW_TRACKING_URI"] = f"sqlite:///{work_dir / 'mlruns.db'}"
    env["MLFLOW_ARTIFACT_ROOT"] = str(work_dir / "mlartifacts")
    for step in (["synth", "--clients", clients, "--out", str(train_dir / "raw")],
                 ["features", "--data", str(train_dir / "raw"), "--out", str(train_dir / "features")],
                 ["train", "--features", str(train_dir / "features")]):
        outcome = measure([PY, "-m", "ml", *step], env)
        if outcome["returncode"] != 0:
            raise RuntimeError(f"training a benchmark model failed at {step[0]}: {outcome.get('error')}")
    return {"uri": settings().model_uri, "trained_here": True, "train_clients": int(clients)}


def bench_scale(clients: int, engines: list[str], work_dir: Path, model_uri: str,
                env: dict[str, str], record) -> dict:
    """Every step at one scale; ``record`` is called after each step with the partial result."""
    data_dir = work_dir / f"raw-{clients}"
    result: dict = {"clients": clients, "steps": {}}
    steps = result["steps"]
    steps["synth"] = measure([PY, "-m", "ml", "synth", "--clients", str(clients),
                              "--out", str(data_dir)], env)
    record(result)
    if steps["synth"]["returncode"] != 0:
        return result
    rows = _rows(data_dir)
    result["rows"] = rows
    scored_clients = rows.get("application_train", 0) + rows.get("application_test", 0)
    steps["synth"]["rows_per_s"] = round(sum(rows.values()) / steps["synth"]["wall_s"])
    for engine in engines:
        features_dir = work_dir / f"features-{clients}-{engine}"
        name = f"features_{engine}"
        steps[name] = measure([PY, "-m", "ml", "features", "--engine", engine,
                               "--data", str(data_dir), "--out", str(features_dir)], env)
        steps[name]["input_rows_per_s"] = round(sum(rows.values()) / steps[name]["wall_s"])
        record(result)
        if steps[name]["returncode"] != 0:
            continue
        name = f"score_batch_{engine}"
        steps[name] = measure([PY, "-m", "ml", "score-batch", "--engine", engine,
                               "--data", str(data_dir), "--features", str(features_dir),
                               "--out", str(work_dir / f"scores-{clients}-{engine}"),
                               "--model", model_uri], env)
        steps[name]["clients_per_s"] = round(scored_clients / steps[name]["wall_s"])
        record(result)
    result["peak_rss_gb"] = max(s.get("peak_rss_gb", 0) for s in steps.values())
    if os.environ.get("SCALE_KEEP_DATA") != "1":
        for path in work_dir.glob(f"*-{clients}*"):
            shutil.rmtree(path, ignore_errors=True)
    return result


def main(out_dir: Path) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    scales = [int(c) for c in _env_list("SCALE_CLIENTS", "1000000,3000000")]
    engines = _env_list("SCALE_ENGINES", "duckdb,spark")
    work_dir = Path(os.environ.get("SCALE_WORK_DIR", PROJECT_ROOT / "data" / "scale"))
    work_dir.mkdir(parents=True, exist_ok=True)
    # ml.features.build collects the feature table to the driver: 1M clients need more than the 2 g
    # default (measured: it failed in SerializerHelper.serializeToChunkedBuffer at 1M)
    env = {"PYSPARK_PYTHON": PY, "PYSPARK_DRIVER_PYTHON": PY,
           "SPARK_MASTER": os.environ.get("SPARK_MASTER", "local[2]"),
           "SPARK_DRIVER_MEMORY": os.environ.get("SPARK_DRIVER_MEMORY", "10g"),
           "PYTHONUNBUFFERED": "1"}
    total_memory = psutil.virtual_memory().total
    report: dict = {"machine": {"cpus": os.cpu_count(), "memory_gb": round(total_memory / 1e9, 1)},
                    "engines": engines, "scales": []}
    target = out_dir / "scale.json"

    def record(partial: dict | None = None) -> None:
        scales_now = report["scales"] + ([partial] if partial else [])
        target.write_text(json.dumps({**report, "scales": scales_now}, indent=2))

    report["model"] = _ensure_model(work_dir, env)
    model_uri = report["model"]["uri"]
    previous: dict | None = None
    for clients in scales:
        if previous and previous.get("peak_rss_gb"):
            predicted = previous["peak_rss_gb"] * clients / previous["clients"]
            if predicted * 1e9 > MEMORY_HEADROOM * total_memory:
                report["scales"].append({"clients": clients, "skipped": (
                    f"predicted peak RSS {predicted:.1f} GB (linear from {previous['clients']:,} "
                    f"clients) exceeds {MEMORY_HEADROOM:.0%} of {total_memory / 1e9:.0f} GB")})
                record()
                continue
        print(f"scale benchmark: {clients:,} clients on {', '.join(engines)}", flush=True)
        previous = bench_scale(clients, engines, work_dir, model_uri, env, record)
        report["scales"].append(previous)
        record()
    return report


if __name__ == "__main__":
    print(json.dumps(main(settings().reports_dir / "bench"), indent=2))
