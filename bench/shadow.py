"""The latency cost of the challenger in shadow (issue 15 item 7): the same sequential
``GET /score/<id>`` calls against the API under gunicorn, without a challenger (the ceiling:
the champion alone) and with one (the champion's model registered again as a challenger, so
both score the same work), in the same run. Reports p50/p95 of each, their ratio, and the
challenger's own time stored on the events. The registry is copied to a temporary folder: the
demo registry is never changed. ``BENCH_SHADOW_REQUESTS`` (default 300)."""
from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import requests

from bench.portal import api_server
from ml.config import settings

SHADOW_NAME_SUFFIX = "-shadow-bench"


def _percentiles(values: list[float]) -> dict[str, float]:
    p50, p95 = np.percentile(values, [50, 95])
    return {"p50_ms": round(float(p50), 2), "p95_ms": round(float(p95), 2),
            "mean_ms": round(statistics.fmean(values), 2)}


def _interleaved(urls: dict[str, str], token: str, ids: list[int]) -> dict[str, list[float]]:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    labels = list(urls)
    for url in urls.values():
        for client_id in ids[:20]:  # warm-up: model loads, caches
            session.get(f"{url}/score/{client_id}", timeout=60).raise_for_status()
    times: dict[str, list[float]] = {label: [] for label in labels}
    for i, client_id in enumerate(ids):
        for label in (labels if i % 2 == 0 else labels[::-1]):
            started = time.perf_counter()
            session.get(f"{urls[label]}/score/{client_id}", timeout=60).raise_for_status()
            times[label].append((time.perf_counter() - started) * 1000)
    return times


def measure(*, tracking_uri: str, model_uri: str, features_dir: Path, requests_n: int,
            workdir: Path) -> dict[str, Any]:
    import mlflow

    from ml.model.loading import resolve

    source_db = Path(tracking_uri.removeprefix("sqlite:///"))
    copy = workdir / "mlruns.db"
    shutil.copy(source_db, copy)
    copy_uri = f"sqlite:///{copy}"
    name, version, _ = resolve(model_uri)
    client = mlflow.MlflowClient(tracking_uri=copy_uri)
    source = client.get_model_version(name, version).source
    shadow = name + SHADOW_NAME_SUFFIX
    mlflow.set_tracking_uri(copy_uri)
    shadow_version = mlflow.register_model(source, shadow).version
    client.set_registered_model_alias(shadow, "challenger", shadow_version)
    ids = pd.read_parquet(features_dir / "clients.parquet", columns=["SK_ID_CURR"])["SK_ID_CURR"]
    ids = ids.sample(n=min(requests_n, len(ids)), random_state=settings().random_state).astype(int).tolist()
    result: dict[str, Any] = {"requests": len(ids), "champion": f"{name} v{version}",
                              "method": "both servers up at once, calls interleaved (A, B, B, A...) "
                                        "so that the shared machine's load hits both alike"}
    token = "shadow-bench-token-0123456789"
    labels = {"without_challenger": "", "with_challenger": f"models:/{shadow}@challenger"}
    with contextlib.ExitStack() as stack:
        urls = {}
        for label, challenger in labels.items():
            folder = workdir / label
            folder.mkdir()
            env = {"MLFLOW_TRACKING_URI": copy_uri, "MODEL_URI": f"models:/{name}/{version}",
                   "FEATURES_DIR": str(features_dir), "SCORES_DIR": str(workdir / "scores"),
                   "CHALLENGER_MODEL_URI": challenger}
            urls[label] = stack.enter_context(api_server(folder, token=token, extra_env=env, workers=1))
        times = _interleaved(urls, token, ids)
    for label in labels:
        result[label] = _percentiles(times[label])
        with sqlite3.connect(workdir / label / "api.sqlite3") as connection:
            shadow_ms = [row[0] for row in connection.execute(
                "SELECT challenger_latency_ms FROM scoring_predictionevent WHERE challenger_latency_ms IS NOT NULL")]
        result[label]["events_with_shadow"] = len(shadow_ms)
        if shadow_ms:
            result[label]["challenger_ms_p50"] = round(float(np.median(shadow_ms)), 3)
            result[label]["challenger_ms_p95"] = round(float(np.percentile(shadow_ms, 95)), 3)
    base, shadowed = result["without_challenger"], result["with_challenger"]
    result["ratio_p50"] = round(shadowed["p50_ms"] / base["p50_ms"], 3)
    result["ratio_p95"] = round(shadowed["p95_ms"] / base["p95_ms"], 3)
    result["added_p50_ms"] = round(shadowed["p50_ms"] - base["p50_ms"], 2)
    return result


def main(out_dir: Path) -> dict[str, Any]:
    current = settings()
    with tempfile.TemporaryDirectory(prefix="shadow-") as tmp:
        return measure(tracking_uri=current.tracking_uri, model_uri=current.model_uri,
                       features_dir=current.features_dir,
                       requests_n=int(os.environ.get("BENCH_SHADOW_REQUESTS", 300)), workdir=Path(tmp))
