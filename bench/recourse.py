"""Benchmark of « Accordé si… »: ``GET /score/<id>/recourse`` for refused clients of the demo
champion, served by the API under gunicorn (2 workers, LightGBM on one thread), one request at
a time over 127.0.0.1. Target: p95 ≤ 100 ms per client on 2 cores.

Beside it, in the same run and on the same clients, the floor of one scoring through the same
path: ``GET /score/<id>`` and one what-if ``POST /score`` per client (its first suggestion, which
must grant, or a lower payment): one feature query + one explained score. The recourse costs one
feature query for all its candidates and one explained score: the ratio to the single what-if
says what the search adds. Each phase also reports the server's CPU time per request (psutil on
the gunicorn processes), which the load of this shared machine does not inflate as it does the
wall time; the load average is recorded. ``BENCH_RECOURSE_CLIENTS`` (default 200).
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psutil
import requests
from tqdm import tqdm

from bench.portal import api_server
from ml.config import settings

TOKEN = "bench-recourse-token-0123456789abcdef01"
TARGET_P95_MS = 100.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _summary(times_ms: list[float]) -> dict[str, float]:
    return {"n": len(times_ms), "p50_ms": round(statistics.median(times_ms), 1),
            "p95_ms": round(_percentile(times_ms, 0.95), 1),
            "max_ms": round(max(times_ms), 1)}


def _refused(api: requests.Session, url: str, wanted: int) -> list[int]:
    ids: list[int] = []
    page = 1
    while len(ids) < wanted:
        answer = api.get(f"{url}/clients", params={"decision": "refusé", "page": page,
                                                    "page_size": 100}, timeout=60).json()
        ids += [row["client_id"] for row in answer["results"]]
        if not answer.get("next"):
            break
        page += 1
    return ids[:wanted]


def _server_cpu_s(url: str) -> float:
    """CPU seconds (user + system) used so far by the gunicorn serving ``url`` and its workers:
    what the requests cost, whatever else the shared machine is doing."""
    port = url.rsplit(":", 1)[1]
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if "gunicorn" in cmdline and f":{port}" in cmdline:
            times = [p.cpu_times() for p in [process, *process.children()]]
            return sum(t.user + t.system for t in times)
    return float("nan")


def _phase(url: str, calls: list[Any], label: str) -> tuple[dict[str, float], list[Any]]:
    """Run ``calls`` one at a time: wall time of each, server CPU per call, the responses."""
    times, answers = [], []
    cpu_before = _server_cpu_s(url)
    for call in tqdm(calls, desc=label, unit="req"):
        started = time.perf_counter()
        answers.append(call())
        times.append((time.perf_counter() - started) * 1000)
    cpu_ms = (_server_cpu_s(url) - cpu_before) * 1000 / max(len(calls), 1)
    return {**_summary(times), "server_cpu_ms_per_request": round(cpu_ms, 1)}, answers


def measure(url: str, wanted: int) -> dict[str, Any]:
    api = requests.Session()
    api.headers["Authorization"] = f"Token {TOKEN}"
    ids = _refused(api, url, wanted)
    for client_id in ids[:5]:  # warm-up: both workers load the model, features and query
        api.get(f"{url}/score/{client_id}/recourse", timeout=60)
        api.post(f"{url}/score", json={"base_client_id": client_id, "AMT_ANNUITY": 10_000.0},
                 timeout=60)
    recourse, answers = _phase(url, [
        (lambda i=i: api.get(f"{url}/score/{i}/recourse", timeout=60)) for i in ids], "recourse")
    bodies = [a.json() for a in answers if a.status_code == 200]
    errors = len(answers) - len(bodies)
    score, _ = _phase(url, [(lambda i=i: api.get(f"{url}/score/{i}", timeout=60)) for i in ids],
                      "score")
    # one what-if per client: the first suggestion when there is one (it must grant), else a
    # lower payment; either way one feature query and one explained score, the recourse's floor
    changes = [(b["client_id"], b["suggestions"][0]["changes"] if b["suggestions"]
                else {"AMT_ANNUITY": 10_000.0}, bool(b["suggestions"])) for b in bodies]
    whatif, simulated = _phase(url, [
        (lambda i=i, c=c: api.post(f"{url}/score", json={"base_client_id": i, **c}, timeout=60))
        for i, c, _ in changes], "what-if")
    not_granted = sum(found and answer.json().get("decision") != "accordé"
                      for (_, _, found), answer in zip(changes, simulated))
    statuses = Counter(b["status"] for b in bodies)
    levers = Counter(s["lever"] for b in bodies for s in b["suggestions"])
    candidates = [b["candidates_scored"] for b in bodies]
    result: dict[str, Any] = {
        "clients": len(bodies), "errors": errors, "suggestions_not_granting": not_granted,
        "statuses": dict(statuses), "levers": dict(levers),
        "candidates_scored_mean": round(statistics.fmean(candidates), 1) if candidates else None,
        "recourse": recourse, "score": score, "whatif": whatif, "target_p95_ms": TARGET_P95_MS,
        "recourse_to_whatif_p95": round(recourse["p95_ms"] / whatif["p95_ms"], 2),
        "recourse_to_score_p95": round(recourse["p95_ms"] / score["p95_ms"], 2),
        "recourse_to_whatif_cpu": round(recourse["server_cpu_ms_per_request"]
                                        / whatif["server_cpu_ms_per_request"], 2),
    }
    result["meets_target"] = errors == 0 and not_granted == 0 \
        and recourse["p95_ms"] <= TARGET_P95_MS
    return result


def main(out_dir: Path) -> dict[str, Any]:
    wanted = int(os.environ.get("BENCH_RECOURSE_CLIENTS", "200"))
    env = {"FEATURES_DIR": str(settings().features_dir), "SCORES_DIR": str(settings().scores_dir),
           "MLFLOW_TRACKING_URI": settings().tracking_uri, "MODEL_URI": settings().model_uri,
           "API_THROTTLE_USER": "100000000/hour"}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-recourse-") as tmp, \
            api_server(Path(tmp), token=TOKEN, extra_env=env) as url:
        result = measure(url, wanted)
    result.update({"cpu_count": os.cpu_count(), "server": "gunicorn, 2 workers, --preload",
                   "load_average_1m": {"before": round(load_before[0], 2),
                                       "after": round(os.getloadavg()[0], 2)}})
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(main(Path(tempfile.gettempdir())), indent=2))
