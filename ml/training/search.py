"""Fitting one candidate: randomised search ranked by cross-validated business cost,
out-of-fold scores → beta calibrator (smooth, strictly increasing) → threshold, refit on every training row, holdout scores."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import (
    ParameterSampler,
    StratifiedKFold,
    cross_validate,
    train_test_split,
)

from ml.config import settings
from ml.model.scoring import BetaCalibrator, Calibrator, CreditScoringModel
from ml.policy.input import InputPolicy, enforce
from ml.training.candidates import Candidate, fixed_params, monotone_constraints
from ml.training.cost import bayes_threshold, business_scorer, optimal_threshold
from ml.training.evaluate import evaluate

FOLDS = 5


def search(candidate: Candidate, X: np.ndarray, y: np.ndarray, n_iter: int, search_rows: int,
           cost_fn: float, cost_fp: float, fixed: dict | None = None) -> tuple[dict, dict]:
    """Best parameters by CV business cost (on at most ``search_rows`` stratified rows): the
    candidate's defaults plus ``n_iter - 1`` random draws, each scored on the same 5 folds."""
    if not candidate.search_space:
        return {}, {}
    if len(y) > search_rows:
        X, _, y, _ = train_test_split(X, y, train_size=search_rows, stratify=y,
                                      random_state=settings().random_state)
    cv = StratifiedKFold(FOLDS, shuffle=True, random_state=settings().random_state)
    draws = [dict(candidate.defaults)] + list(ParameterSampler(
        candidate.search_space, max(n_iter - 1, 0), random_state=settings().random_state))
    scoring = {"business": business_scorer(cost_fn, cost_fp), "auc": "roc_auc"}
    scored = []
    for params in draws:
        scores = cross_validate(candidate.build().set_params(**params, **(fixed or {})), X, y, cv=cv, scoring=scoring,
                                n_jobs=1, error_score="raise")
        scored.append((-float(np.mean(scores["test_business"])), float(np.mean(scores["test_auc"])), params))
    cost, auc, params = min(scored, key=lambda item: item[0])
    return params, {"search_cv_business_cost": round(cost, 5), "search_cv_auc": round(auc, 5),
                    "search_rows": int(len(y)), "search_iterations": len(draws)}


def out_of_fold(candidate: Candidate, params: dict, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Out-of-fold raw probabilities of the candidate with ``params`` (5 stratified folds)."""
    oof = np.zeros(len(y))
    for train_index, test_index in StratifiedKFold(FOLDS, shuffle=True, random_state=settings().random_state).split(X, y):
        estimator = candidate.build().set_params(**params)
        estimator.fit(X[train_index], y[train_index])
        oof[test_index] = estimator.predict_proba(X[test_index])[:, 1]
    return oof


@dataclass
class Fitted:
    candidate: Candidate
    model: CreditScoringModel
    record: dict
    holdout_probability: np.ndarray
    holdout_raw: np.ndarray


def fit_candidate(candidate: Candidate, X: np.ndarray, y: np.ndarray, X_hold: np.ndarray,
                  y_hold: np.ndarray, features: list[str], n_iter: int, search_rows: int,
                  cost_fn: float, cost_fp: float, policy: InputPolicy | None = None,
                  lineage: dict[str, list[str]] | None = None) -> Fitted:
    """Search, calibrate, refit and measure one candidate; refuses (``PolicyError``), before
    any fit, features that the input policy excludes (``lineage``: feature → raw columns)."""
    from ml.features.dictionary import LINEAGE

    enforce(features, {**LINEAGE, **(lineage or {})}, policy)
    started = time.perf_counter()
    fixed = fixed_params(candidate, features)
    searched, search_info = search(candidate, X, y, n_iter, search_rows, cost_fn, cost_fp, fixed)
    params = {**searched, **fixed}
    oof_raw = out_of_fold(candidate, params, X, y)
    calibrator = BetaCalibrator.fit(oof_raw, y)
    isotonic = Calibrator.from_isotonic(  # the former staircase, measured beside it (Brier)
        IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(oof_raw, y))
    oof_calibrated = calibrator(oof_raw)
    threshold, cv_cost = optimal_threshold(y, oof_calibrated, cost_fn, cost_fp)
    raw_threshold, _ = optimal_threshold(y, oof_raw, cost_fn, cost_fp)
    estimator = candidate.build().set_params(**params)
    fit_started = time.perf_counter()
    estimator.fit(X, y)
    fit_time = time.perf_counter() - fit_started
    model = CreditScoringModel(estimator, candidate.kind, features, threshold, calibrator)
    predict_started = time.perf_counter()
    holdout_raw = estimator.predict_proba(X_hold)[:, 1]
    holdout_probability = model.calibrate(holdout_raw)
    predict_time = time.perf_counter() - predict_started
    record = {
        "name": candidate.name, "kind": candidate.kind, "imbalance": candidate.imbalance,
        "params": {k.removeprefix("clf__"): (round(v, 6) if isinstance(v, float) else v) for k, v in searched.items()},
        "monotone_decreasing": [f for f, c in zip(features, monotone_constraints(features)) if c < 0] if fixed else [],
        "cv": {**evaluate(y, oof_calibrated, threshold, cost_fn, cost_fp), **search_info},
        "holdout": evaluate(y_hold, holdout_probability, threshold, cost_fn, cost_fp),
        "threshold": threshold, "raw_threshold": raw_threshold,
        "bayes_threshold": round(bayes_threshold(cost_fn, cost_fp), 5),
        "holdout_brier_raw": round(float(brier_score_loss(y_hold, holdout_raw)), 5),
        "holdout_brier_isotonic": round(float(brier_score_loss(y_hold, isotonic(holdout_raw))), 5),
        "calibrator": {"method": "beta", "a": round(calibrator.a, 6), "b": round(calibrator.b, 6),
                       "c": round(calibrator.c, 6)},
        "fit_time_s": round(fit_time, 3), "predict_time_s": round(predict_time, 4),
        "total_time_s": round(time.perf_counter() - started, 1),
    }
    return Fitted(candidate, model, record, holdout_probability, holdout_raw)


