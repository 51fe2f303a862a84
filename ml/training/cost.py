"""The business cost of credit decisions and the decision threshold that minimises it.

A false negative (a future defaulter granted credit) costs ``cost_fn`` (10 by default), a
false positive (a good client refused) costs ``cost_fp`` (1). The cost is normalised per
client so that data sets of different sizes compare. With calibrated probabilities the
Bayes-optimal threshold is ``cost_fp / (cost_fp + cost_fn)`` (1/11 ≈ 0.09).
"""
from __future__ import annotations

import numpy as np

from ml.config import settings

THRESHOLD_GRID = np.round(np.linspace(0.001, 0.999, 999), 3)


def weights(cost_fn: float | None = None, cost_fp: float | None = None) -> tuple[float, float]:
    """(cost of a false negative, cost of a false positive): the given ones, else COST_FN and
    COST_FP from the settings (10 and 1)."""
    current = settings()
    return (current.cost_fn if cost_fn is None else float(cost_fn),
            current.cost_fp if cost_fp is None else float(cost_fp))


def confusion_counts(y_true, y_pred) -> tuple[int, int, int, int]:
    """(tn, fp, fn, tp) for 0/1 arrays."""
    y_true = np.asarray(y_true).astype(bool)
    y_pred = np.asarray(y_pred).astype(bool)
    tp = int(np.sum(y_true & y_pred))
    fp = int(np.sum(~y_true & y_pred))
    fn = int(np.sum(y_true & ~y_pred))
    tn = int(np.sum(~y_true & ~y_pred))
    return tn, fp, fn, tp


def business_cost(y_true, y_pred, cost_fn: float | None = None,
                  cost_fp: float | None = None) -> float:
    """Mean cost per client: (cost_fn · FN + cost_fp · FP) / n."""
    cost_fn, cost_fp = weights(cost_fn, cost_fp)
    _, fp, fn, _ = confusion_counts(y_true, y_pred)
    n = len(np.asarray(y_true))
    return (cost_fn * fn + cost_fp * fp) / n if n else 0.0


def cost_curve(y_true, probability, thresholds: np.ndarray = THRESHOLD_GRID,
               cost_fn: float | None = None, cost_fp: float | None = None) -> np.ndarray:
    """Cost per client for every threshold (refused when probability >= threshold),
    in O((n + t) log n) with sorted scores rather than one pass per threshold."""
    cost_fn, cost_fp = weights(cost_fn, cost_fp)
    y_true = np.asarray(y_true).astype(bool)
    probability = np.asarray(probability, dtype=float)
    positives = np.sort(probability[y_true])
    negatives = np.sort(probability[~y_true])
    false_negatives = np.searchsorted(positives, thresholds, side="left")  # p < t
    false_positives = len(negatives) - np.searchsorted(negatives, thresholds, side="left")
    return (cost_fn * false_negatives + cost_fp * false_positives) / max(len(y_true), 1)


def optimal_threshold(y_true, probability, cost_fn: float | None = None,
                      cost_fp: float | None = None,
                      thresholds: np.ndarray = THRESHOLD_GRID) -> tuple[float, float]:
    """(threshold, cost per client) minimising the business cost over the grid; ties go to
    the lowest threshold (the cautious side)."""
    costs = cost_curve(y_true, probability, thresholds, cost_fn, cost_fp)
    best = int(np.argmin(costs))
    return float(thresholds[best]), float(costs[best])


def bayes_threshold(cost_fn: float | None = None, cost_fp: float | None = None) -> float:
    """The optimal threshold for perfectly calibrated probabilities."""
    cost_fn, cost_fp = weights(cost_fn, cost_fp)
    return cost_fp / (cost_fp + cost_fn)


def f_beta_for_costs(cost_fn: float | None = None, cost_fp: float | None = None) -> float:
    """β of the F-score that weighs recall as the cost ratio does (β² = cost_fn / cost_fp)."""
    cost_fn, cost_fp = weights(cost_fn, cost_fp)
    return float(np.sqrt(cost_fn / cost_fp))


def business_scorer(cost_fn: float | None = None, cost_fp: float | None = None):
    """A scikit-learn scorer: minus the cost at the threshold optimal on the scored fold
    (greater is better), so a search ranks candidates by business cost."""

    def score(estimator, X, y) -> float:
        probability = estimator.predict_proba(X)[:, 1]
        return -optimal_threshold(y, probability, cost_fn, cost_fp)[1]

    return score
