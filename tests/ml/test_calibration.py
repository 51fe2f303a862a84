"""Calibration (issue 15, item 8): a smooth, strictly increasing map from the raw score to the
probability shown to advisors. It keeps every distinct raw score distinct (the ranking and the
AUC), never says 0 % or 100 %, keeps the Brier score of the isotonic staircase it replaces, and
a what-if on the amount moves the probability of the session's registered model."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import train_test_split

from ml.config import settings
from ml.features.online import whatif_rows
from ml.model.scoring import PROBABILITY_FLOOR, BetaCalibrator, Calibrator
from ml.training.candidates import candidates
from ml.training.search import out_of_fold

# Holdout Brier of the smooth map may exceed the isotonic one by at most this (on ~600 clients
# a Brier score moves by about 0.002 from one split to another).
BRIER_TOLERANCE = 0.002
APPLICATION_FIELDS = ("AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE",
                      "CNT_CHILDREN", "CNT_FAM_MEMBERS", "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")


@pytest.fixture(scope="module")
def scores(feature_dir) -> dict:
    """Out-of-fold raw scores of LightGBM on the session's training part, and its raw holdout
    scores (the trainer's protocol, on the session's synthetic features)."""
    frame = pd.read_parquet(feature_dir / "features_train.parquet")
    features = [c for c in frame.columns if c not in ("SK_ID_CURR", "TARGET") and not c.startswith("CODE_GENDER")]
    X = frame[features].to_numpy("float64", na_value=np.nan)
    y = frame["TARGET"].to_numpy(int)
    X_train, X_hold, y_train, y_hold = train_test_split(X, y, test_size=0.2, stratify=y,
                                                        random_state=settings().random_state)
    candidate = next(c for c in candidates() if c.name == "lightgbm_class_weight")
    oof = out_of_fold(candidate, candidate.defaults, X_train, y_train)
    estimator = candidate.build().set_params(**candidate.defaults).fit(X_train, y_train)
    return {"oof": oof, "y": y_train, "hold": estimator.predict_proba(X_hold)[:, 1], "y_hold": y_hold}


def test_distinct_raw_scores_stay_distinct_and_keep_their_order(scores) -> None:
    calibrator = BetaCalibrator.fit(scores["oof"], scores["y"])
    raw = np.sort(np.unique(scores["hold"]))
    calibrated = calibrator(raw)
    assert calibrator.a >= 0 and calibrator.b >= 0 and calibrator.a + calibrator.b > 0
    assert np.all(np.diff(calibrated) > 0), "the map must be strictly increasing on every raw score"
    assert len(np.unique(calibrated)) == len(raw)
    # the staircase it replaces merges scores into a few steps
    isotonic = Calibrator.from_isotonic(IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1)
                                        .fit(scores["oof"], scores["y"]))
    assert len(np.unique(isotonic(raw))) < len(raw) / 5
    assert roc_auc_score(scores["y_hold"], calibrator(scores["hold"])) == pytest.approx(
        roc_auc_score(scores["y_hold"], scores["hold"]), abs=1e-12)


def test_probabilities_are_never_zero_or_one(scores) -> None:
    calibrator = BetaCalibrator.fit(scores["oof"], scores["y"])
    extremes = calibrator(np.array([0.0, 1e-300, 1e-12, 0.5, 1 - 1e-12, 1.0]))
    assert np.all(extremes >= PROBABILITY_FLOOR) and np.all(extremes <= 1 - PROBABILITY_FLOOR)
    assert np.all(np.diff(extremes) >= 0), "monotone up to the floor and the ceiling"
    inside = calibrator(np.array([1e-3, 0.1, 0.5, 0.9, 0.999]))
    assert np.all(np.diff(inside) > 0)


def test_brier_score_is_not_worse_than_isotonic(scores) -> None:
    beta = BetaCalibrator.fit(scores["oof"], scores["y"])
    isotonic = Calibrator.from_isotonic(IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1)
                                        .fit(scores["oof"], scores["y"]))
    brier_beta = brier_score_loss(scores["y_hold"], beta(scores["hold"]))
    brier_isotonic = brier_score_loss(scores["y_hold"], isotonic(scores["hold"]))
    brier_raw = brier_score_loss(scores["y_hold"], scores["hold"])
    assert brier_beta <= brier_isotonic + BRIER_TOLERANCE, (brier_beta, brier_isotonic)
    assert brier_beta < brier_raw, "class weights distort the raw scores: calibration must help"


def test_scores_without_signal_get_the_default_rate() -> None:
    y = np.array([0] * 90 + [1] * 10)
    calibrator = BetaCalibrator.fit(np.full(100, 0.4), y)
    assert calibrator(np.array([0.1, 0.4, 0.9])) == pytest.approx([0.1, 0.1, 0.1])


def test_the_registered_model_calibrates_smoothly(registered_model) -> None:
    from ml.model.loading import load_model

    model = load_model(registered_model.uri)
    assert isinstance(model.calibrator, BetaCalibrator)
    assert registered_model.results["champion"]["calibrator"]["method"] == "beta"


def test_a_small_change_in_the_amount_moves_the_probability(registered_model) -> None:
    """The what-if path: lowering the credit amount step by step moves the probability at
    (nearly) every step, and a small amount never reads 0 %."""
    from ml.model.loading import load_model

    model = load_model(registered_model.uri)
    frame = pd.read_parquet(registered_model.features_dir / "features_train.parquet").head(40)
    moved_steps, total_steps = 0, 0
    for _, client in frame.iterrows():
        application = {n: (None if pd.isna(client[n]) else float(client[n])) for n in APPLICATION_FIELDS}
        row = client[model.features].to_numpy("float64")
        amounts = np.linspace(application["AMT_CREDIT"], 50_000, 12)
        rows = whatif_rows(row, model.features, application, [{"AMT_CREDIT": a} for a in amounts])
        probability = model.predict_proba(rows)
        raw = model.raw_probability(rows)
        assert probability.min() > 0 and probability.max() < 1
        # wherever the model's raw score moves, the probability moves too
        raw_moves = np.diff(raw) != 0
        assert np.all(np.diff(probability)[raw_moves] != 0)
        moved_steps += int(raw_moves.sum())
        total_steps += len(amounts) - 1
    assert moved_steps > 0.5 * total_steps, (moved_steps, total_steps)
