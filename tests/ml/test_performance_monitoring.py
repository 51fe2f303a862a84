"""Realized and estimated performance (pure NumPy): each measure against an independent
computation, intervals that cover the truth, and CBPE's estimate that meets the realized
value when the probabilities are calibrated and misses it when the true risk moved."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from ml.monitoring.performance import estimated_performance, expected_auc, expected_cost
from ml.monitoring.realized import auc, cost, deciles, realized_performance


@pytest.fixture(scope="module")
def calibrated() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    p = 1 / (1 + np.exp(-(-2.6 + 1.2 * rng.standard_normal(4_000))))
    return p, (rng.random(p.size) < p).astype(int)


def test_auc_matches_scikit_learn_with_ties(calibrated):
    p, y = calibrated
    rounded = np.round(p, 2)  # many ties
    assert auc(y, rounded) == pytest.approx(roc_auc_score(y, rounded), abs=1e-12)
    assert np.isnan(auc(np.zeros(5), np.linspace(0, 1, 5)))


def test_cost_weighs_a_granted_defaulter_ten_times_a_refused_good_client():
    y = np.array([1, 0, 0, 1])
    p = np.array([0.05, 0.5, 0.01, 0.9])  # threshold 0.1: one FN, one FP
    assert cost(y, p, 0.1) == pytest.approx((10 + 1) / 4)
    assert cost(y, p, 0.1, cost_fn=5, cost_fp=2) == pytest.approx((5 + 2) / 4)


def test_realized_measures_and_their_intervals(calibrated):
    p, y = calibrated
    result = realized_performance(y, p, 0.09, n_boot=200)
    assert result["auc"] == pytest.approx(roc_auc_score(y, p))
    assert result["auc_low"] < result["auc"] < result["auc_high"] < result["auc_low"] + 0.1
    assert result["cost_low"] < result["cost"] < result["cost_high"]
    assert [row["decile"] for row in result["calibration"]] == list(range(1, 11))
    assert sum(row["n"] for row in result["calibration"]) == len(y)
    for row in result["calibration"]:  # calibrated: each decile's CI covers its mean prediction
        assert row["observed_low"] - 0.02 <= row["predicted"] <= row["observed_high"] + 0.02
    assert np.bincount(deciles(np.zeros(50))).tolist() == [5] * 10  # ties still split evenly


def test_the_expected_values_are_exact_on_small_cases():
    p = np.array([0.1, 0.4, 0.8])
    # enumerate the 8 outcome vectors: E[cost] and the ratio of expected pair counts
    assert expected_cost(p, 0.5) == pytest.approx(np.mean([10 * 0.1, 10 * 0.4, 1 * 0.2]))
    concordant = pairs = 0.0
    for i in range(3):
        for j in range(3):
            if i != j:
                weight = p[i] * (1 - p[j])
                pairs += weight
                concordant += weight * (p[i] > p[j])
    assert expected_auc(p) == pytest.approx(concordant / pairs)


def test_the_estimate_meets_the_realized_value_when_calibrated(calibrated):
    p, y = calibrated
    estimate = estimated_performance(p, 0.09, draws=200)
    realized = realized_performance(y, p, 0.09, n_boot=50)
    assert estimate["auc_low"] <= realized["auc"] <= estimate["auc_high"]
    assert estimate["cost_low"] <= realized["cost"] <= estimate["cost_high"]
    assert abs(estimate["auc"] - realized["auc"]) < 0.03


def test_the_estimate_cannot_see_a_rise_of_the_true_risk(calibrated):
    p, _ = calibrated
    truth = 1 / (1 + np.exp(-(np.log(p / (1 - p)) + 1.5)))  # every client riskier than scored
    y = (np.random.default_rng(9).random(p.size) < truth).astype(int)
    estimate = estimated_performance(p, 0.09, draws=200)
    assert realized_performance(y, p, 0.09, n_boot=50)["cost"] > estimate["cost_high"]
