"""Model quality within the input policy (issue 15, item 9): today's champion configuration
against candidates for a better one, by repeated stratified CV on the same folds, paired
(``ml.training.compare``): monotone constraints where the direction of the risk is known,
stronger regularisation for small data, a logistic regression, a blend of the two, and a few
more application-table ratios. On the real sample (when `make real-sample` built it) and the
synthetic demo. Written to reports/bench/model_quality.json; only what pays is adopted.

``python -m bench.model_quality [real_sample|synthetic ...] [--only NAME,NAME]`` runs it alone
(``--only``: some configurations, the champion always)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ml.config import PROJECT_ROOT, settings
from ml.training.compare import Config, champion_estimator, cross_validate

REAL_SAMPLE_FEATURES = PROJECT_ROOT / "data" / "real-sample-features"
# The former champion's starting point (before issue 15) and the regularised one since adopted.
FORMER_DEFAULTS = {"n_estimators": 300, "learning_rate": 0.03, "num_leaves": 15, "min_child_samples": 80,
                   "colsample_bytree": 0.5, "subsample": 0.8, "reg_lambda": 1.0}
REGULARISED = {"n_estimators": 500, "learning_rate": 0.02, "num_leaves": 7, "min_child_samples": 100,
               "colsample_bytree": 0.5, "reg_lambda": 5.0}


def extra_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """Candidate application ratios, tried here before any enters the feature build."""
    def ratio(a: pd.Series, b: pd.Series) -> pd.Series:
        return a / b.replace(0, np.nan)

    return frame.assign(
        X_ANNUITY_GOODS_RATIO=ratio(frame["AMT_ANNUITY"], frame["AMT_GOODS_PRICE"]),
        X_CREDIT_GOODS_GAP_INCOME=ratio(frame["AMT_CREDIT"] - frame["AMT_GOODS_PRICE"], frame["AMT_INCOME_TOTAL"]),
        X_EXT_SOURCE_WEIGHTED=(2 * frame["EXT_SOURCE_1"].fillna(frame["EXT_SOURCE_MEAN"])
                               + 3 * frame["EXT_SOURCE_2"].fillna(frame["EXT_SOURCE_MEAN"])
                               + 4 * frame["EXT_SOURCE_3"].fillna(frame["EXT_SOURCE_MEAN"])) / 9,
    )


def monotone(features: list[str]) -> list[int]:
    from ml.training.candidates import monotone_constraints

    return monotone_constraints(features)


def configs(features: list[str], extra: list[str]) -> dict[str, Config]:
    from sklearn.ensemble import VotingClassifier

    from ml.training.candidates import LINEAR_DEFAULTS, candidates

    linear = next(c for c in candidates() if c.name == "logreg_class_weight")
    build_linear = lambda: linear.build().set_params(**LINEAR_DEFAULTS)  # noqa: E731
    regularised_monotone = champion_estimator(**FORMER_DEFAULTS | REGULARISED,
                                              monotone_constraints=monotone(features))
    with_extra = [*features, *extra]
    return {
        "champion": Config(features, champion_estimator(**FORMER_DEFAULTS)),
        "monotone": Config(features, champion_estimator(**FORMER_DEFAULTS, monotone_constraints=monotone(features))),
        "regularised": Config(features, champion_estimator(**FORMER_DEFAULTS | REGULARISED)),
        "regularised_monotone": Config(features, regularised_monotone),
        "logreg": Config(features, build_linear),
        "blend_regularised_monotone_logreg": Config(features, lambda: VotingClassifier(
            [("lgbm", regularised_monotone()), ("logreg", build_linear())], voting="soft")),
        "regularised_monotone_extra_ratios": Config(with_extra, champion_estimator(
            **FORMER_DEFAULTS | REGULARISED, monotone_constraints=monotone(with_extra))),
    }


def measure(features_dir: Path, only: list[str] | None = None) -> dict:
    from ml.policy.input import load
    from ml.training.train import load_training_data

    policy = load()
    frame, features, _, _ = load_training_data(features_dir, policy)
    frame = extra_ratios(frame)
    extra = [c for c in frame.columns if c.startswith("X_")]
    chosen = {name: config for name, config in configs(features, extra).items()
              if not only or name in only or name == "champion"}
    return {**cross_validate(frame, chosen, baseline="champion"),
            "features_dir": str(features_dir), **policy.record()}


def main(out_dir: Path, names: list[str] | None = None, only: list[str] | None = None) -> dict:
    names = names or ["real_sample", "synthetic"]
    result = {}
    if "real_sample" in names and (REAL_SAMPLE_FEATURES / "features_train.parquet").is_file():
        result["real_sample"] = measure(REAL_SAMPLE_FEATURES, only)
    if "synthetic" in names:
        result["synthetic"] = measure(settings().features_dir, only)
    return result


if __name__ == "__main__":
    out = settings().reports_dir / "bench" / "model_quality.json"
    previous = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    arguments = sys.argv[1:]
    only = arguments[arguments.index("--only") + 1].split(",") if "--only" in arguments else None
    measured = main(out.parent, [a for a in arguments if not a.startswith("--") and a != ",".join(only or [])], only)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**previous, **measured}, indent=2, ensure_ascii=False), encoding="utf-8")
    for data_set, document in measured.items():
        for name, row in document["configs"].items():
            diff = row["vs_baseline"]
            print(f"{data_set:<12} {name:<36} auc {row['auc']['mean']:.4f} ±{row['auc']['high'] - row['auc']['mean']:.4f}"
                  f"  cost {row['business_cost']['mean']:.4f} ±{row['business_cost']['high'] - row['business_cost']['mean']:.4f}"
                  + (f"  Δauc {diff['auc']['mean']:+.4f} [{diff['auc']['low']:+.4f}, {diff['auc']['high']:+.4f}]"
                     f"  Δcost {diff['business_cost']['mean']:+.4f} [{diff['business_cost']['low']:+.4f}, "
                     f"{diff['business_cost']['high']:+.4f}]" if diff else "") + f"  ({row['seconds']} s)")
    print(f"written to {out}")


def holdout_pair(features_dir: Path, before: str, after: str, boots: int = 2000) -> dict:
    """Two registered versions (model URIs) on the trainer's holdout of ``features_dir``: AUC
    and business cost at each version's own threshold, with paired bootstrap 95 % intervals of
    the differences (after − before)."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    from ml.model.loading import load_model
    from ml.training.cost import business_cost
    from ml.training.train import HOLDOUT_SHARE

    frame = pd.read_parquet(Path(features_dir) / "features_train.parquet")
    _, hold = train_test_split(np.arange(len(frame)), test_size=HOLDOUT_SHARE, stratify=frame["TARGET"],
                               random_state=settings().random_state)
    holdout = frame.iloc[hold]
    y = holdout["TARGET"].to_numpy(int)
    models = {"before": load_model(before), "after": load_model(after)}
    scores = {k: np.asarray(m.predict_proba(holdout[m.features])) for k, m in models.items()}
    refused = {k: scores[k] >= models[k].threshold for k in models}

    def metrics(index: np.ndarray) -> dict[str, dict[str, float]]:
        return {k: {"auc": float(roc_auc_score(y[index], scores[k][index])),
                    "business_cost": business_cost(y[index], refused[k][index])} for k in models}

    point = metrics(np.arange(len(y)))
    rng = np.random.default_rng(settings().random_state)
    draws = [metrics(rng.integers(0, len(y), len(y))) for _ in range(boots)]

    def ci(values: list[float]) -> list[float]:
        return [round(float(np.percentile(values, 2.5)), 5), round(float(np.percentile(values, 97.5)), 5)]

    return {"holdout_rows": int(len(y)), "before": before, "after": after, "bootstrap": boots, **{
        key: {"before": round(point["before"][key], 5), "after": round(point["after"][key], 5),
              "before_ci": ci([d["before"][key] for d in draws]), "after_ci": ci([d["after"][key] for d in draws]),
              "difference": round(point["after"][key] - point["before"][key], 5),
              "difference_ci": ci([d["after"][key] - d["before"][key] for d in draws])}
        for key in ("auc", "business_cost")}}
