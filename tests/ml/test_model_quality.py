"""Model quality within the policy (issue 15, item 9): LightGBM is constrained to never raise
the risk when an external credit score rises, so its reasons stay consistent; checked on the
session's real registered model by sweeping each score."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ml.training.candidates import MONOTONE_DECREASING, monotone_constraints


def test_constraints_follow_the_feature_order() -> None:
    assert monotone_constraints(["AMT_CREDIT", "EXT_SOURCE_2", "AGE_YEARS", "EXT_SOURCE_MEAN"]) == [0, -1, 0, -1]


def test_a_higher_external_score_never_raises_the_risk(registered_model) -> None:
    from ml.model.loading import load_model

    model = load_model(registered_model.uri)
    constrained = [f for f in MONOTONE_DECREASING if f in model.features]
    assert registered_model.results["champion"]["monotone_decreasing"] == constrained
    assert len(constrained) == len(MONOTONE_DECREASING)
    clients = pd.read_parquet(registered_model.features_dir / "features_train.parquet").head(30)
    rows = clients[model.features].to_numpy("float64")
    grid = np.linspace(0.0, 1.0, 21)
    rose_elsewhere = False
    for feature in constrained:
        column = model.features.index(feature)
        swept = np.repeat(rows, len(grid), axis=0)
        swept[:, column] = np.tile(grid, len(rows))
        probability = model.predict_proba(swept).reshape(len(rows), len(grid))
        assert np.all(np.diff(probability, axis=1) <= 1e-12), feature
        assert np.any(np.diff(probability, axis=1) < 0), f"{feature} never moves the risk"
    # an unconstrained feature may move either way (the constraint is not a global property)
    for feature in ("AMT_CREDIT", "AMT_ANNUITY", "AGE_YEARS"):
        column = model.features.index(feature)
        swept = np.repeat(rows, len(grid), axis=0)
        swept[:, column] = np.tile(np.linspace(clients[feature].min(), clients[feature].max(), len(grid)), len(rows))
        steps = np.diff(model.predict_proba(swept).reshape(len(rows), len(grid)), axis=1)
        rose_elsewhere |= bool(np.any(steps > 0) and np.any(steps < 0))
    assert rose_elsewhere
