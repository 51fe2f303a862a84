"""Benchmark of the scoring API: ``GET /score/<id>`` (prediction, SHAP reasons, event stored)
under gunicorn (2 workers, LightGBM on one thread) with wrk on 127.0.0.1.

Targets (issue 4): at 50 connections for 60 s, ≥ 800 req/s, p99 ≤ 100 ms, 0 errors and 0 lost
events; at 4 connections, p50 ≤ 10 ms. Measured with SQLite and with PostgreSQL as the event
store, beside the raw model call (predict + contributions) so the web layer's share shows.
Uses the demo champion and features (``make train``). Shorter runs:
``BENCH_API_SECONDS=10 python -m bench.run api``.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from bench.portal import api_server
from ml.config import settings

TOKEN = "bench-api-token-0123456789abcdef012345"
TARGETS = {"rps_50": 800, "p99_ms_50": 100, "p50_ms_4": 10}
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")

WRK_SCRIPT = """
local ids = {%(ids)s}
local counter = 0
request = function()
  counter = counter + 1
  local id = ids[(counter %% #ids) + 1]
  return wrk.format("GET", "/score/" .. id, {["Authorization"] = "Token %(token)s"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def raw_model_call(ids: list[int], features_dir: Path) -> dict:
    """Predict + contributions for one row at a time, in this process, one thread."""
    from ml.model.loading import load_model

    model = load_model(settings().model_uri)
    frames = [pd.read_parquet(features_dir / n) for n in ("features_train.parquet",
                                                            "features_test.parquet")]
    table = pd.concat(frames).set_index("SK_ID_CURR").reindex(columns=model.features)
    rows = table.loc[ids[:1000]].to_numpy("float64")
    times = []
    for row in rows:
        started = time.perf_counter()
        model.score(row.reshape(1, -1))
        times.append((time.perf_counter() - started) * 1000)
    return {"model_version": model.version, "kind": model.kind,
            "features": len(model.features), "rows": len(rows),
            "p50_ms": round(statistics.median(times), 3),
            "p99_ms": round(float(np.percentile(times, 99)), 3)}


def _wrk(url: str, script: Path, connections: int, seconds: int) -> dict:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120,
                            check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    raw = json.loads(line.removeprefix("RESULT "))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {"connections": connections, "seconds": seconds, "requests": raw["requests"],
            "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000, "max_ms": raw["max_us"] / 1000, "errors": errors}


def event_count(database_url: str) -> int:
    if database_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            return connection.execute("SELECT COUNT(*) FROM scoring_predictionevent").fetchone()[0]
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute("SELECT COUNT(*) FROM scoring_predictionevent").fetchone()[0]


def server_memory_mb(port_url: str) -> dict:
    """Memory of the gunicorn serving ``port_url``: each worker's RSS (counts shared pages in
    full), and the proportional total of master + workers (PSS: shared pages split between
    the processes, what a dyno's memory limit sees)."""
    port = port_url.rsplit(":", 1)[1]
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if "gunicorn" in cmdline and f":{port}" in cmdline:
            workers = process.children()
            rss = [w.memory_info().rss / 2**20 for w in workers]
            pss = sum(p.memory_full_info().pss for p in [process, *workers]) / 2**20
            return {"worker_rss_max_mb": round(max(rss), 1), "workers": len(workers),
                    "server_pss_total_mb": round(pss, 1),
                    "server_pss_per_worker_mb": round(pss / max(len(workers), 1), 1)}
    return {}


def _postgres_database() -> str | None:
    try:
        import psycopg

        with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3) as admin:
            name = f"bench_api_{uuid.uuid4().hex[:8]}"
            admin.execute(f'CREATE DATABASE "{name}"')
        return POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    except Exception as error:  # noqa: BLE001 (reported in the results)
        print(f"PostgreSQL unavailable ({error}): SQLite only")
        return None


def _drop_postgres(database_url: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database_url.rsplit("/", 1)[1]}" WITH (FORCE)')


def run_store(store: str, database_url: str, ids: list[int], workdir: Path,
              seconds: int, settings: dict[str, str] | None = None) -> dict:
    script = workdir / "score.lua"
    script.write_text(WRK_SCRIPT % {"ids": ", ".join(map(str, ids)), "token": TOKEN})
    env = {"FEATURES_DIR": str(settings().features_dir), "SCORES_DIR": str(settings().scores_dir),
           "MLFLOW_TRACKING_URI": settings().tracking_uri, "MODEL_URI": settings().model_uri,
           "API_THROTTLE_USER": "100000000/hour", **(settings or {})}
    with api_server(workdir, token=TOKEN, extra_env=env, database_url=database_url) as url:
        _wrk(url, script, 4, 5)  # warm-up: model, features, neighbour index in both workers
        before = event_count(database_url)
        heavy = _wrk(url, script, 50, seconds)
        light = _wrk(url, script, 4, max(seconds // 3, 5))
        stored = event_count(database_url) - before
        memory = server_memory_mb(url)
    answered = heavy["requests"] + light["requests"] - heavy["errors"] - light["errors"]
    return {"store": store, "settings": settings or {}, "c50": heavy, "c4": light, "events_stored": stored,
            "requests_answered": answered,
            "lost_events": answered - stored if stored <= answered else 0,
            "memory": memory,
            "meets_target": heavy["rps"] >= TARGETS["rps_50"]
            and heavy["p99_ms"] <= TARGETS["p99_ms_50"] and heavy["errors"] == 0
            and light["p50_ms"] <= TARGETS["p50_ms_4"] and stored >= answered}


def main(out_dir: Path) -> dict:
    if shutil.which("wrk") is None:
        return {"skipped": "wrk not installed (make system-deps)"}
    clients = pd.read_parquet(settings().features_dir / "clients.parquet")
    ids = clients["SK_ID_CURR"].sample(n=min(2000, len(clients)), random_state=0).tolist()
    seconds = int(os.environ.get("BENCH_API_SECONDS", "60"))
    result: dict = {"targets": TARGETS, "cpu_count": os.cpu_count(),
                    "raw_model_call": raw_model_call(ids, settings().features_dir), "stores": []}
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        result["stores"].append(run_store("sqlite", f"sqlite:///{sqlite_dir / 'api.sqlite3'}",
                                          ids, sqlite_dir, seconds))
        # PostgreSQL with the default durability (synchronous_commit=off, as SQLite's WAL
        # mode), then waiting for the disk flush on every event (=on)
        for synchronous_commit in ("off", "on"):
            postgres = _postgres_database()
            if not postgres:
                break
            pg_dir = Path(tmp) / f"postgres-{synchronous_commit}"
            pg_dir.mkdir()
            try:
                result["stores"].append(run_store(
                    "postgresql", postgres, ids, pg_dir, seconds,
                    settings={"POSTGRES_SYNCHRONOUS_COMMIT": synchronous_commit}))
            finally:
                _drop_postgres(postgres)
    return result
