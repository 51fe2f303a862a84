"""``python -m ml simulate-production``: a production you can replay.

The clients of ``application_test`` apply through the **running** scoring API (real HTTP,
``GET /score/<id>`` with a token), and the outcomes the lender would learn months later are
drawn from the generator's true probability of default (``truth.parquet``, never read by the
pipeline). Two scenarios:

- ``faithful``: every test client once; outcomes drawn from the true risk;
- ``degraded``: a population shift the model never saw. A segment (the clients whose external
  score EXT_SOURCE_2 is in the lowest ``SEGMENT_SHARE`` of the test table) makes most of the
  traffic, and its true risk rises (log-odds + ``RISK_SHIFT``, e.g. the closing of an employer
  the data does not show). The mix moves the probabilities the model serves (the estimate sees
  it before any outcome); the rise of the true risk is seen only by realized outcomes.

Writes the outcomes file (``client_id, outcome_date, defaulted``: feed it to ``python -m ml
outcomes import`` after a first ``manage.py monitor``) and a JSON summary of the traffic.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ml.config import settings
from ml.data.load import load_table
from ml.data.schema import ID_COLUMN
from ml.data.synthetic import TRUTH_FILE
from ml.errors import DataValidationError, MLError

SCENARIOS = ("faithful", "degraded")
SEGMENT_SHARE = 0.3    # the segment: lowest 30 % of EXT_SOURCE_2 (missing scores included)
SEGMENT_TRAFFIC = 0.95  # its share of the degraded traffic
RISK_SHIFT = 2.0        # log-odds added to the segment's true risk


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def population(data_dir: Path, scenario: str, *, seed: int, clients: int | None = None) -> pd.DataFrame:
    """The replayed clients: ``client_id``, ``segment`` (bool), ``true_probability`` (after the
    planted change for ``degraded``)."""
    truth_path = data_dir / TRUTH_FILE
    if not truth_path.is_file():
        raise DataValidationError(f"{truth_path} missing: replays need the synthetic data's truth "
                                  "(`python -m ml synth`); real data has no known true risk")
    test = load_table("application_test", data_dir, columns=[ID_COLUMN, "EXT_SOURCE_2"])
    truth = pd.read_parquet(truth_path, columns=[ID_COLUMN, "default_probability"])
    frame = test.merge(truth, on=ID_COLUMN, how="inner")
    if frame.empty:
        raise DataValidationError(f"{truth_path} has no client of application_test")
    score = frame["EXT_SOURCE_2"].astype(float).fillna(-1.0)
    frame["segment"] = score <= score.quantile(SEGMENT_SHARE)
    rng = np.random.default_rng(seed)
    if scenario == "degraded":
        segment, others = frame[frame["segment"]], frame[~frame["segment"]]
        n_others = min(len(others), int(round(len(segment) * (1 - SEGMENT_TRAFFIC) / SEGMENT_TRAFFIC)))
        frame = pd.concat([segment, others.sample(n=n_others, random_state=seed)])
        shifted = 1 / (1 + np.exp(-(_logit(frame["default_probability"].to_numpy()) + RISK_SHIFT)))
        frame["true_probability"] = np.where(frame["segment"], shifted, frame["default_probability"])
    else:
        frame["true_probability"] = frame["default_probability"]
    if clients is not None and clients < len(frame):
        frame = frame.sample(n=clients, random_state=seed)
    frame = frame.sample(frac=1.0, random_state=int(rng.integers(1 << 31)))  # arrival order
    return frame.rename(columns={ID_COLUMN: "client_id"})[["client_id", "segment", "true_probability"]]


def send(client_ids: list[int], *, url: str, token: str, workers: int = 4,
         timeout: float = 60.0) -> list[dict[str, Any]]:
    """``GET /score/<id>`` for each client through the API; one answer (or error) per client."""
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    base = url.rstrip("/")

    def one(client_id: int) -> dict[str, Any]:
        try:
            response = session.get(f"{base}/score/{client_id}", timeout=timeout)
        except requests.RequestException as error:
            return {"client_id": client_id, "status": None, "error": str(error)}
        if response.status_code != 200:
            return {"client_id": client_id, "status": response.status_code, "error": response.text[:200]}
        body = response.json()
        return {"client_id": client_id, "status": 200, "probability_default": body["probability_default"],
                "decision": body["decision"], "model_version": body["model"]["version"]}

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, client_ids))


def simulate(*, data_dir: Path, scenario: str, url: str, token: str, outcomes_path: Path,
             seed: int, clients: int | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Send the scenario's traffic, draw the outcomes, write them; the traffic's summary."""
    if scenario not in SCENARIOS:
        raise MLError(f"unknown scenario {scenario!r} (expected {', '.join(SCENARIOS)})")
    if not token:
        raise MLError("OUTCOMES_API_TOKEN must be set (a token of the scoring API)")
    replayed = population(data_dir, scenario, seed=seed, clients=clients)
    answers = pd.DataFrame(send(replayed["client_id"].astype(int).tolist(), url=url, token=token))
    failed = answers[answers["status"] != 200]
    if len(failed):
        raise MLError(f"{len(failed)} of {len(answers)} requests failed, e.g. client "
                      f"{failed.iloc[0]['client_id']}: {failed.iloc[0]['status']} {failed.iloc[0]['error']}")
    rng = np.random.default_rng(seed + 1)
    defaulted = (rng.random(len(replayed)) < replayed["true_probability"].to_numpy()).astype(int)
    outcomes = pd.DataFrame({"client_id": replayed["client_id"].astype(int),
                             "outcome_date": (today or dt.date.today()).isoformat(), "defaulted": defaulted})
    outcomes_path.parent.mkdir(parents=True, exist_ok=True)
    outcomes.to_csv(outcomes_path, index=False)
    merged = replayed.merge(answers, on="client_id")
    return {"scenario": scenario, "sent": int(len(answers)), "answered": int((answers["status"] == 200).sum()),
            "segment_share": float(replayed["segment"].mean()),
            "mean_probability_served": float(merged["probability_default"].mean()),
            "mean_true_probability": float(replayed["true_probability"].mean()),
            "observed_default_rate": float(defaulted.mean()),
            "refusal_rate": float((merged["decision"] == "refusé").mean()),
            "model_versions": sorted(set(map(str, merged["model_version"]))),
            "outcomes_file": str(outcomes_path),
            "planted": ({"segment": f"EXT_SOURCE_2 in the lowest {SEGMENT_SHARE:.0%} of application_test",
                         "segment_traffic": SEGMENT_TRAFFIC, "risk_shift_log_odds": RISK_SHIFT}
                        if scenario == "degraded" else None)}


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--scenario", choices=SCENARIOS, default="faithful")
    parser.add_argument("--data", type=Path, default=None,
                        help="synthetic data with truth.parquet (default SYNTHETIC_DATA_DIR)")
    parser.add_argument("--url", default=None, help="the running scoring API (default OUTCOMES_API_URL)")
    parser.add_argument("--clients", type=int, default=None, help="at most this many clients")
    parser.add_argument("--seed", type=int, default=None, help="default RANDOM_STATE")
    parser.add_argument("--outcomes", type=Path, default=None,
                        help="where to write the outcomes CSV (default reports/replay/<scenario>-outcomes.csv)")


def run(args: argparse.Namespace) -> int:
    current = settings()
    outcomes = args.outcomes or current.reports_dir / "replay" / f"{args.scenario}-outcomes.csv"
    summary = simulate(data_dir=args.data or current.synthetic_data_dir, scenario=args.scenario,
                       url=args.url or current.outcomes_api_url, token=current.outcomes_api_token,
                       outcomes_path=outcomes, seed=current.random_state if args.seed is None else args.seed,
                       clients=args.clients)
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"next: `manage.py monitor` (estimate), then `python -m ml outcomes import {outcomes}` and "
          "`manage.py monitor` again (realized)")
    return 0
