"""``python -m ml train``: from a dummy baseline to LightGBM, chosen by business cost.

1. Leakage check, then a stratified 80/20 train/holdout split (the holdout is touched once, at
   the end). 2. For each candidate (model × class-imbalance method), a randomised
   hyper-parameter search with stratified 5-fold CV ranked by the business cost at the
   fold's optimal threshold; resampling lives inside the pipeline, so only training folds are
   resampled. 3. Out-of-fold scores of the best parameters → isotonic calibrator → decision
   threshold optimised on calibrated out-of-fold probabilities. 4. Refit on all training rows,
   evaluate on the holdout (cost, AUC, accuracy, precision, recall, F-beta, Brier), fairness.
5. Everything tracked in MLflow (one parent run, one nested run per candidate); the best
   candidate by CV cost is registered and becomes champion only if it beats the current one
   on holdout cost.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from lightgbm import LGBMClassifier
from scipy.stats import loguniform, randint, uniform
from sklearn.dummy import DummyClassifier
from sklearn.impute import SimpleImputer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, brier_score_loss, fbeta_score, precision_score,
                             recall_score, roc_auc_score)
from sklearn.model_selection import (ParameterSampler, StratifiedKFold, cross_validate,
                                     train_test_split)
from sklearn.preprocessing import StandardScaler
from tqdm import tqdm

from ml import config, plots
from ml.cost import (bayes_threshold, business_cost, business_scorer, f_beta_for_costs,
                     optimal_threshold)
from ml.errors import LeakageError, MLError
from ml.model import Calibrator, CreditScoringModel

MAX_AUC = 0.82
HOLDOUT_SHARE = 0.2
FOLDS = 5
MODEL_ARTIFACT = "model"


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
                          random_state=config.RANDOM_STATE, n_jobs=config.LIGHTGBM_THREADS, verbose=-1, **params)


def _linear_steps() -> list:
    return [("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler())]


LIGHTGBM_SPACE = {
    "clf__n_estimators": randint(150, 351), "clf__learning_rate": loguniform(0.02, 0.12),
    "clf__num_leaves": randint(8, 48), "clf__min_child_samples": randint(20, 200),
    "clf__colsample_bytree": uniform(0.3, 0.6), "clf__subsample": uniform(0.6, 0.4),
    "clf__reg_lambda": loguniform(1e-2, 20),
}
LIGHTGBM_DEFAULTS = {"clf__n_estimators": 300, "clf__learning_rate": 0.03, "clf__num_leaves": 15,
                     "clf__min_child_samples": 80, "clf__colsample_bytree": 0.5, "clf__subsample": 0.8,
                     "clf__reg_lambda": 1.0}
LINEAR_SPACE = {"clf__C": loguniform(1e-3, 1.0)}
LINEAR_DEFAULTS = {"clf__C": 0.05}


def candidates() -> list[Candidate]:
    """Simple → complex, each with the class-imbalance methods compared."""
    seed = config.RANDOM_STATE
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


# --------------------------------------------------------------------------- data
def load_training_data(features_dir: Path) -> tuple[pd.DataFrame, list[str], dict, pd.DataFrame]:
    """(train feature frame, model features, dictionary, clients) of a features folder."""
    features_dir = Path(features_dir)
    path = features_dir / "features_train.parquet"
    if not path.is_file():
        raise MLError(f"{path} not found: build the features first (`python -m ml features`)")
    frame = pd.read_parquet(path)
    dictionary = json.loads((features_dir / "feature_dictionary.json").read_text(encoding="utf-8"))["features"]
    features = [c for c in frame.columns if c not in ("SK_ID_CURR", "TARGET")
                and not dictionary.get(c, {}).get("sensitive", False)]
    clients_path = features_dir / "clients.parquet"
    clients = pd.read_parquet(clients_path, columns=["SK_ID_CURR", "CODE_GENDER", "AGE_YEARS"]) \
        if clients_path.is_file() else pd.DataFrame(columns=["SK_ID_CURR", "CODE_GENDER", "AGE_YEARS"])
    if frame["TARGET"].nunique() < 2:
        raise MLError(f"{path}: TARGET has a single class; cannot train")
    return frame, features, dictionary, clients


# --------------------------------------------------------------------------- metrics
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


# --------------------------------------------------------------------------- fitting
def search(candidate: Candidate, X: np.ndarray, y: np.ndarray, n_iter: int, search_rows: int,
           cost_fn: float, cost_fp: float) -> tuple[dict, dict]:
    """Best parameters by CV business cost (on at most ``search_rows`` stratified rows): the
    candidate's defaults plus ``n_iter - 1`` random draws, each scored on the same 5 folds."""
    if not candidate.search_space:
        return {}, {}
    if len(y) > search_rows:
        X, _, y, _ = train_test_split(X, y, train_size=search_rows, stratify=y,
                                      random_state=config.RANDOM_STATE)
    cv = StratifiedKFold(FOLDS, shuffle=True, random_state=config.RANDOM_STATE)
    draws = [dict(candidate.defaults)] + list(ParameterSampler(
        candidate.search_space, max(n_iter - 1, 0), random_state=config.RANDOM_STATE))
    scoring = {"business": business_scorer(cost_fn, cost_fp), "auc": "roc_auc"}
    scored = []
    for params in draws:
        scores = cross_validate(candidate.build().set_params(**params), X, y, cv=cv, scoring=scoring,
                                n_jobs=1, error_score="raise")
        scored.append((-float(np.mean(scores["test_business"])), float(np.mean(scores["test_auc"])), params))
    cost, auc, params = min(scored, key=lambda item: item[0])
    return params, {"search_cv_business_cost": round(cost, 5), "search_cv_auc": round(auc, 5),
                    "search_rows": int(len(y)), "search_iterations": len(draws)}


