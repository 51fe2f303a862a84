"""Business cost and decision threshold: hand-computed costs, brute-force optimum, Bayes value."""
import numpy as np
import pytest

from ml.training.cost import (
    THRESHOLD_GRID,
    bayes_threshold,
    business_cost,
    business_scorer,
    confusion_counts,
    cost_curve,
    f_beta_for_costs,
    optimal_threshold,
)

# Ten clients: three defaulters (0, 1, 5); the model refuses clients 0, 2 and 7.
Y_TRUE = [1, 1, 0, 0, 0, 1, 0, 0, 0, 0]
Y_PRED = [1, 0, 1, 0, 0, 0, 0, 1, 0, 0]


def test_confusion_counts_by_hand() -> None:
    assert confusion_counts(Y_TRUE, Y_PRED) == (5, 2, 2, 1)  # tn, fp, fn, tp


def test_business_cost_is_ten_fn_plus_fp_per_client() -> None:
    # 2 missed defaulters × 10 + 2 refused good clients × 1, over 10 clients.
    assert business_cost(Y_TRUE, Y_PRED) == pytest.approx(2.2)
    assert business_cost(Y_TRUE, Y_PRED, cost_fn=5, cost_fp=2) == pytest.approx(1.4)


def test_business_cost_extremes() -> None:
    assert business_cost(Y_TRUE, Y_TRUE) == 0.0
    assert business_cost(Y_TRUE, [0] * 10) == pytest.approx(3.0)  # grant all: 3 FN × 10 / 10
    assert business_cost(Y_TRUE, [1] * 10) == pytest.approx(0.7)  # refuse all: 7 FP / 10
    assert business_cost([], []) == 0.0


def test_cost_is_normalised_per_client() -> None:
    assert business_cost(Y_TRUE * 7, Y_PRED * 7) == pytest.approx(business_cost(Y_TRUE, Y_PRED))


def test_optimal_threshold_on_a_constructed_case() -> None:
    # Defaulters score 0.3, 0.6, 0.9; good clients 0.1, 0.2, 0.35, 0.5, 0.7. Missing a
    # defaulter costs 10, so the optimum refuses every score ≥ 0.3 (3 FP): the lowest grid
    # threshold above 0.2, i.e. 0.201, at a cost of 3/8 per client.
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    p = np.array([0.3, 0.6, 0.9, 0.1, 0.2, 0.35, 0.5, 0.7])
    threshold, cost = optimal_threshold(y, p)
    assert threshold == pytest.approx(0.201)
    assert cost == pytest.approx(3 / 8)
    # With symmetric costs the best cut moves up to 0.6 (1 FN at 0.3 + 1 FP at 0.7).
    threshold, cost = optimal_threshold(y, p, cost_fn=1, cost_fp=1)
    assert 0.5 < threshold <= 0.6
    assert cost == pytest.approx(2 / 8)


def _brute_force(y, p, cost_fn=10.0, cost_fp=1.0):
    costs = np.array([business_cost(y, (p >= t).astype(int), cost_fn, cost_fp)
                      for t in THRESHOLD_GRID])
    return costs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cost_curve_and_optimum_equal_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.beta(1.2, 8.0, 400)
    y = (rng.random(400) < p).astype(int)
    p[:20] = np.round(p[:20], 2)  # ties exactly on grid thresholds: refused when p >= t
    brute = _brute_force(y, p)
    np.testing.assert_allclose(cost_curve(y, p), brute)
    threshold, cost = optimal_threshold(y, p)
    best = int(np.argmin(brute))  # first minimum: the lowest (cautious) threshold
    assert threshold == pytest.approx(THRESHOLD_GRID[best])
    assert cost == pytest.approx(brute.min())


def test_bayes_threshold_is_one_eleventh() -> None:
    assert bayes_threshold() == pytest.approx(1 / 11)
    assert bayes_threshold(cost_fn=4, cost_fp=1) == pytest.approx(0.2)
    assert f_beta_for_costs() == pytest.approx(np.sqrt(10))


def test_optimum_on_calibrated_probabilities_sits_near_bayes() -> None:
    rng = np.random.default_rng(42)
    p = rng.beta(1.0, 10.0, 200_000)  # perfectly calibrated: y ~ Bernoulli(p)
    y = (rng.random(len(p)) < p).astype(int)
    threshold, _ = optimal_threshold(y, p)
    assert abs(threshold - 1 / 11) < 0.03, threshold


def test_business_scorer_ranks_by_minus_optimal_cost() -> None:
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    p = np.array([0.3, 0.6, 0.9, 0.1, 0.2, 0.35, 0.5, 0.7])

    class Fixed:
        def predict_proba(self, X):
            return np.column_stack([1 - p, p])

    assert business_scorer()(Fixed(), np.zeros((8, 1)), y) == pytest.approx(-3 / 8)
