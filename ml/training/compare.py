"""Comparing model configurations with repeated stratified cross-validation, paired fold by fold.

Every configuration (a feature set and an estimator) is scored on the SAME folds: ``repeats`` ×
``folds`` stratified splits of the training features. On each fold: the AUC of the out-of-fold
scores, and the business cost at the threshold chosen on the other folds of the same repetition
(never on the fold it is measured on). Means come with a 95 % interval (mean ± 1.96 · sd / √n
over the n folds; folds of one repetition overlap in training rows, so the interval is an
approximation), and every configuration is compared with the baseline through the paired
per-fold differences, far tighter than the two intervals side by side.

``python -m ml policy-cost`` measures what the input policy costs: the declared policy against
none (the client's sex allowed), written to ``reports/bench/policy_cost.json`` under a name per
data set (the synthetic demo, the real sample).
"""
from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold

from ml.config import settings
from ml.training.cost import optimal_threshold, weights

REPEATS, FOLDS = 3, 5


@dataclass
class Config:
    """One configuration to compare: its features and a factory of unfitted estimators."""

    features: list[str]
    build: Callable[[], object]


def interval(values) -> dict:  # noqa: ANN001 (array-like)
    values = np.asarray(values, dtype="float64")
    mean = float(values.mean())
    half = 1.96 * float(values.std(ddof=1)) / np.sqrt(len(values)) if len(values) > 1 else float("nan")
    return {"mean": round(mean, 5), "low": round(mean - half, 5), "high": round(mean + half, 5),
            "n": int(len(values))}


def cross_validate(frame: pd.DataFrame, configs: dict[str, Config], baseline: str,
                   repeats: int = REPEATS, folds: int = FOLDS, cost_fn: float | None = None,
                   cost_fp: float | None = None) -> dict:
    """Per configuration: AUC and business cost (mean and 95 % interval over the folds), and
    the paired difference with ``baseline``."""
    cost_fn, cost_fp = weights(cost_fn, cost_fp)
    y = frame["TARGET"].to_numpy(int)
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats,
                                       random_state=settings().random_state)
    splits = list(splitter.split(np.zeros(len(y)), y))
    per_fold: dict[str, dict[str, list[float]]] = {}
    seconds: dict[str, float] = {}
    for name, config in configs.items():
        X = frame[config.features].to_numpy("float64", na_value=np.nan)
        started = time.perf_counter()
        scores = np.zeros((repeats, len(y)))
        for index, (train, test) in enumerate(splits):
            estimator = config.build()
            estimator.fit(X[train], y[train])
            scores[index // folds, test] = estimator.predict_proba(X[test])[:, 1]
        seconds[name] = round(time.perf_counter() - started, 1)
        aucs, costs = [], []
        for index, (_, test) in enumerate(splits):
            oof = scores[index // folds]
            others = np.setdiff1d(np.arange(len(y)), test)
            threshold, _ = optimal_threshold(y[others], oof[others], cost_fn, cost_fp)
            refused = oof[test] >= threshold
            aucs.append(float(roc_auc_score(y[test], oof[test])))
            costs.append(float((cost_fn * np.sum(y[test] & ~refused) + cost_fp * np.sum(~y[test].astype(bool) & refused))
                               / len(test)))
        per_fold[name] = {"auc": aucs, "business_cost": costs}
    result = {}
    for name, metrics in per_fold.items():
        result[name] = {
            "features": len(configs[name].features), "seconds": seconds[name],
            "auc": interval(metrics["auc"]), "business_cost": interval(metrics["business_cost"]),
            "vs_baseline": None if name == baseline else {
                key: interval(np.subtract(metrics[key], per_fold[baseline][key]))
                for key in ("auc", "business_cost")},
        }
    return {"protocol": {"repeats": repeats, "folds": folds, "rows": int(len(y)),
                         "default_rate": round(float(y.mean()), 5), "cost_fn": cost_fn, "cost_fp": cost_fp,
                         "baseline": baseline, "interval": "95 %, mean ± 1.96·sd/√n over the folds"},
            "configs": result}


def champion_estimator(**extra) -> Callable[[], object]:
    """Today's champion configuration: LightGBM with class weights at the search's defaults."""
    from ml.training.candidates import LIGHTGBM_DEFAULTS, candidates

    candidate = next(c for c in candidates() if c.name == "lightgbm_class_weight")
    params = {**LIGHTGBM_DEFAULTS, **{f"clf__{k}": v for k, v in extra.items()}}
    return lambda: candidate.build().set_params(**params)


def policy_cost(features_dir: Path, repeats: int = REPEATS, folds: int = FOLDS) -> dict:
    """The declared input policy against none, same estimator, same folds."""
    from ml.policy.input import load
    from ml.training.train import load_training_data

    policy = load()
    frame, with_policy, _, _ = load_training_data(Path(features_dir), policy)
    every = [c for c in frame.columns if c not in ("SK_ID_CURR", "TARGET")]
    build = champion_estimator()
    measured = cross_validate(frame, {"with_policy": Config(with_policy, build),
                                      "without_policy": Config(every, build)},
                              baseline="with_policy", repeats=repeats, folds=folds)
    return {**measured, "features_dir": str(features_dir), **policy.record(),
            "excluded_features": sorted(set(every) - set(with_policy))}


def write_named(out: Path, name: str, document: dict) -> Path:
    """Merge ``document`` under ``name`` into the JSON file ``out`` (one entry per data set)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    merged = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    merged[name] = document
    out.write_text(json.dumps(merged, indent=2, ensure_ascii=False), encoding="utf-8")
    return out


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    current = settings()
    parser.add_argument("--features", type=Path, default=current.features_dir, help="features folder")
    parser.add_argument("--name", default="synthetic", help="name of this data set in the JSON file")
    parser.add_argument("--out", type=Path, default=current.reports_dir / "bench" / "policy_cost.json")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--folds", type=int, default=FOLDS)


def run(args: argparse.Namespace) -> int:
    document = policy_cost(args.features, args.repeats, args.folds)
    path = write_named(args.out, args.name, document)
    for name, row in document["configs"].items():
        diff = row["vs_baseline"]
        print(f"{args.name:<12} {name:<15} auc {row['auc']['mean']:.4f} [{row['auc']['low']:.4f}, "
              f"{row['auc']['high']:.4f}]  cost {row['business_cost']['mean']:.4f} "
              f"[{row['business_cost']['low']:.4f}, {row['business_cost']['high']:.4f}]"
              + (f"  Δauc {diff['auc']['mean']:+.4f} [{diff['auc']['low']:+.4f}, {diff['auc']['high']:+.4f}]"
                 f"  Δcost {diff['business_cost']['mean']:+.4f} [{diff['business_cost']['low']:+.4f}, "
                 f"{diff['business_cost']['high']:+.4f}]" if diff else ""))
    print(f"written to {path}")
    return 0
