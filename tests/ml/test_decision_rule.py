"""The decision rule ``ml.model.scoring.decide``: refused when the probability *reaches* the
threshold (``>=``), for one probability and vectorised alike; a change to ``>`` fails here."""
from __future__ import annotations

import numpy as np
import pytest

from ml.model.scoring import decide
from vocabulary.decisions import GRANTED, REFUSED

THRESHOLDS = [0.1, 0.37, 0.5, 0.08123456789]


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_a_probability_exactly_at_the_threshold_is_refused(threshold):
    assert decide(threshold, threshold) == REFUSED
    assert decide(np.float64(threshold), threshold) == REFUSED
    below = np.nextafter(threshold, 0.0)
    assert decide(below, threshold) == GRANTED


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_the_vectorised_rule_is_the_same_at_the_edge(threshold):
    probabilities = np.array([np.nextafter(threshold, 0.0), threshold,
                              np.nextafter(threshold, 1.0), 0.0, 1.0])
    assert decide(probabilities, threshold).tolist() == [GRANTED, REFUSED, REFUSED, GRANTED,
                                                         REFUSED]
