"""The registered model: estimator + calibrator + threshold + feature list, as an MLflow pyfunc.

One fitted estimator both scores and explains: its raw score (log-odds) is decomposed into
SHAP contributions (LightGBM's TreeSHAP, or coefficient × standardised value for the linear
model), and an isotonic calibrator fitted on out-of-fold scores maps it to the probability
shown to advisors. ``predict`` returns ``probability_default`` and ``decision``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mlflow.pyfunc
import numpy as np
import pandas as pd

GRANTED = "accordé"
REFUSED = "refusé"


@dataclass
class Calibrator:
    """Isotonic mapping raw probability → calibrated probability, as two arrays (np.interp:
    microseconds per row, no scikit-learn call in the request path)."""

    x: np.ndarray
    y: np.ndarray

    @classmethod
    def from_isotonic(cls, isotonic) -> "Calibrator":
        return cls(np.asarray(isotonic.X_thresholds_, float), np.asarray(isotonic.y_thresholds_, float))

    def __call__(self, probability: np.ndarray) -> np.ndarray:
        return np.clip(np.interp(probability, self.x, self.y), 0.0, 1.0)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class CreditScoringModel(mlflow.pyfunc.PythonModel):
    """Everything needed to score and explain one version of the credit-scoring model."""

    estimator: Any
    kind: str  # "lightgbm" | "linear" | "dummy"
    features: list[str]
    threshold: float
    calibrator: Calibrator | None = None
    metadata: dict = field(default_factory=dict)  # metrics, global importance, dictionary...

    # ----------------------------------------------------------------- scoring
    def matrix(self, X: pd.DataFrame | np.ndarray) -> np.ndarray:
        """Model input as float64 in feature order (missing columns → NaN)."""
        if isinstance(X, pd.DataFrame):
            X = X.reindex(columns=self.features)
            return X.to_numpy(dtype="float64", na_value=np.nan)
        return np.asarray(X, dtype="float64")

    def raw_probability(self, X) -> np.ndarray:
        """The estimator's own (uncalibrated) probability of default."""
        if self.kind == "lightgbm":  # ~20x cheaper than summing the SHAP contributions
            booster = _final_step(self.estimator).booster_
            return _sigmoid(booster.predict(self.matrix(X), raw_score=True, num_threads=1))
        base, contributions = self.explain(X)
        return _sigmoid(base + contributions.sum(axis=1))

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probability of default."""
        return self.calibrate(self.raw_probability(X))

    def calibrate(self, raw_probability: np.ndarray) -> np.ndarray:
        return self.calibrator(raw_probability) if self.calibrator else raw_probability

    def decide(self, probability: float) -> str:
        """Refused when the probability reaches the registered threshold."""
        return REFUSED if probability >= self.threshold else GRANTED

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        probability = self.predict_proba(model_input)
        return pd.DataFrame({
            "probability_default": probability,
            "decision": [self.decide(p) for p in probability],
        })

    # ----------------------------------------------------------------- explanation
    def explain(self, X) -> tuple[float, np.ndarray]:
        """(base value, contributions [n, n_features]) in log-odds: base + row sum = raw score."""
        matrix = self.matrix(X)
        if self.kind == "lightgbm":
            booster = _final_step(self.estimator).booster_
            output = booster.predict(matrix, pred_contrib=True, num_threads=1)
            return float(output[0, -1]), output[:, :-1]
        if self.kind == "linear":
            steps = self.estimator.steps
            transformed = matrix
            for _, step in steps[:-1]:
                if hasattr(step, "transform") and not hasattr(step, "fit_resample"):
                    transformed = step.transform(transformed)
            classifier = steps[-1][1]
            coefficients = classifier.coef_[0]
            return float(classifier.intercept_[0]), transformed * coefficients
        prior = float(np.clip(self.estimator.class_prior_[1], 1e-6, 1 - 1e-6))
        return float(np.log(prior / (1 - prior))), np.zeros_like(matrix)


def _final_step(estimator):
    """The classifier at the end of a (imblearn) Pipeline, or the estimator itself."""
    return estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
