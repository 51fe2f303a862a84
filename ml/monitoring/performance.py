"""Performance estimated before the outcomes arrive: confidence-based performance estimation
(CBPE, as NannyML does). If the probabilities are calibrated, a client scored ``p`` defaults
with probability ``p``; the expected confusion matrix at the threshold, hence the expected
business cost, and the expected AUC follow from the probabilities of recent traffic alone.

The interval is the range the realized value should fall in (95 %) if the model is calibrated
on this traffic: outcomes are drawn from the probabilities many times and the AUC and cost of
each draw measured. What CBPE cannot see is a change of the true risk at equal probabilities
(concept drift): only realized outcomes show that (``ml.monitoring.realized``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ml.config import settings
from ml.monitoring.realized import LEVEL, auc, cost, cost_weights, interval

DRAWS = 400


def expected_cost(p, threshold: float, cost_fn: float | None = None,
                  cost_fp: float | None = None) -> float:
    """Mean expected cost per client: a granted client (p < t) costs cost_fn · p, a refused one
    cost_fp · (1 − p)."""
    default_fn, default_fp = cost_weights()
    cost_fn = default_fn if cost_fn is None else cost_fn
    cost_fp = default_fp if cost_fp is None else cost_fp
    p = np.asarray(p, dtype="float64")
    if p.size == 0:
        return float("nan")
    return float(np.mean(np.where(p >= threshold, cost_fp * (1 - p), cost_fn * p)))


def expected_auc(p) -> float:
    """Expected AUC: over every pair (i, j), the chance that i defaults and j does not, weighted
    by whether i is scored above j (ties half), divided by the expected number of such pairs."""
    p = np.asarray(p, dtype="float64")
    if p.size < 2:
        return float("nan")
    values, inverse = np.unique(p, return_inverse=True)
    positive = np.bincount(inverse, weights=p)          # expected defaults per distinct score
    negative = np.bincount(inverse, weights=1 - p)      # expected non-defaults per distinct score
    below = np.cumsum(negative) - negative              # expected non-defaults scored lower
    same = positive * negative - np.bincount(inverse, weights=p * (1 - p))  # pairs i != j in a tie
    concordant = float(np.sum(positive * below) + 0.5 * np.sum(same))
    pairs = float(p.sum() * (1 - p).sum() - np.sum(p * (1 - p)))
    return concordant / pairs if pairs > 0 else float("nan")


def estimated_performance(p, threshold: float, *, draws: int = DRAWS, seed: int | None = None,
                          cost_fn: float | None = None, cost_fp: float | None = None,
                          level: float = LEVEL) -> dict[str, Any]:
    """Expected AUC and cost at ``threshold`` with the interval a calibrated model's realized
    values fall in."""
    p = np.clip(np.asarray(p, dtype="float64"), 0.0, 1.0)
    rng = np.random.default_rng(settings().random_state if seed is None else seed)
    draw_auc = np.empty(draws)
    draw_cost = np.empty(draws)
    for k in range(draws):
        y = rng.random(p.size) < p
        draw_auc[k] = auc(y, p)
        draw_cost[k] = cost(y, p, threshold, cost_fn, cost_fp)
    auc_low, auc_high = interval(draw_auc, level)
    cost_low, cost_high = interval(draw_cost, level)
    return {"n": int(p.size), "expected_default_rate": float(p.mean()) if p.size else float("nan"),
            "auc": expected_auc(p), "auc_low": auc_low, "auc_high": auc_high,
            "cost": expected_cost(p, threshold, cost_fn, cost_fp), "cost_low": cost_low,
            "cost_high": cost_high, "threshold": float(threshold)}
