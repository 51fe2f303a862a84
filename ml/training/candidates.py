"""The candidate models, simple → complex, each with the class-imbalance methods compared:
a dummy baseline, logistic regression and LightGBM, with class weights or with random
under-sampling inside the pipeline (so only the training folds are resampled)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from lightgbm import LGBMClassifier
from scipy.stats import loguniform, randint, uniform
from sklearn.dummy import DummyClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from ml.config import settings


@dataclass
class Candidate:
    name: str
    kind: str
    imbalance: str
    build: Callable[[], Any]
    search_space: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)  # the first point of the search


def _lightgbm(**params) -> LGBMClassifier:
    return LGBMClassifier(n_estimators=300, learning_rate=0.05, num_leaves=31, subsample_freq=1,
                          random_state=settings().random_state, n_jobs=settings().lightgbm_threads, verbose=-1, **params)


def _linear_steps() -> list:
    return [("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler())]


LIGHTGBM_SPACE = {
    "clf__n_estimators": randint(150, 351), "clf__learning_rate": loguniform(0.02, 0.12),
    "clf__num_leaves": randint(8, 48), "clf__min_child_samples": randint(20, 200),
    "clf__colsample_bytree": uniform(0.3, 0.6), "clf__subsample": uniform(0.6, 0.4),
    "clf__reg_lambda": loguniform(1e-2, 20),
}
# The search's first point: small, strongly regularised trees (issue 15, item 9: +0.005 to
# +0.008 AUC by repeated CV against the former 300 × 15 leaves, on the demo and the real sample;
# bench/model_quality.py, reports/bench/model_quality.json).
LIGHTGBM_DEFAULTS = {"clf__n_estimators": 500, "clf__learning_rate": 0.02, "clf__num_leaves": 7,
                     "clf__min_child_samples": 100, "clf__colsample_bytree": 0.5, "clf__subsample": 0.8,
                     "clf__reg_lambda": 5.0}
# Features whose direction is known: a higher external credit score never raises the risk.
# LightGBM is constrained accordingly (monotone decreasing), which also keeps the reasons
# consistent (« score externe élevé » always lowers the risk).
MONOTONE_DECREASING: tuple[str, ...] = (
    "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "EXT_SOURCE_MEAN", "EXT_SOURCE_MIN",
    "EXT_SOURCE_MAX", "EXT_SOURCE_PROD")


def monotone_constraints(features: list[str]) -> list[int]:
    """LightGBM's ``monotone_constraints`` for ``features`` (−1: risk never rises with it)."""
    return [-1 if name in MONOTONE_DECREASING else 0 for name in features]


def fixed_params(candidate: "Candidate", features: list[str]) -> dict:
    """Parameters set for every point of a candidate's search: the monotone constraints."""
    return {"clf__monotone_constraints": monotone_constraints(features)} if candidate.kind == "lightgbm" else {}
LINEAR_SPACE = {"clf__C": loguniform(1e-3, 1.0)}
LINEAR_DEFAULTS = {"clf__C": 0.05}


def candidates() -> list[Candidate]:
    """Simple → complex, each with the class-imbalance methods compared."""
    seed = settings().random_state
    under = lambda: RandomUnderSampler(sampling_strategy=0.3, random_state=seed)  # noqa: E731
    return [
        Candidate("dummy", "dummy", "none",
                  lambda: Pipeline([("clf", DummyClassifier(strategy="prior"))])),
        Candidate("logreg_class_weight", "linear", "class_weight",
                  lambda: Pipeline(_linear_steps() + [("clf", LogisticRegression(
                      class_weight="balanced", max_iter=500, random_state=seed))]), LINEAR_SPACE, LINEAR_DEFAULTS),
        Candidate("logreg_undersampling", "linear", "undersampling",
                  lambda: Pipeline(_linear_steps() + [("sample", under()), ("clf", LogisticRegression(
                      max_iter=500, random_state=seed))]), LINEAR_SPACE, LINEAR_DEFAULTS),
        Candidate("lightgbm_class_weight", "lightgbm", "class_weight",
                  lambda: Pipeline([("clf", _lightgbm(class_weight="balanced"))]), LIGHTGBM_SPACE,
                  LIGHTGBM_DEFAULTS),
        Candidate("lightgbm_undersampling", "lightgbm", "undersampling",
                  lambda: Pipeline([("sample", under()), ("clf", _lightgbm())]), LIGHTGBM_SPACE, LIGHTGBM_DEFAULTS),
    ]


