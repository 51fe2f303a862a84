"""What the input policy costs: AUC and business cost with and without it (the client's sex
allowed), same LightGBM, same repeated stratified folds, on the demo's synthetic features and,
when `make real-sample` has built them, on the real sample's (``ml.training.compare``).
Written to reports/bench/policy_cost.json, one entry per data set (the note's section 9.1)."""
from __future__ import annotations

from pathlib import Path

from ml.config import PROJECT_ROOT, settings
from ml.training.compare import policy_cost

REAL_SAMPLE_FEATURES = PROJECT_ROOT / "data" / "real-sample-features"


def main(out_dir: Path) -> dict:
    result = {"synthetic": policy_cost(settings().features_dir)}
    if (REAL_SAMPLE_FEATURES / "features_train.parquet").is_file():
        result["real_sample"] = policy_cost(REAL_SAMPLE_FEATURES)
    return result
