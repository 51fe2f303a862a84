"""Figures of a training run (PNG files logged to MLflow and used by the methodology note)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.calibration import calibration_curve  # noqa: E402
from sklearn.metrics import roc_auc_score, roc_curve  # noqa: E402

from ml.training.cost import THRESHOLD_GRID, confusion_counts, cost_curve  # noqa: E402
from vocabulary.decisions import GRANTED, REFUSED  # noqa: E402


def _save(figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def roc(y, probability, path: Path, title: str) -> Path:
    fpr, tpr, _ = roc_curve(y, probability)
    figure, axis = plt.subplots(figsize=(5, 4.5))
    axis.plot(fpr, tpr, label=f"AUC = {roc_auc_score(y, probability):.3f}", color="#1f4e9c")
    axis.plot([0, 1], [0, 1], linestyle="--", color="#666666", label="hasard")
    axis.set(xlabel="Taux de faux positifs", ylabel="Taux de vrais positifs", title=title)
    axis.legend(loc="lower right")
    return _save(figure, path)


def cost_vs_threshold(y, probability, threshold: float, cost_fn: float, cost_fp: float,
                      path: Path, title: str) -> Path:
    costs = cost_curve(y, probability, THRESHOLD_GRID, cost_fn, cost_fp)
    figure, axis = plt.subplots(figsize=(5.5, 4))
    axis.plot(THRESHOLD_GRID, costs, color="#1f4e9c")
    axis.axvline(threshold, linestyle="--", color="#b03a2e", label=f"seuil optimal {threshold:.3f}")
    axis.set(xlabel="Seuil de refus", ylabel="Coût métier par client", title=title)
    axis.legend()
    return _save(figure, path)


def confusion(y, probability, threshold: float, path: Path, title: str) -> Path:
    tn, fp, fn, tp = confusion_counts(y, np.asarray(probability) >= threshold)
    matrix = np.array([[tn, fp], [fn, tp]])
    figure, axis = plt.subplots(figsize=(4.5, 4))
    axis.imshow(matrix, cmap="Blues")
    for (row, column), value in np.ndenumerate(matrix):
        axis.text(column, row, f"{value:,}".replace(",", " "), ha="center", va="center",
                  color="white" if value > matrix.max() / 2 else "black", fontsize=12)
    axis.set_xticks([0, 1], [GRANTED, REFUSED])
    axis.set_yticks([0, 1], ["rembourse", "défaut"])
    axis.set(xlabel="Décision", ylabel="Réalité", title=title)
    return _save(figure, path)


def calibration(y, raw, calibrated, path: Path, title: str) -> Path:
    figure, axis = plt.subplots(figsize=(5, 4.5))
    for values, label, color in ((raw, "brute", "#999999"), (calibrated, "calibrée", "#1f4e9c")):
        observed, predicted = calibration_curve(y, values, n_bins=10, strategy="quantile")
        axis.plot(predicted, observed, marker="o", label=label, color=color)
    axis.plot([0, 1], [0, 1], linestyle="--", color="#666666", label="parfaite")
    axis.set(xlabel="Probabilité prédite", ylabel="Fréquence observée de défaut", title=title)
    axis.legend()
    return _save(figure, path)


def shap_summary(contributions: np.ndarray, X: np.ndarray, names: list[str], path: Path,
                 title: str, top: int = 20) -> Path:
    import shap

    order = np.argsort(-np.abs(contributions).mean(axis=0))[:top]
    shap.summary_plot(contributions[:, order], X[:, order], feature_names=[names[i] for i in order],
                      show=False, max_display=top, plot_size=(8, 7))
    figure = plt.gcf()
    figure.suptitle(title)
    return _save(figure, path)
