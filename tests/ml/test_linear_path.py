"""The linear model's explanation path: the fitted imputer and scaler applied as NumPy
arithmetic give exactly scikit-learn's numbers (the API's GET /score relies on it)."""
from __future__ import annotations

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from ml.model.scoring import CreditScoringModel, _linear_transform


@pytest.fixture(scope="module")
def pipeline() -> tuple[Pipeline, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 6)) * [1, 10, 100, 0.1, 5, 1]
    X[:, 5] = 3.0  # a constant column: scale_ 1, never a division by zero
    X[rng.random(X.shape) < 0.2] = np.nan
    X[:, 4] = np.nan  # an empty column, kept (keep_empty_features)
    y = (rng.random(400) < 0.3).astype(int)
    steps = Pipeline([("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                      ("scale", StandardScaler()), ("sample", RandomUnderSampler(random_state=0)),
                      ("clf", LogisticRegression(max_iter=500))]).fit(X, y)
    return steps, X


def _sklearn(steps, X):
    for _, step in steps:
        if hasattr(step, "transform") and not hasattr(step, "fit_resample"):
            X = step.transform(X)
    return X


def test_numpy_transform_equals_scikit_learn(pipeline):
    fitted, X = pipeline
    np.testing.assert_array_equal(_linear_transform(fitted.steps[:-1], X),
                                  _sklearn(fitted.steps[:-1], X))


def test_other_steps_still_go_through_scikit_learn(pipeline):
    fitted, X = pipeline
    imputer = SimpleImputer(strategy="mean", add_indicator=True).fit(X)  # not the fast case
    np.testing.assert_array_equal(_linear_transform([("i", imputer)], X), imputer.transform(X))


def test_contributions_add_up_to_the_classifier_log_odds(pipeline):
    fitted, X = pipeline
    model = CreditScoringModel(estimator=fitted, kind="linear",
                               features=[f"f{i}" for i in range(X.shape[1])], threshold=0.5)
    base, contributions = model.explain(X)
    np.testing.assert_allclose(base + contributions.sum(axis=1),
                               fitted.decision_function(X), rtol=1e-10)
