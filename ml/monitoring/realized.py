"""Realized performance: how the model did on the predictions whose outcome is now known.

Pure NumPy, so the API's monitoring (and anything else) can call it: the AUC, the business
cost at the model's stored threshold (weights COST_FN/COST_FP of ``ml.config``, the one home of
the cost weights: a defaulter granted credit costs ten times a good client refused) and the
calibration by decile (mean predicted probability against the observed default rate), each
with a percentile bootstrap confidence interval (clients resampled with replacement).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ml.config import settings

BOOTSTRAP = 400
LEVEL = 0.95
DECILES = 10


def cost_weights() -> tuple[float, float]:
    """(cost of a false negative, cost of a false positive) from the settings (10 and 1)."""
    current = settings()
    return float(current.cost_fn), float(current.cost_fp)


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC AUC by ranks (ties count half); NaN when one class is absent."""
    y = np.asarray(y).astype(bool)
    p = np.asarray(p, dtype="float64")
    positives, n = int(y.sum()), len(y)
    negatives = n - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(n, dtype="float64")
    sorted_p = p[order]
    # average ranks of tied scores
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_p)) + 1]
    ends = np.r_[starts[1:], n]
    average = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(average, ends - starts)
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def cost(y: np.ndarray, p: np.ndarray, threshold: float,
         cost_fn: float | None = None, cost_fp: float | None = None) -> float:
    """Mean cost per client at ``threshold`` (refused when p >= threshold)."""
    default_fn, default_fp = cost_weights()
    cost_fn = default_fn if cost_fn is None else cost_fn
    cost_fp = default_fp if cost_fp is None else cost_fp
    y = np.asarray(y).astype(bool)
    refused = np.asarray(p, dtype="float64") >= threshold
    n = len(y)
    return float((cost_fn * np.sum(y & ~refused) + cost_fp * np.sum(~y & refused)) / n) if n else float("nan")


def deciles(p: np.ndarray, bins: int = DECILES) -> np.ndarray:
    """Decile (0..bins-1) of each probability, by rank: equal-sized groups even with ties."""
    p = np.asarray(p, dtype="float64")
    order = np.argsort(p, kind="mergesort")
    groups = np.empty(len(p), dtype=int)
    groups[order] = (np.arange(len(p)) * bins) // max(len(p), 1)
    return groups


def interval(values: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    values = np.asarray(values, dtype="float64")
    values = values[~np.isnan(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def realized_performance(y, p, threshold: float, *, n_boot: int = BOOTSTRAP, seed: int | None = None,
                         cost_fn: float | None = None, cost_fp: float | None = None,
                         bins: int = DECILES) -> dict[str, Any]:
    """AUC, cost at ``threshold`` and calibration by decile, each with a bootstrap CI."""
    y = np.asarray(y).astype(int)
    p = np.asarray(p, dtype="float64")
    n = len(y)
    seed = settings().random_state if seed is None else seed
    rng = np.random.default_rng(seed)
    groups = deciles(p, bins)
    boot_auc = np.empty(n_boot)
    boot_cost = np.empty(n_boot)
    boot_observed = np.full((n_boot, bins), np.nan)
    for b in range(n_boot):
        index = rng.integers(0, n, n)
        yb, pb = y[index], p[index]
        boot_auc[b] = auc(yb, pb)
        boot_cost[b] = cost(yb, pb, threshold, cost_fn, cost_fp)
        counts = np.bincount(groups[index], minlength=bins)
        defaults = np.bincount(groups[index], weights=yb, minlength=bins)
        with np.errstate(invalid="ignore", divide="ignore"):
            boot_observed[b] = defaults / counts
    calibration = []
    for d in range(bins):
        members = groups == d
        if not members.any():
            continue
        low, high = interval(boot_observed[:, d])
        calibration.append({"decile": d + 1, "n": int(members.sum()),
                            "predicted": float(p[members].mean()), "observed": float(y[members].mean()),
                            "observed_low": low, "observed_high": high})
    auc_low, auc_high = interval(boot_auc)
    cost_low, cost_high = interval(boot_cost)
    return {"n": n, "n_defaults": int(y.sum()), "default_rate": float(y.mean()) if n else float("nan"),
            "auc": auc(y, p), "auc_low": auc_low, "auc_high": auc_high,
            "cost": cost(y, p, threshold, cost_fn, cost_fp), "cost_low": cost_low, "cost_high": cost_high,
            "threshold": float(threshold), "calibration": calibration}
