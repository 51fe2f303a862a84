"""``python -m ml train``: from a dummy baseline to LightGBM, chosen by business cost.

``train`` runs four named stages:

1. **prepare** — the input policy (``ml/policy/input_policy.yaml``: excluded attributes out,
   sensitive ones flagged), the leakage check, then a stratified 80/20 train/holdout split (the holdout is
   touched once, at the end);
2. **fit candidates** — for each candidate (model × class-imbalance method) a randomised
   search with stratified 5-fold CV ranked by the business cost at the fold's optimal
   threshold, out-of-fold scores → calibrator → threshold, refit, holdout metrics; one nested
   MLflow run each (``ml.training.search``);
3. **select** — the AUC guard, then the best candidate by CV cost, explained (global SHAP
   importance), measured for fairness and judged by the fairness gate (``ml.policy.gate``);
4. **register and report** — the model logged as a pyfunc and registered (champion only if it
   passes the fairness gate and beats the current one on holdout cost), the model card,
   ``results.json`` and ``results.md``; the policy's version and hash on the runs and version.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from tqdm import tqdm

from ml.config import settings
from ml.errors import LeakageError, MLError
from ml.policy.gate import fairness_gate
from ml.policy.input import InputPolicy, load
from ml.training import plots
from ml.training.candidates import candidates
from ml.training.cost import weights
from ml.training.evaluate import explanation_ms_per_client, fairness, global_importance
from ml.training.search import FOLDS, Fitted, fit_candidate

MAX_AUC = 0.82
HOLDOUT_SHARE = 0.2
MODEL_ARTIFACT = "model"


@dataclass
class Prepared:
    """The training data after the leakage check, split into train and holdout."""

    features_dir: Path
    frame: pd.DataFrame
    features: list[str]
    dictionary: dict
    X: np.ndarray
    y: np.ndarray
    X_hold: np.ndarray
    y_hold: np.ndarray
    groups: pd.DataFrame  # holdout clients' sex and age, for the fairness table
    dataset: dict
    policy: InputPolicy
    lineage: dict[str, list[str]]


# --------------------------------------------------------------------------- data
def load_training_data(features_dir: Path, policy: InputPolicy | None = None
                       ) -> tuple[pd.DataFrame, list[str], dict, pd.DataFrame]:
    """(train feature frame, model features, dictionary, clients) of a features folder: the
    model features are every column the input policy does not exclude; each dictionary entry
    gets its lineage and the policy's flags (the policy read now, not when the folder was
    built)."""
    from ml.features.dictionary import LINEAGE

    policy = policy or load()
    features_dir = Path(features_dir)
    path = features_dir / "features_train.parquet"
    if not path.exists():
        raise MLError(f"{path} not found: build the features first (`python -m ml features`)")
    frame = pd.read_parquet(path)
    dictionary = json.loads((features_dir / "feature_dictionary.json").read_text(encoding="utf-8"))["features"]
    for name in frame.columns.drop(["SK_ID_CURR", "TARGET"], errors="ignore"):
        entry = dict(dictionary.get(name, {}))
        inputs = list(entry.get("inputs") or LINEAGE.get(name, []))
        status = policy.classify(name, inputs)
        dictionary[name] = {**entry, "inputs": inputs, "sensitive": status != "allowed",
                            "excluded": status == "excluded"}
    features = [c for c in frame.columns if c not in ("SK_ID_CURR", "TARGET")
                and not dictionary[c]["excluded"]]
    clients_path = features_dir / "clients.parquet"
    clients = pd.read_parquet(clients_path, columns=["SK_ID_CURR", "CODE_GENDER", "AGE_YEARS"]) \
        if clients_path.exists() else pd.DataFrame(columns=["SK_ID_CURR", "CODE_GENDER", "AGE_YEARS"])
    if frame["TARGET"].nunique() < 2:
        raise MLError(f"{path}: TARGET has a single class; cannot train")
    return frame, features, dictionary, clients


# --------------------------------------------------------------------------- stages
def prepare(features_dir: Path, policy: InputPolicy | None = None) -> Prepared:
    """Stage 1: load under the input policy, check for leakage, split train/holdout
    (stratified, seeded)."""
    from ml.model.registry import fingerprint
    from ml.training.leakage import check_leakage, load_sources

    features_dir = Path(features_dir)
    policy = policy or load()
    frame, features, dictionary, clients = load_training_data(features_dir, policy)
    y_all = frame["TARGET"].to_numpy(dtype=int)
    print(f"leakage check on {len(features)} features ...", flush=True)
    check_leakage(frame[features], y_all, load_sources(features_dir))
    X_all = frame[features].to_numpy(dtype="float64", na_value=np.nan)
    train_index, hold_index = train_test_split(np.arange(len(frame)), test_size=HOLDOUT_SHARE,
                                               stratify=y_all, random_state=settings().random_state)
    groups = frame.iloc[hold_index][["SK_ID_CURR"]].merge(clients, on="SK_ID_CURR", how="left")
    dictionary_document = json.loads((features_dir / "feature_dictionary.json").read_text(encoding="utf-8"))
    dataset = {"features_dir": str(features_dir), "rows": int(len(frame)),
               "train_rows": int(len(train_index)), "holdout_rows": int(len(hold_index)),
               "default_rate": round(float(y_all.mean()), 5), "features": len(features),
               "fingerprint": fingerprint([features_dir / "features_train.parquet"]),
               "provenance": dictionary_document.get("provenance")}
    lineage = {name: dictionary[name]["inputs"] for name in features}
    return Prepared(features_dir, frame, features, dictionary, X_all[train_index], y_all[train_index],
                    X_all[hold_index], y_all[hold_index], groups, dataset, policy, lineage)


def fit_candidates(data: Prepared, chosen: list, n_iter: int, search_rows: int, cost_fn: float,
                   cost_fp: float, experiment: str, figures: Path) -> list[Fitted]:
    """Stage 2: every chosen candidate searched, calibrated, refitted; one nested run each."""
    import mlflow

    fitted: list[Fitted] = []
    for candidate in tqdm(chosen, desc="candidates", unit="model"):
        with mlflow.start_run(experiment_id=experiment, run_name=candidate.name, nested=True) as child:
            result = fit_candidate(candidate, data.X, data.y, data.X_hold, data.y_hold, data.features,
                                   n_iter, search_rows, cost_fn, cost_fp, policy=data.policy,
                                   lineage=data.lineage)
            result.record["run_id"] = child.info.run_id
            _log_candidate(result, data.y_hold, cost_fn, cost_fp, figures)
            fitted.append(result)
            tqdm.write(f"  {candidate.name:<24} cv cost {result.record['cv']['business_cost']:.4f}  "
                       f"cv auc {result.record['cv']['auc']:.3f}  holdout auc {result.record['holdout']['auc']:.3f}")
    return fitted


def select(data: Prepared, fitted: list[Fitted], allow_high_auc: bool, cost_fn: float,
           cost_fp: float, train_run_id: str, figures: Path) -> tuple[Fitted, dict]:
    """Stage 3: the AUC guard, the best non-dummy candidate by CV cost, its explanation and
    fairness; returns it (with its metadata set) and the results document."""
    import mlflow

    _guard_auc(fitted, allow_high_auc)
    best = min((f for f in fitted if f.candidate.kind != "dummy"), key=lambda f: f.record["cv"]["business_cost"])
    importance, contributions, sample = global_importance(best.model, data.X_hold, data.dictionary)
    best.model.metadata = {
        "candidate": best.candidate.name, "metrics": best.record["holdout"], "cv_metrics": best.record["cv"],
        "global_importance": importance[:30],
        "dictionary": {f: data.dictionary.get(f, {}) for f in data.features},
        "cost_fn": cost_fn, "cost_fp": cost_fp, "train_run_id": train_run_id,
    }
    explain_ms = explanation_ms_per_client(best.model, data.X_hold)
    results = {
        "run_id": train_run_id, "dataset": data.dataset, "cost": {"fn": cost_fn, "fp": cost_fp},
        "candidates": [f.record for f in fitted],
        "champion": {**best.record, "explain_ms_per_client": explain_ms},
        "fairness": fairness(data.y_hold, best.holdout_probability, best.model.threshold, data.groups,
                             cost_fn, cost_fp),
        "global_importance": importance[:30],
    }
    results["fairness_gate"] = fairness_gate(results["fairness"], data.policy)
    results["input_policy"] = {
        **data.policy.record(), "owner": data.policy.owner, "date": data.policy.date,
        "excluded": data.policy.excluded, "sensitive_allowed": data.policy.sensitive_allowed,
        "excluded_features": sorted(n for n, e in data.dictionary.items() if e.get("excluded")),
        "sensitive_features_used": sorted(f for f in data.features if data.dictionary[f]["sensitive"]),
    }
    best.model.metadata["input_policy"] = data.policy.record()
    with mlflow.start_run(run_id=best.record["run_id"], nested=True):
        plots.shap_summary(contributions, sample, best.model.features, figures / "shap_summary.png",
                           "SHAP — importance globale (holdout)")
        mlflow.log_artifact(str(figures / "shap_summary.png"), "figures")
        mlflow.log_metric("explain_ms_per_client", explain_ms)
    return best, results


def register_and_report(data: Prepared, best: Fitted, results: dict, reports_dir: Path) -> dict:
    """Stage 4: log the pyfunc, register it (champion only if better), write the model card
    and the results files, all attached to the MLflow runs."""
    import mlflow

    from ml.model.registry import register
    from ml.training.model_card import model_card
    from ml.training.results import write_results

    with mlflow.start_run(run_id=best.record["run_id"], nested=True):
        info = mlflow.pyfunc.log_model(
            name=MODEL_ARTIFACT, python_model=best.model,
            input_example=data.frame[data.features].iloc[:2].astype("float64"),
            pip_requirements=model_requirements(),
        )
    gate = results["fairness_gate"]
    version, promoted = register(best.record["run_id"], MODEL_ARTIFACT, best.record["holdout"]["business_cost"],
                                 tags={"candidate": best.candidate.name,
                                       "holdout_auc": best.record["holdout"]["auc"],
                                       "train_run_id": results["run_id"], **data.policy.record(),
                                       "fairness_gate": "pass" if gate["passed"] else "fail",
                                       "fairness_violations": "; ".join(gate["violations"]) or "-"},
                                 gate_passed=gate["passed"])
    name = settings().model_name
    results["registered"] = {"name": name, "version": version, "champion": promoted,
                             "model_uri": info.model_uri}
    card_path = reports_dir / "model_cards" / f"{name}-v{version}.md"
    card_path.parent.mkdir(parents=True, exist_ok=True)
    card_path.write_text(model_card(results), encoding="utf-8")
    mlflow.log_artifact(str(card_path), "model_card")
    mlflow.MlflowClient().log_artifact(best.record["run_id"], str(card_path), "model_card")
    for path in write_results(results, reports_dir):
        mlflow.log_artifact(str(path))
    return results


def train(features_dir: Path, quick: bool = False, n_iter: int | None = None,
          allow_high_auc: bool = False, cost_fn: float | None = None,
          cost_fp: float | None = None, search_rows: int = 60_000,
          reports_dir: Path | None = None, only: list[str] | None = None,
          policy: Path | None = None) -> dict:
    """Train every candidate, track in MLflow, register the best; returns the results dict.
    ``policy``: another input policy file (tests); the declared one by default."""
    import mlflow

    from ml.model.registry import experiment_id, git_commit

    current = settings()
    cost_fn, cost_fp = weights(cost_fn, cost_fp)
    reports_dir = Path(reports_dir or current.reports_dir)
    figures = reports_dir / "figures"
    n_iter = n_iter or (2 if quick else 8)
    data = prepare(features_dir, load(policy))
    chosen = [c for c in candidates() if not only or c.name in only or c.kind == "dummy"]
    mlflow.set_tracking_uri(current.tracking_uri)
    experiment = experiment_id()
    with mlflow.start_run(experiment_id=experiment, run_name=f"train-{time.strftime('%Y%m%d-%H%M%S')}") as parent:
        mlflow.set_tags({"git_commit": git_commit(), "dataset_fingerprint": data.dataset["fingerprint"],
                         "quick": str(quick), **data.policy.record()})
        mlflow.log_params({**data.policy.record(), "cost_fn": cost_fn, "cost_fp": cost_fp, "folds": FOLDS, "n_iter": n_iter,
                           "holdout_share": HOLDOUT_SHARE, **{f"data_{k}": v for k, v in data.dataset.items()}})
        fitted = fit_candidates(data, chosen, n_iter, search_rows, cost_fn, cost_fp, experiment, figures)
        best, results = select(data, fitted, allow_high_auc, cost_fn, cost_fp, parent.info.run_id, figures)
        return register_and_report(data, best, results, reports_dir)


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


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    current = settings()
    parser.add_argument("--features", type=Path, default=current.features_dir, help="features folder")
    parser.add_argument("--quick", action="store_true", help="small search (tests, demo)")
    parser.add_argument("--n-iter", type=int, help="search iterations per candidate")
    parser.add_argument("--search-rows", type=int, default=60_000, help="rows used by the search")
    parser.add_argument("--allow-high-auc", action="store_true", help="do not stop when AUC > 0.82")
    parser.add_argument("--cost-fn", type=float, default=current.cost_fn)
    parser.add_argument("--cost-fp", type=float, default=current.cost_fp)
    parser.add_argument("--reports", type=Path, default=current.reports_dir)
    parser.add_argument("--only", nargs="*", help="candidate names to train (dummy always)")
    parser.add_argument("--policy", type=Path, default=None,
                        help="input policy file (default: ml/policy/input_policy.yaml, the declared one)")


def run(args: argparse.Namespace) -> int:
    results = train(args.features, quick=args.quick, n_iter=args.n_iter, allow_high_auc=args.allow_high_auc,
                    cost_fn=args.cost_fn, cost_fp=args.cost_fp, search_rows=args.search_rows,
                    reports_dir=args.reports, only=args.only, policy=args.policy)
    registered = results["registered"]
    gate = results["fairness_gate"]
    if registered["champion"]:
        outcome = " as @champion"
    elif not gate["passed"]:
        outcome = (" but NOT as @champion: outside the fairness gate (" + "; ".join(gate["violations"])
                   + f"); to promote it anyway: python -m ml promote --version {registered['version']} "
                   '--justify "why"')
    else:
        outcome = " (the champion stays: it has a lower holdout cost)"
    print(f"registered {registered['name']} version {registered['version']}{outcome}; "
          f"results in {args.reports / 'results.md'}")
    return 0