def out_of_fold(candidate: Candidate, params: dict, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Out-of-fold raw probabilities of the candidate with ``params`` (5 stratified folds)."""
    oof = np.zeros(len(y))
    for train_index, test_index in StratifiedKFold(FOLDS, shuffle=True, random_state=config.RANDOM_STATE).split(X, y):
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
                  cost_fn: float, cost_fp: float) -> Fitted:
    started = time.perf_counter()
    params, search_info = search(candidate, X, y, n_iter, search_rows, cost_fn, cost_fp)
    oof_raw = out_of_fold(candidate, params, X, y)
    isotonic = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(oof_raw, y)
    calibrator = Calibrator.from_isotonic(isotonic)
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
        "params": {k.removeprefix("clf__"): (round(v, 6) if isinstance(v, float) else v) for k, v in params.items()},
        "cv": {**evaluate(y, oof_calibrated, threshold, cost_fn, cost_fp), **search_info},
        "holdout": evaluate(y_hold, holdout_probability, threshold, cost_fn, cost_fp),
        "threshold": threshold, "raw_threshold": raw_threshold,
        "bayes_threshold": round(bayes_threshold(cost_fn, cost_fp), 5),
        "holdout_brier_raw": round(float(brier_score_loss(y_hold, holdout_raw)), 5),
        "fit_time_s": round(fit_time, 3), "predict_time_s": round(predict_time, 4),
        "total_time_s": round(time.perf_counter() - started, 1),
    }
    return Fitted(candidate, model, record, holdout_probability, holdout_raw)


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


# --------------------------------------------------------------------------- orchestration
def train(features_dir: Path, quick: bool = False, n_iter: int | None = None,
          allow_high_auc: bool = False, cost_fn: float = config.COST_FN,
          cost_fp: float = config.COST_FP, search_rows: int = 60_000,
          reports_dir: Path | None = None, only: list[str] | None = None) -> dict:
    """Train every candidate, track in MLflow, register the best; returns the results dict."""
    import mlflow

    from ml.leakage import check_leakage, load_sources
    from ml.model_card import model_card
    from ml.registry import experiment_id, fingerprint, git_commit, register

    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    figures = reports_dir / "figures"
    frame, features, dictionary, clients = load_training_data(features_dir)
    y_all = frame["TARGET"].to_numpy(dtype=int)
    print(f"leakage check on {len(features)} features ...", flush=True)
    check_leakage(frame[features], y_all, load_sources(features_dir))

    n_iter = n_iter or (2 if quick else 8)
    X_all = frame[features].to_numpy(dtype="float64", na_value=np.nan)
    index = np.arange(len(frame))
    train_index, hold_index = train_test_split(index, test_size=HOLDOUT_SHARE, stratify=y_all,
                                               random_state=config.RANDOM_STATE)
    X, y, X_hold, y_hold = X_all[train_index], y_all[train_index], X_all[hold_index], y_all[hold_index]
    groups = frame.iloc[hold_index][["SK_ID_CURR"]].merge(clients, on="SK_ID_CURR", how="left")

    mlflow.set_tracking_uri(config.tracking_uri())
    dataset = {"features_dir": str(features_dir), "rows": int(len(frame)), "train_rows": int(len(y)),
               "holdout_rows": int(len(y_hold)), "default_rate": round(float(y_all.mean()), 5),
               "features": len(features),
               "fingerprint": fingerprint([Path(features_dir) / "features_train.parquet"]),
               "provenance": json.loads((Path(features_dir) / "feature_dictionary.json")
                                        .read_text(encoding="utf-8")).get("provenance")}
    chosen = [c for c in candidates() if not only or c.name in only or c.kind == "dummy"]
    fitted: list[Fitted] = []
    experiment = experiment_id()
    with mlflow.start_run(experiment_id=experiment, run_name=f"train-{time.strftime('%Y%m%d-%H%M%S')}") as parent:
        mlflow.set_tags({"git_commit": git_commit(), "dataset_fingerprint": dataset["fingerprint"], "quick": str(quick)})
        mlflow.log_params({"cost_fn": cost_fn, "cost_fp": cost_fp, "folds": FOLDS, "n_iter": n_iter,
                           "holdout_share": HOLDOUT_SHARE, **{f"data_{k}": v for k, v in dataset.items()}})
        for candidate in tqdm(chosen, desc="candidates", unit="model"):
            with mlflow.start_run(experiment_id=experiment, run_name=candidate.name, nested=True) as child:
                result = fit_candidate(candidate, X, y, X_hold, y_hold, features, n_iter, search_rows, cost_fn, cost_fp)
                result.record["run_id"] = child.info.run_id
                _log_candidate(result, y_hold, cost_fn, cost_fp, figures)
                fitted.append(result)
                tqdm.write(f"  {candidate.name:<24} cv cost {result.record['cv']['business_cost']:.4f}  "
                           f"cv auc {result.record['cv']['auc']:.3f}  holdout auc {result.record['holdout']['auc']:.3f}")
        _guard_auc(fitted, allow_high_auc)
        best = min((f for f in fitted if f.candidate.kind != "dummy"), key=lambda f: f.record["cv"]["business_cost"])
        importance, contributions, sample = global_importance(best.model, X_hold, dictionary)
        best.model.metadata = {
            "candidate": best.candidate.name, "metrics": best.record["holdout"], "cv_metrics": best.record["cv"],
            "global_importance": importance[:30],
            "dictionary": {f: dictionary.get(f, {}) for f in features},
            "cost_fn": cost_fn, "cost_fp": cost_fp, "train_run_id": parent.info.run_id,
        }
        explain_ms = explanation_ms_per_client(best.model, X_hold)
        fair = fairness(y_hold, best.holdout_probability, best.model.threshold, groups, cost_fn, cost_fp)
        results = {
            "run_id": parent.info.run_id, "dataset": dataset, "cost": {"fn": cost_fn, "fp": cost_fp},
            "candidates": [f.record for f in fitted],
            "champion": {**best.record, "explain_ms_per_client": explain_ms},
            "fairness": fair, "global_importance": importance[:30],
        }
        with mlflow.start_run(run_id=best.record["run_id"], nested=True):
            plots.shap_summary(contributions, sample, best.model.features, figures / "shap_summary.png",
                               "SHAP — importance globale (holdout)")
            mlflow.log_artifact(str(figures / "shap_summary.png"), "figures")
            mlflow.log_metric("explain_ms_per_client", explain_ms)
            info = mlflow.pyfunc.log_model(
                name=MODEL_ARTIFACT, python_model=best.model,
                input_example=frame[features].iloc[:2].astype("float64"),
                pip_requirements=model_requirements(),
            )
        version, promoted = register(best.record["run_id"], MODEL_ARTIFACT, best.record["holdout"]["business_cost"],
                                     best.model.threshold, tags={"candidate": best.candidate.name,
                                                                 "holdout_auc": best.record["holdout"]["auc"],
                                                                 "train_run_id": parent.info.run_id})
        results["registered"] = {"name": config.MODEL_NAME, "version": version, "champion": promoted,
                                 "model_uri": info.model_uri}
        card = model_card(results)
        card_path = reports_dir / "model_cards" / f"{config.MODEL_NAME}-v{version}.md"
        card_path.parent.mkdir(parents=True, exist_ok=True)
        card_path.write_text(card, encoding="utf-8")
        mlflow.log_artifact(str(card_path), "model_card")
        mlflow.MlflowClient().log_artifact(best.record["run_id"], str(card_path), "model_card")
        _write_results(results, reports_dir)
        mlflow.log_artifact(str(reports_dir / "results.json"))
        mlflow.log_artifact(str(reports_dir / "results.md"))
    return results


# What the pyfunc needs to load and score, pinned to the versions it was trained with.
MODEL_PACKAGES = ("mlflow", "lightgbm", "scikit-learn", "imbalanced-learn", "numpy", "pandas",
                  "scipy", "cloudpickle")


def model_requirements() -> list[str]:
    """Pinned pip requirements of the registered model, read from the installed packages
    (explicit and fast: MLflow's own inference imports the model in a subprocess)."""
    from importlib.metadata import PackageNotFoundError, version

    pins = []
    for package in MODEL_PACKAGES:
        try:
            pins.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            continue
    return pins


def _guard_auc(fitted: list[Fitted], allow_high_auc: bool) -> None:
    for result in fitted:
        auc = max(result.record["cv"]["auc"], result.record["holdout"]["auc"])
        if auc > MAX_AUC and not allow_high_auc:
            raise LeakageError(
                f"suspected overfitting or leakage: {result.candidate.name} reaches AUC {auc:.3f} "
                f"(> {MAX_AUC}); check the features (python -m ml leakage) or rerun with --allow-high-auc")


def _log_candidate(result: Fitted, y_hold: np.ndarray, cost_fn: float, cost_fp: float, figures: Path) -> None:
    import mlflow

    record = result.record
    mlflow.set_tags({"candidate": record["name"], "imbalance": record["imbalance"], "kind": record["kind"]})
    mlflow.log_params({k: v for k, v in record["params"].items()} or {"params": "default"})
    mlflow.log_metrics({**{f"cv_{k}": v for k, v in record["cv"].items() if isinstance(v, (int, float))},
                        **{f"holdout_{k}": v for k, v in record["holdout"].items()},
                        "threshold": record["threshold"], "raw_threshold": record["raw_threshold"],
                        "fit_time_s": record["fit_time_s"], "predict_time_s": record["predict_time_s"]})
    folder = figures / record["name"]
    title = record["name"]
    paths = [
        plots.roc(y_hold, result.holdout_probability, folder / "roc.png", f"ROC — {title}"),
        plots.cost_vs_threshold(y_hold, result.holdout_probability, record["threshold"], cost_fn, cost_fp,
                                folder / "cost_threshold.png", f"Coût vs seuil — {title}"),
        plots.confusion(y_hold, result.holdout_probability, record["threshold"], folder / "confusion.png",
                        f"Matrice de confusion — {title}"),
        plots.calibration(y_hold, result.holdout_raw, result.holdout_probability, folder / "calibration.png",
                          f"Calibration — {title}"),
    ]
    for path in paths:
        mlflow.log_artifact(str(path), "figures")


def _write_results(results: dict, reports_dir: Path) -> None:
    reports_dir.mkdir(parents=True, exist_ok=True)
    (reports_dir / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    lines = [f"# Résultats de l'entraînement (run MLflow `{results['run_id']}`)", "",
             f"Données : {results['dataset']['rows']:,} clients, taux de défaut {results['dataset']['default_rate']:.2%}, "
             f"{results['dataset']['features']} variables. Coût : FN = {results['cost']['fn']:g}, FP = {results['cost']['fp']:g}.", "",
             "| candidat | déséquilibre | coût CV | coût holdout | AUC holdout | accuracy | rappel | seuil | Brier | fit (s) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for c in results["candidates"]:
        h = c["holdout"]
        lines.append(f"| {c['name']} | {c['imbalance']} | {c['cv']['business_cost']:.4f} | {h['business_cost']:.4f} | "
                     f"{h['auc']:.4f} | {h['accuracy']:.4f} | {h['recall']:.4f} | {c['threshold']:.3f} | {h['brier']:.4f} | {c['fit_time_s']:.1f} |")
    champion = results["champion"]
    lines += ["", f"Champion : **{champion['name']}**, seuil {champion['threshold']:.3f} "
              f"(valeur de Bayes {champion['bayes_threshold']:.3f}), explication {champion['explain_ms_per_client']} ms/client; "
              f"version enregistrée {results['registered']['version']} (champion : {results['registered']['champion']}).", ""]
    (reports_dir / "results.md").write_text("\n".join(lines), encoding="utf-8")


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--features", type=Path, default=config.FEATURES_DIR, help="features folder")
    parser.add_argument("--quick", action="store_true", help="small search (tests, demo)")
    parser.add_argument("--n-iter", type=int, help="search iterations per candidate")
    parser.add_argument("--search-rows", type=int, default=60_000, help="rows used by the search")
    parser.add_argument("--allow-high-auc", action="store_true", help="do not stop when AUC > 0.82")
    parser.add_argument("--cost-fn", type=float, default=config.COST_FN)
    parser.add_argument("--cost-fp", type=float, default=config.COST_FP)
    parser.add_argument("--reports", type=Path, default=config.REPORTS_DIR)
    parser.add_argument("--only", nargs="*", help="candidate names to train (dummy always)")


def run(args: argparse.Namespace) -> int:
    results = train(args.features, quick=args.quick, n_iter=args.n_iter, allow_high_auc=args.allow_high_auc,
                    cost_fn=args.cost_fn, cost_fp=args.cost_fp, search_rows=args.search_rows,
                    reports_dir=args.reports, only=args.only)
    registered = results["registered"]
    print(f"registered {registered['name']} version {registered['version']}"
          f"{' as @champion' if registered['champion'] else ' (the champion stays: it has a lower holdout cost)'}; "
          f"results in {args.reports / 'results.md'}")
    return 0
