"""Measures of a fitted candidate: business cost and the usual metrics at its threshold,
fairness by group, global SHAP importance and the time of one local explanation."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    fbeta_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

from ml.model.scoring import CreditScoringModel
from ml.training.cost import business_cost, f_beta_for_costs


def evaluate(y, probability, threshold: float, cost_fn: float, cost_fp: float) -> dict:
    predicted = (np.asarray(probability) >= threshold).astype(int)
    beta = f_beta_for_costs(cost_fn, cost_fp)
    return {
        "business_cost": round(business_cost(y, predicted, cost_fn, cost_fp), 5),
        "auc": round(float(roc_auc_score(y, probability)), 5),
        "accuracy": round(float(accuracy_score(y, predicted)), 5),
        "precision": round(float(precision_score(y, predicted, zero_division=0)), 5),
        "recall": round(float(recall_score(y, predicted, zero_division=0)), 5),
        "f_beta": round(float(fbeta_score(y, predicted, beta=beta, zero_division=0)), 5),
        "brier": round(float(brier_score_loss(y, probability)), 5),
        "refusal_rate": round(float(predicted.mean()), 5),
    }


def fairness(y, probability, threshold: float, groups: pd.DataFrame, cost_fn: float,
             cost_fp: float) -> list[dict]:
    """Holdout AUC, approval rate and cost by gender and by age band."""
    frame = groups.assign(y=np.asarray(y), p=np.asarray(probability))
    frame["age_band"] = pd.cut(frame["AGE_YEARS"], [0, 30, 40, 50, 60, 200],
                               labels=["< 30 ans", "30–39 ans", "40–49 ans", "50–59 ans", "60 ans et +"],
                               right=False)
    rows = []
    for attribute, column in (("sexe", "CODE_GENDER"), ("âge", "age_band")):
        for value, part in frame.groupby(column, observed=True, dropna=True):
            refused = part["p"] >= threshold
            rows.append({
                "attribute": attribute, "group": str(value), "clients": int(len(part)),
                "default_rate": round(float(part["y"].mean()), 4),
                "auc": round(float(roc_auc_score(part["y"], part["p"])), 4) if part["y"].nunique() == 2 else None,
                "approval_rate": round(float(1 - refused.mean()), 4),
                "business_cost": round(business_cost(part["y"], refused, cost_fn, cost_fp), 4),
            })
    return rows


def global_importance(model: CreditScoringModel, X: np.ndarray, dictionary: dict,
                      rows: int = 2000) -> tuple[list[dict], np.ndarray, np.ndarray]:
    sample = X[: min(rows, len(X))]
    _, contributions = model.explain(sample)
    mean_abs = np.abs(contributions).mean(axis=0)
    order = np.argsort(-mean_abs)
    ranking = [{"feature": model.features[i], "label": dictionary.get(model.features[i], {}).get("label", model.features[i]),
                "mean_abs_shap": round(float(mean_abs[i]), 6)} for i in order]
    return ranking, contributions, sample


def explanation_ms_per_client(model: CreditScoringModel, X: np.ndarray, rows: int = 200) -> float:
    """Mean time of the one-row explanation (what the API does per request)."""
    sample = X[: min(rows, len(X))]
    started = time.perf_counter()
    for row in sample:
        model.explain(row.reshape(1, -1))
    return round((time.perf_counter() - started) * 1000 / max(len(sample), 1), 3)


