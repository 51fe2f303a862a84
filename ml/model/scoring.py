"""The registered model: estimator + calibrator + threshold + feature list, as an MLflow pyfunc.

One class scores, decides and explains, wherever it runs (API, batch, drift, report). One fitted
estimator both scores and explains: its raw score (log-odds) is decomposed into SHAP
contributions (LightGBM's TreeSHAP, or coefficient × standardised value for the linear model),
and a calibrator fitted on out-of-fold scores maps it to the probability shown to advisors.
The threshold lives here only: the decision rule is ``decide``. ``load_model`` sets the
registry identity (name, version, run) of a loaded version.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mlflow.pyfunc
import numpy as np
import pandas as pd

from vocabulary.decisions import GRANTED, REFUSED


@dataclass
class Calibrator:
    """Isotonic mapping raw probability → calibrated probability, as two arrays (np.interp:
    microseconds per row, no scikit-learn call in the request path). A staircase: versions
    trained since issue 15 use ``BetaCalibrator``; this one stays so that older ones load."""

    x: np.ndarray
    y: np.ndarray

    @classmethod
    def from_isotonic(cls, isotonic) -> "Calibrator":
        return cls(np.asarray(isotonic.X_thresholds_, float), np.asarray(isotonic.y_thresholds_, float))

    def __call__(self, probability: np.ndarray) -> np.ndarray:
        return np.clip(np.interp(probability, self.x, self.y), 0.0, 1.0)


# The smooth calibrator never returns exactly 0 or 1: probabilities stay inside this margin.
PROBABILITY_FLOOR = 1e-6


def _log_terms(probability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ln p, −ln(1 − p)) of raw probabilities kept strictly inside (0, 1)."""
    p = np.clip(np.asarray(probability, dtype="float64"), 1e-15, 1 - 1e-15)
    return np.log(p), -np.log1p(-p)


@dataclass
class BetaCalibrator:
    """Beta calibration (Kull, Silva Filho & Flach, 2017): logit(q) = a·ln p − b·ln(1 − p) + c
    with a, b ≥ 0 (a + b > 0 when the scores carry any signal).

    Smooth and strictly increasing, so distinct raw scores keep distinct probabilities and the
    ranking (the AUC) is untouched; never exactly 0 or 1, so a what-if always moves the
    probability. It replaces the isotonic staircase (``Calibrator``, kept so that versions
    registered with it still load): three numbers, microseconds per row.
    """

    a: float
    b: float
    c: float

    @classmethod
    def fit(cls, raw_probability: np.ndarray, y: np.ndarray) -> "BetaCalibrator":
        """Maximum likelihood on out-of-fold raw probabilities; a coefficient that comes out
        negative is set to 0 and the other refitted (the map stays increasing)."""
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(y, dtype=int)
        terms = np.column_stack(_log_terms(raw_probability))
        prior = float(np.clip(y.mean(), PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR))
        for columns in ((0, 1), (1,), (0,)):
            if np.ptp(terms[:, columns], axis=0).min() <= 0:
                continue
            fitted = LogisticRegression(C=1e6, max_iter=1000).fit(terms[:, columns], y)
            coefficients = dict(zip(columns, fitted.coef_[0]))
            if all(value > 0 for value in coefficients.values()):
                return cls(float(coefficients.get(0, 0.0)), float(coefficients.get(1, 0.0)),
                           float(fitted.intercept_[0]))
        return cls(0.0, 0.0, float(np.log(prior / (1 - prior))))  # scores without signal

    def __call__(self, probability: np.ndarray) -> np.ndarray:
        log_p, minus_log_q = _log_terms(probability)
        calibrated = sigmoid(self.a * log_p + self.b * minus_log_q + self.c)
        return np.clip(calibrated, PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR)


def sigmoid(log_odds: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-log_odds))


def decide(probability: float | np.ndarray, threshold: float) -> str | np.ndarray:
    """The decision rule: refused when the probability reaches the threshold (``>=``).

    A scalar gives a word, an array an array of words (one vectorised rule for the API, the
    population statistics and batch scoring).
    """
    if np.ndim(probability) == 0:
        return REFUSED if float(probability) >= threshold else GRANTED
    return np.where(np.asarray(probability, dtype="float64") >= threshold, REFUSED, GRANTED)


