"""The production replay: the performance alert must fire on the degraded scenario only, first
on the estimate (before any outcome), then on the realized outcomes.

For each scenario (``faithful``, ``degraded``), on a fresh API database: the API runs under
gunicorn on the champion, ``python -m ml simulate-production`` sends application_test through
it, ``manage.py monitor`` runs (estimate), the outcomes are imported with ``python -m ml
outcomes import`` (real HTTP, the outcomes token) and ``manage.py monitor`` runs again
(realized). Writes reports/bench/replay.json (alerts fired at each step, estimate against
realized). ``BENCH_REPLAY_CLIENTS`` caps the replayed clients. The shadow's latency cost is
measured too when a challenger is registered (``latency`` below, p50/p95 of the API with and
without it).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.portal import api_server
from ml.config import PROJECT_ROOT, settings
from ml.monitoring.outcomes import import_file
from ml.monitoring.replay import SCENARIOS, simulate

REPLAY_TOKEN = "replay-outcomes-token-0123456789abcdef"


def _manage(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def _step(summary: dict[str, Any]) -> dict[str, Any]:
    champion = [m for m in summary["measures"] if m["role"] == "champion"]
    return {"alerts": sorted({a["kind"] for a in summary["alerts"]}),
            "messages": [a["message"] for a in summary["alerts"]],
            "measures": champion, "challenger": summary.get("challenger")}


def replay_scenario(scenario: str, *, workdir: Path, data_dir: Path, server_env: dict[str, str],
                    seed: int, clients: int | None = None, database_url: str | None = None) -> dict[str, Any]:
    """One scenario end to end on its own database; what each monitor run saw."""
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = database_url or f"sqlite:///{workdir / 'api.sqlite3'}"
    env = {**os.environ, **server_env, "DJANGO_SETTINGS_MODULE": "scoring_api.config.settings.local",
           "DJANGO_PROJECT": "scoring_api", "DATABASE_URL": database_url, "OMP_NUM_THREADS": "1",
           "MONITORING_REPORTS_DIR": str(workdir / "monitoring"), "MONITORING_ALERT_EMAILS": "",
           "MONITORING_WEBHOOK_URL": "", "CHALLENGER_REPORT": str(workdir / "challenger.json")}
    with api_server(workdir, token="replay-portal-token-0123456789", extra_env=env,
                    database_url=database_url) as url:
        _manage(["outcomes_token", "replay-risk-system", "--key", REPLAY_TOKEN], env)
        started = time.perf_counter()
        traffic = simulate(data_dir=data_dir, scenario=scenario, url=url, token=REPLAY_TOKEN,
                           outcomes_path=workdir / "outcomes.csv", seed=seed, clients=clients)
        traffic["traffic_s"] = round(time.perf_counter() - started, 2)
        estimate_json, realized_json = workdir / "monitor-estimate.json", workdir / "monitor-realized.json"
        _manage(["monitor", "--hours", "2", "--json", str(estimate_json)], env)
        imported = import_file(workdir / "outcomes.csv", url=url, token=REPLAY_TOKEN)
        _manage(["monitor", "--hours", "2", "--json", str(realized_json)], env)
    estimate = _step(json.loads(estimate_json.read_text()))
    realized = _step(json.loads(realized_json.read_text()))
    return {"traffic": traffic, "imported": imported, "estimate": estimate, "realized": realized,
            "alert_on_estimate": any(k.startswith("estimated_") for k in estimate["alerts"]),
            "alert_on_realized": any(k.startswith("realized_") for k in realized["alerts"])}


def replay(*, workdir: Path, data_dir: Path, server_env: dict[str, str], seed: int,
           clients: int | None = None, database_url_for=None) -> dict[str, Any]:  # noqa: ANN001
    """Both scenarios; ``ok`` when the alerts fire on the degraded replay only."""
    results = {scenario: replay_scenario(scenario, workdir=workdir / scenario, data_dir=data_dir,
                                         server_env=server_env, seed=seed, clients=clients,
                                         database_url=database_url_for(scenario) if database_url_for else None)
               for scenario in SCENARIOS}
    faithful, degraded = results["faithful"], results["degraded"]
    results["ok"] = (not faithful["alert_on_estimate"] and not faithful["alert_on_realized"]
                     and degraded["alert_on_estimate"] and degraded["alert_on_realized"])
    return results


def main(out_dir: Path) -> dict[str, Any]:
    current = settings()
    clients = int(os.environ["BENCH_REPLAY_CLIENTS"]) if os.environ.get("BENCH_REPLAY_CLIENTS") else None
    server_env = {"FEATURES_DIR": str(current.features_dir), "MODEL_URI": current.model_uri,
                  "MLFLOW_TRACKING_URI": current.tracking_uri, "MONITORING_FEATURES_DIR": str(current.features_dir)}
    with tempfile.TemporaryDirectory(prefix="replay-") as tmp:
        result = replay(workdir=Path(tmp), data_dir=current.synthetic_data_dir, server_env=server_env,
                        seed=current.random_state, clients=clients)
    for scenario in SCENARIOS:  # the temporary paths are gone: keep the numbers
        result[scenario]["traffic"].pop("outcomes_file", None)
    result["bounds"] = {"MONITORING_AUC_DROP": float(os.environ.get("MONITORING_AUC_DROP", 0.05)),
                        "MONITORING_COST_RISE": float(os.environ.get("MONITORING_COST_RISE", 0.2)),
                        "MONITORING_MIN_OUTCOMES": int(os.environ.get("MONITORING_MIN_OUTCOMES", 200))}
    return result
