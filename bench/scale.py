"""Scale benchmark: synth → features → score-batch at 1M and 3M clients, on DuckDB and on Spark
local[2]; per step the wall time, clients per second beside a ceiling measured in the same run
(with the ratio), and the peak memory by role: the Python driver (the whole process on DuckDB),
the Spark JVM (driver and executors in local mode) and the Spark Python workers, sampled over
the process tree. ``make bench-scale`` (``python -m bench.run scale``) writes
reports/bench/scale.json; the file is also rewritten after every step, so a run cut short
(memory, time) keeps what it measured.

Ceilings (upper bounds of each step's rate on this machine, measured in the same run):
synth — generating one block in memory without writing it; features — one pyarrow scan of
every raw column (an engine must at least read its input once); score-batch — ``score_chunk``
on features already in memory, times the processes that score in parallel (1 on DuckDB, N for
Spark local[N]).

Environment: SCALE_CLIENTS (comma list, default "1000000,3000000"), SCALE_ENGINES (default
"duckdb,spark"), SCALE_WORK_DIR (default data/scale), SCALE_KEEP_DATA=1 to keep the generated
data, SPARK_DRIVER_MEMORY (default 2g: nothing is collected to the driver), DUCKDB_MEMORY_LIMIT
(default 4GB, DuckDB spills beyond it), MODEL_URI (a registered model; when none answers, a
model is trained with ``train --quick --only SCALE_TRAIN_ONLY`` (default the class-weighted
logistic regression; a LightGBM's SHAP contributions cost ~1.8 ms per client) on
SCALE_TRAIN_CLIENTS synthetic clients in a temporary MLflow registry).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from ml.config import PROJECT_ROOT, settings

PY = sys.executable


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ROLES = ("driver_python", "jvm", "python_workers")


def _role(process: psutil.Process, root: psutil.Process) -> str:
    """Which part of a run a process is: the command's own Python (the driver), the Spark JVM,
    or a Python worker the JVM started (Spark's executors in local mode)."""
    if process.pid == root.pid:
        return "driver_python"
    name = process.name().lower()
    return "jvm" if "java" in name else "python_workers"


def measure(argv: list[str], env: dict[str, str] | None = None) -> dict:
    """Run ``argv`` and sample the RSS of its process tree every 0.2 s, by role."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env={**os.environ, **(env or {})}, cwd=PROJECT_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    root = psutil.Process(process.pid)
    peak = 0
    peaks = dict.fromkeys(ROLES, 0)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    while process.poll() is None:
        by_role = dict.fromkeys(ROLES, 0)
        try:
            for member in [root, *root.children(recursive=True)]:
                try:
                    by_role[_role(member, root)] += member.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, sum(by_role.values()))
        peaks = {role: max(peaks[role], by_role[role]) for role in ROLES}
        time.sleep(0.2)
    reader.join(timeout=10)
    output = "".join(lines)
    wall = time.perf_counter() - started
    result = {"wall_s": round(wall, 1), "peak_rss_gb": round(peak / 1e9, 2),
              "peak_rss_by_role_gb": {role: round(v / 1e9, 2) for role, v in peaks.items() if v},
              "returncode": process.returncode}
    if process.returncode != 0:
        result["error"] = failure_line(output)
    return result


def _rate(step: dict, clients: int, ceiling: float | None) -> None:
    """Clients per second of a finished step, beside its ceiling and the ratio."""
    if step.get("returncode") != 0 or not step.get("wall_s"):
        return
    step["clients_per_s"] = round(clients / step["wall_s"])
    if ceiling:
        step["ceiling_clients_per_s"] = round(ceiling)
        step["ratio_to_ceiling"] = round(step["clients_per_s"] / ceiling, 3)


def _ceiling(kind: str, *args: str, env: dict[str, str] | None = None) -> float | None:
    """A ceiling measured in its own process (``python -m bench.scale <kind> ...``)."""
    done = subprocess.run([PY, "-m", "bench.scale", kind, *args], cwd=PROJECT_ROOT,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"ceiling {kind} failed: {failure_line(done.stderr)}", flush=True)
        return None
    return float(done.stdout.strip().splitlines()[-1])


def synth_ceiling() -> float:
    """Clients per second of generating one block in memory (no writing)."""
    import numpy as np

    from ml.data.synthetic import BLOCK_CLIENTS, FIRST_ID, generate_block

    ids = FIRST_ID + np.arange(BLOCK_CLIENTS, dtype=np.int64)
    started = time.perf_counter()
    generate_block(1, 0, ids, BLOCK_CLIENTS - 1_600, 5_000_000, 1_000_000)
    return BLOCK_CLIENTS / (time.perf_counter() - started)


def scan_ceiling(data_dir: Path, clients: int) -> float:
    """Clients per second of reading every column of every raw table once (pyarrow)."""
    import pyarrow.dataset as ds

    started = time.perf_counter()
    for path in sorted(data_dir.glob("*.parquet")):
        for _ in ds.dataset(path, format="parquet").to_batches(batch_size=262_144):
            pass
    return clients / (time.perf_counter() - started)


def score_ceiling(features_dir: Path, model_uri: str, processes: int) -> float:
    """Clients per second of ``score_chunk`` on 50,000 feature rows already in memory, times
    the processes that score in parallel."""
    import json as json_module

    import pyarrow.dataset as ds

    from ml.batch.scoring import score_chunk
    from ml.model.loading import load_model

    model = load_model(model_uri)
    dictionary = json_module.loads((features_dir / "feature_dictionary.json").read_text())
    dataset = ds.dataset(features_dir / "features_test.parquet", format="parquet")
    frame = dataset.head(50_000, columns=["SK_ID_CURR", *model.features]).to_pandas()
    started = time.perf_counter()
    score_chunk(model, frame, dictionary)
    return len(frame) / (time.perf_counter() - started) * processes


def _spark_processes(master: str) -> int:
    """Python workers scoring at once: N for local[N], the cores for local[*], else unknown (1)."""
    inside = master.removeprefix("local[").removesuffix("]") if master.startswith("local[") else ""
    if inside == "*":
        return os.cpu_count() or 1
    return int(inside) if inside.isdigit() else 1


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
    only = os.environ.get("SCALE_TRAIN_ONLY", "logreg_class_weight")
    train_dir = work_dir / "train"
    env["MLFLOW_TRACKING_URI"] = f"sqlite:///{work_dir / 'mlruns.db'}"
    env["MLFLOW_ARTIFACT_ROOT"] = str(work_dir / "mlartifacts")
    for step in (["synth", "--clients", clients, "--out", str(train_dir / "raw")],
                 ["features", "--data", str(train_dir / "raw"), "--out", str(train_dir / "features")],
                 ["train", "--quick", "--only", only, "--features", str(train_dir / "features")]):
        outcome = measure([PY, "-m", "ml", *step], env)
        if outcome["returncode"] != 0:
            raise RuntimeError(f"training a benchmark model failed at {step[0]}: {outcome.get('error')}")
    return {"uri": settings().model_uri, "trained_here": True, "train_clients": int(clients),
            "candidate": only}


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
    population = rows.get("application_train", 0) + rows.get("application_test", 0)
    result["population"] = population
    _rate(steps["synth"], population, _ceiling("synth-ceiling", env=env))
    steps["synth"]["rows_per_s"] = round(sum(rows.values()) / steps["synth"]["wall_s"])
    scan = _ceiling("scan-ceiling", str(data_dir), str(population), env=env)
    for engine in engines:
        features_dir = work_dir / f"features-{clients}-{engine}"
        name = f"features_{engine}"
        steps[name] = measure([PY, "-m", "ml", "features", "--engine", engine,
                               "--data", str(data_dir), "--out", str(features_dir)], env)
        steps[name]["input_rows_per_s"] = round(sum(rows.values()) / steps[name]["wall_s"])
        _rate(steps[name], population, scan)
        record(result)
        if steps[name]["returncode"] != 0:
            continue
        name = f"score_batch_{engine}"
        processes = _spark_processes(env["SPARK_MASTER"]) if engine == "spark" else 1
        ceiling = _ceiling("score-ceiling", str(features_dir), model_uri, str(processes), env=env)
        steps[name] = measure([PY, "-m", "ml", "score-batch", "--engine", engine,
                               "--data", str(data_dir), "--features", str(features_dir),
                               "--out", str(work_dir / f"scores-{clients}-{engine}"),
                               "--model", model_uri, "--no-mlflow"], env)
        _rate(steps[name], population, ceiling)
        record(result)
        if os.environ.get("SCALE_KEEP_DATA") != "1":
            shutil.rmtree(features_dir, ignore_errors=True)
            shutil.rmtree(work_dir / f"scores-{clients}-{engine}", ignore_errors=True)
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
    # nothing is collected to the Spark driver (executors write features and scores): 2 g, the
    # issue's bound, whatever the population; DuckDB spills beyond its memory limit
    env = {"PYSPARK_PYTHON": PY, "PYSPARK_DRIVER_PYTHON": PY,
           "SPARK_MASTER": os.environ.get("SPARK_MASTER", "local[2]"),
           "SPARK_DRIVER_MEMORY": os.environ.get("SPARK_DRIVER_MEMORY", "2g"),
           "DUCKDB_MEMORY_LIMIT": os.environ.get("DUCKDB_MEMORY_LIMIT", "4GB"),
           "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
    total_memory = psutil.virtual_memory().total
    report: dict = {"machine": {"cpus": os.cpu_count(), "memory_gb": round(total_memory / 1e9, 1)},
                    "engines": engines, "scales": [],
                    "settings": {k: env[k] for k in ("SPARK_MASTER", "SPARK_DRIVER_MEMORY",
                                                     "DUCKDB_MEMORY_LIMIT")}}
    target = out_dir / "scale.json"

    def record(partial: dict | None = None) -> None:
        scales_now = report["scales"] + ([partial] if partial else [])
        target.write_text(json.dumps({**report, "scales": scales_now}, indent=2))

    report["model"] = _ensure_model(work_dir, env)
    model_uri = report["model"]["uri"]
    for clients in scales:
        print(f"scale benchmark: {clients:,} clients on {', '.join(engines)}", flush=True)
        report["scales"].append(bench_scale(clients, engines, work_dir, model_uri, env, record))
        record()
    return report


CEILINGS = {
    "synth-ceiling": lambda: synth_ceiling(),
    "scan-ceiling": lambda data_dir, clients: scan_ceiling(Path(data_dir), int(clients)),
    "score-ceiling": lambda features_dir, uri, processes: score_ceiling(
        Path(features_dir), uri, int(processes)),
}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in CEILINGS:
        print(CEILINGS[sys.argv[1]](*sys.argv[2:]))
    else:
        print(json.dumps(main(settings().reports_dir / "bench"), indent=2))