@dataclass
class CreditScoringModel(mlflow.pyfunc.PythonModel):
    """Everything needed to score and explain one version of the credit-scoring model."""

    estimator: Any
    kind: str  # "lightgbm" | "linear" | "dummy"
    features: list[str]
    threshold: float
    calibrator: BetaCalibrator | Calibrator | None = None
    metadata: dict = field(default_factory=dict)  # metrics, global importance, dictionary...
    # registry identity, set by ``ml.model.loading.load_model`` (empty before registration)
    name: str = ""
    version: str = ""
    run_id: str = ""

    # ----------------------------------------------------------------- what training recorded
    @property
    def metrics(self) -> dict:
        return dict(self.metadata.get("metrics", {}))

    @property
    def global_importance(self) -> list[dict]:
        return list(self.metadata.get("global_importance", []))

    @property
    def dictionary(self) -> dict:
        return dict(self.metadata.get("dictionary", {}))

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
            return sigmoid(booster.predict(self.matrix(X), raw_score=True, num_threads=1))
        base, contributions = self.explain(X)
        return sigmoid(base + contributions.sum(axis=1))

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probability of default."""
        return self.calibrate(self.raw_probability(X))

    def calibrate(self, raw_probability: np.ndarray) -> np.ndarray:
        return self.calibrator(raw_probability) if self.calibrator else raw_probability

    def decide(self, probability: float | np.ndarray) -> str | np.ndarray:
        """This version's decision for one probability or an array of them."""
        return decide(probability, self.threshold)

    def score(self, X) -> tuple[np.ndarray, float, np.ndarray]:
        """(calibrated probabilities, base value, contributions) with one model call."""
        base, contributions = self.explain(X)
        return self.calibrate(sigmoid(base + contributions.sum(axis=1))), base, contributions

    def probability_points(self, base_value: float, contributions: np.ndarray,
                           probability: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """(starting probability, contributions as probability differences [n, n_features]).

        The starting point common to every client is the calibrated probability of the base
        value. Each row's log-odds contributions are converted at one rate, the secant slope
        from the starting point to that row's probability: the converted effects keep their
        sign and their proportions, and add up exactly to (probability − starting point), where
        converting each effect alone would not (the sigmoid and the calibration are not linear).
        """
        contributions = np.atleast_2d(np.asarray(contributions, dtype="float64"))
        starts = self.__dict__.setdefault("_starts", {})  # one base value per version
        start = starts.get(base_value)
        if start is None:
            start = starts[base_value] = float(
                self.calibrate(sigmoid(np.array([float(base_value)])))[0])
        totals = contributions.sum(axis=1)
        if probability is None:  # ``score`` gave it already
            probability = self.calibrate(sigmoid(base_value + totals))
        moved = np.abs(totals) > 1e-12
        rate = np.divide(probability - start, totals, out=np.zeros_like(totals), where=moved)
        return start, contributions * rate[:, None]

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        probability = self.predict_proba(model_input)
        return pd.DataFrame({"probability_default": probability,
                             "decision": self.decide(probability)})

    # ----------------------------------------------------------------- explanation
    def explain(self, X) -> tuple[float, np.ndarray]:
        """(base value, contributions [n, n_features]) in log-odds: base + row sum = raw score."""
        matrix = self.matrix(X)
        if self.kind == "lightgbm":
            booster = _final_step(self.estimator).booster_
            output = booster.predict(matrix, pred_contrib=True, num_threads=1)
            return float(output[0, -1]), output[:, :-1]
        if self.kind == "linear":
            classifier = self.estimator.steps[-1][1]
            transformed = _linear_transform(self.estimator.steps[:-1], matrix)
            return float(classifier.intercept_[0]), transformed * classifier.coef_[0]
        prior = float(np.clip(self.estimator.class_prior_[1], 1e-6, 1 - 1e-6))
        return float(np.log(prior / (1 - prior))), np.zeros_like(matrix)


def _linear_transform(steps: list, matrix: np.ndarray) -> np.ndarray:
    """The pipeline's transforms before the linear classifier. The fitted imputer and scaler are
    applied as the NumPy arithmetic they are (identical numbers; scikit-learn's input checks
    cost ~0.5 ms per call, more than the rest of a ``GET /score``); any other step goes
    through scikit-learn."""
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import StandardScaler

    transformed = matrix
    for _, step in steps:
        if hasattr(step, "fit_resample") or not hasattr(step, "transform"):
            continue  # samplers act at fit time only
        if type(step) is SimpleImputer and not step.add_indicator and \
                len(step.statistics_) == transformed.shape[1] and \
                step.keep_empty_features and isinstance(step.missing_values, float) and \
                np.isnan(step.missing_values):
            transformed = np.where(np.isnan(transformed), step.statistics_, transformed)
        elif type(step) is StandardScaler:
            if step.with_mean:
                transformed = transformed - step.mean_
            if step.with_std:
                transformed = transformed / step.scale_
        else:
            transformed = step.transform(transformed)
    return transformed


def _final_step(estimator):
    """The classifier at the end of a (imblearn) Pipeline, or the estimator itself."""
    return estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
