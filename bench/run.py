"""Run the benchmarks and write reports/bench/summary.md (not timed unit tests: see README)."""
from __future__ import annotations

import importlib
import json
import os
import sys
import time

from ml.config import settings

BENCHMARKS = ["pipeline", "train", "api", "recourse", "portal", "drift", "policy_cost", "replay",
              "shadow"]


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    out_dir = settings().reports_dir / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name in names:
        print(f"\n==> benchmark {name}", flush=True)
        started = time.perf_counter()
        load_before = [round(x, 2) for x in os.getloadavg()]  # other work on a shared machine
        try:
            result = importlib.import_module(f"bench.{name}").main(out_dir)
        except Exception as error:  # a failed benchmark is reported, the others still run
            failures += 1
            result = {"error": f"{type(error).__name__}: {error}"}
        result["bench_wall_s"] = round(time.perf_counter() - started, 1)
        result["load_average_before_1_5_15_min"] = load_before
        (out_dir / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))
        print(json.dumps(result, indent=2, default=str))
    lines = ["# Benchmark results", ""]
    for path in sorted(out_dir.glob("*.json")):
        lines += [f"## {path.stem}", "", "```json", path.read_text(), "```", ""]
    (out_dir / "summary.md").write_text("\n".join(lines))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
