"""Population stability index (PSI): how far a score or feature distribution has moved.

PSI = sum over bins of (current% - reference%) * ln(current% / reference%), with bins cut at
the reference's quantiles so each reference bin holds about the same share. Usual reading:
< 0.1 stable, 0.1-0.2 moderate shift, > 0.2 significant shift (the alert threshold).
"""
from __future__ import annotations

import numpy as np
import numpy.typing as npt

# A bin empty on one side would make ln(0): floor the shares, the usual convention.
EPSILON = 1e-4


def quantile_edges(reference: npt.ArrayLike, bins: int = 10) -> np.ndarray:
    """Inner bin edges at the reference's quantiles (ties merged, so fewer bins on discrete data)."""
    values = _finite(reference)
    if values.size == 0:
        raise ValueError("PSI needs at least one finite reference value")
    if bins < 2:
        raise ValueError(f"PSI needs at least 2 bins, got {bins}")
    inner = np.quantile(values, np.linspace(0, 1, bins + 1)[1:-1])
    return np.unique(inner)


def population_stability_index(
    reference: npt.ArrayLike, current: npt.ArrayLike, bins: int = 10
) -> float:
    """PSI of ``current`` against ``reference`` on ``bins`` reference-quantile bins (NaN ignored)."""
    ref_values, cur_values = _finite(reference), _finite(current)
    if cur_values.size == 0:
        raise ValueError("PSI needs at least one finite current value")
    edges = quantile_edges(ref_values, bins)
    ref_share = _shares(ref_values, edges)
    cur_share = _shares(cur_values, edges)
    return float(np.sum((cur_share - ref_share) * np.log(cur_share / ref_share)))


def _shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share of values per bin; bin i is (edges[i-1], edges[i]] as in pandas.qcut."""
    counts = np.bincount(np.searchsorted(edges, values, side="left"), minlength=edges.size + 1)
    return np.maximum(counts / values.size, EPSILON)


def _finite(values: npt.ArrayLike) -> np.ndarray:
    array = np.asarray(values, dtype="float64").ravel()
    return array[np.isfinite(array)]
