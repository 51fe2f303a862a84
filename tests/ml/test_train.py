"""Training: results contract, LightGBM vs dummy, calibrated threshold beside Bayes, fairness,
a holdout never seen by search or resampling, and the leakage / AUC guards.

Most checks read the session's ``registered_model`` run; the few that need another run train
on a tiny slice of the session features into a temporary MLflow store of their own."""
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

import ml.training.candidates
import ml.training.search
import ml.training.train
from ml.config import settings
from ml.errors import LeakageError
from ml.training.cost import bayes_threshold, business_cost

HOLDOUT_FIELDS = {"auc", "accuracy", "precision", "recall", "f_beta", "business_cost", "brier"}
CANDIDATE_FIELDS = {"name", "imbalance", "cv", "holdout", "threshold", "bayes_threshold",
                    "fit_time_s", "predict_time_s"}
TINY_FEATURES = ["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "AGE_YEARS", "AMT_CREDIT",
                 "CREDIT_INCOME_RATIO", "PAYMENT_RATE", "CREDIT_TERM_MONTHS", "AMT_INCOME_TOTAL"]


# --------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def empty_store(mlflow_tracking_uri: str, tmp_path_factory) -> Path:
    """An empty, migrated MLflow sqlite store, built once (migrations take seconds) and copied."""
    import mlflow

    path = tmp_path_factory.mktemp("empty-store") / "mlruns.db"
    mlflow.MlflowClient(f"sqlite:///{path}").search_experiments()
    return path


@pytest.fixture()
def isolated_registry(mlflow_tracking_uri: str, empty_store: Path, tmp_path: Path, monkeypatch) -> str:
    """A temporary MLflow store for this test only (the session champion is never touched)."""
    import mlflow

    shutil.copy(empty_store, tmp_path / "mlruns.db")
    uri = f"sqlite:///{tmp_path / 'mlruns.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    yield uri
    mlflow.set_tracking_uri(mlflow_tracking_uri)


def tiny_features(feature_dir: Path, out: Path, rows: int = 1200, extra: dict | None = None) -> Path:
    """A features folder with ``rows`` clients and a few features (plus ``extra`` columns,
    declared in the dictionary as application features)."""
    train = pd.read_parquet(feature_dir / "features_train.parquet").head(rows)
    frame = train[["SK_ID_CURR", "TARGET", *TINY_FEATURES]].copy()
    dictionary = json.loads((feature_dir / "feature_dictionary.json").read_text(encoding="utf-8"))["features"]
    entries = {name: dictionary[name] for name in TINY_FEATURES}
    for name, values in (extra or {}).items():
        frame[name] = np.asarray(values(frame), dtype="float64")
        entries[name] = {"label": name, "unit": "", "source": "application", "description": name,
                         "sensitive": False}
    out.mkdir(parents=True)
    frame.to_parquet(out / "features_train.parquet", index=False)
    (out / "feature_dictionary.json").write_text(json.dumps({"features": entries}), encoding="utf-8")
    clients = pd.read_parquet(feature_dir / "clients.parquet")
    clients[clients["SK_ID_CURR"].isin(frame["SK_ID_CURR"])].to_parquet(out / "clients.parquet", index=False)
    return out


def holdout_split(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The trainer's split, recomputed from its documented settings (stratified 80/20)."""
    index = np.arange(len(frame))
    return train_test_split(index, test_size=ml.training.train.HOLDOUT_SHARE, stratify=frame["TARGET"],
                            random_state=settings().random_state)


# --------------------------------------------------------------------------- results contract
def test_results_json_has_every_contract_field(registered_model) -> None:
    results = json.loads((registered_model.reports_dir / "results.json").read_text(encoding="utf-8"))
    assert {"run_id", "dataset", "candidates", "champion", "fairness", "global_importance"} <= set(results)
    assert results["run_id"] == registered_model.results["run_id"]
    assert [c["name"] for c in results["candidates"]] == ["dummy", "lightgbm_class_weight"]
    for candidate in results["candidates"] + [results["champion"]]:
        assert CANDIDATE_FIELDS <= set(candidate), CANDIDATE_FIELDS - set(candidate)
        assert HOLDOUT_FIELDS <= set(candidate["holdout"])
        assert {"auc", "business_cost"} <= set(candidate["cv"])
        assert candidate["fit_time_s"] >= 0 and candidate["predict_time_s"] >= 0
    assert results["champion"]["name"] == "lightgbm_class_weight"
    assert results["champion"]["explain_ms_per_client"] > 0
    assert results["dataset"]["rows"] == results["dataset"]["train_rows"] + results["dataset"]["holdout_rows"]
    assert results["dataset"]["holdout_rows"] == pytest.approx(0.2 * results["dataset"]["rows"], abs=1)
    # champion at registration only inside the fairness gate (the fixture promotes it otherwise)
    assert results["registered"] == {"name": settings().model_name, "version": registered_model.version,
                                     "champion": results["fairness_gate"]["passed"],
                                     "model_uri": results["registered"]["model_uri"]}
    assert {"feature", "label", "mean_abs_shap"} <= set(results["global_importance"][0])


def test_results_markdown_has_a_row_per_candidate(registered_model) -> None:
    text = (registered_model.reports_dir / "results.md").read_text(encoding="utf-8")
    for candidate in registered_model.results["candidates"]:
        assert f"| {candidate['name']} | {candidate['imbalance']} |" in text
    assert "Champion : **lightgbm_class_weight**" in text


def test_lightgbm_beats_the_dummy(registered_model) -> None:
    by_name = {c["name"]: c for c in registered_model.results["candidates"]}
    dummy, lightgbm = by_name["dummy"], by_name["lightgbm_class_weight"]
    assert dummy["holdout"]["auc"] == pytest.approx(0.5)
    assert lightgbm["holdout"]["auc"] > dummy["holdout"]["auc"] + 0.08
    assert lightgbm["cv"]["auc"] > 0.65
    assert lightgbm["holdout"]["business_cost"] < dummy["holdout"]["business_cost"]
    assert lightgbm["cv"]["business_cost"] < dummy["cv"]["business_cost"]


def test_threshold_on_calibrated_probabilities_is_reported_beside_bayes(registered_model) -> None:
    for candidate in registered_model.results["candidates"]:
        assert candidate["bayes_threshold"] == pytest.approx(bayes_threshold(), abs=1e-5)
        assert 0 < candidate["threshold"] < 0.5
        assert 0 < candidate["raw_threshold"] < 1  # the uncalibrated optimum, for comparison
    champion = registered_model.results["champion"]
    # On calibrated probabilities the optimum sits near 1/11, not near 0.5.
    assert abs(champion["threshold"] - 1 / 11) < 0.12
    card = next((registered_model.reports_dir / "model_cards").glob("*.md")).read_text(encoding="utf-8")
    assert f"**{champion['threshold']:.3f}**" in card and f"valeur de Bayes {1 / 11:.3f}" in card


def test_brier_score_is_reported(registered_model) -> None:
    results = registered_model.results
    rate = results["dataset"]["default_rate"]
    for candidate in results["candidates"]:
        assert 0 < candidate["holdout"]["brier"] < 0.25
        assert 0 < candidate["cv"]["brier"] < 0.25
    dummy = results["candidates"][0]
    assert dummy["holdout"]["brier"] == pytest.approx(rate * (1 - rate), abs=0.01)


def test_fairness_rows_by_gender_and_age_band(registered_model) -> None:
    results = registered_model.results
    rows = results["fairness"]
    holdout = results["dataset"]["holdout_rows"]
    by_attribute: dict[str, list[dict]] = {}
    for row in rows:
        assert {"group", "clients", "auc", "approval_rate", "business_cost", "default_rate"} <= set(row)
        assert 0 <= row["approval_rate"] <= 1
        by_attribute.setdefault(row["attribute"], []).append(row)
    assert {r["group"] for r in by_attribute["sexe"]} == {"F", "M"}
    assert len(by_attribute["âge"]) >= 4
    assert sum(r["clients"] for r in by_attribute["sexe"]) == holdout
    assert sum(r["clients"] for r in by_attribute["âge"]) == holdout
    total_cost = sum(r["business_cost"] * r["clients"] for r in by_attribute["sexe"]) / holdout
    assert total_cost == pytest.approx(results["champion"]["holdout"]["business_cost"], abs=1e-3)


def test_sensitive_features_are_not_model_inputs(registered_model) -> None:
    from ml.model.loading import load_model

    model = load_model(registered_model.uri)
    assert not [f for f in model.features if f.startswith("CODE_GENDER")]
    assert model.features and len(model.features) == registered_model.results["dataset"]["features"]


def test_holdout_metrics_reproduce_from_the_registered_model(registered_model) -> None:
    from ml.model.loading import load_model

    frame = pd.read_parquet(registered_model.features_dir / "features_train.parquet")
    _, hold_index = holdout_split(frame)
    model = load_model(registered_model.uri)
    holdout = frame.iloc[hold_index]
    probability = model.predict_proba(holdout[model.features])
    y = holdout["TARGET"].to_numpy()
    expected = registered_model.results["champion"]["holdout"]
    assert roc_auc_score(y, probability) == pytest.approx(expected["auc"], abs=1e-4)
    refused = (probability >= model.threshold).astype(int)
    assert business_cost(y, refused) == pytest.approx(expected["business_cost"], abs=1e-4)


def test_every_candidate_is_a_nested_mlflow_run_with_artifacts(registered_model) -> None:
    import mlflow

    client = mlflow.MlflowClient(registered_model.tracking_uri)
    parent = client.get_run(registered_model.results["run_id"])
    assert parent.data.tags.get("dataset_fingerprint") == registered_model.results["dataset"]["fingerprint"]
    assert "git_commit" in parent.data.tags and parent.data.params["cost_fn"] == "10.0"
    children = client.search_runs([parent.info.experiment_id],
                                  f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert sorted(r.data.tags["mlflow.runName"] for r in children) == ["dummy", "lightgbm_class_weight"]
    champion_run = next(r for r in children if r.data.tags["mlflow.runName"] == "lightgbm_class_weight")
    assert {"threshold", "holdout_auc", "holdout_business_cost", "cv_auc"} <= set(champion_run.data.metrics)
    figures = {Path(a.path).name for a in client.list_artifacts(champion_run.info.run_id, "figures")}
    assert {"roc.png", "cost_threshold.png", "confusion.png", "calibration.png", "shap_summary.png"} <= figures
    assert client.list_artifacts(champion_run.info.run_id, "model_card")


# --------------------------------------------------------------------------- tiny runs
def test_holdout_is_never_seen_by_search_or_resampling(feature_dir, tmp_path, isolated_registry,
                                                        monkeypatch) -> None:
    from imblearn.under_sampling import RandomUnderSampler

    features = tiny_features(feature_dir, tmp_path / "features", rows=800,
                             extra={"ROW_MARKER": lambda f: f["SK_ID_CURR"]})
    marker = TINY_FEATURES.__len__()  # ROW_MARKER is the last model feature
    seen = {"search": set(), "out_of_fold": set(), "resampled": set(), "holdout": set(), "train": set()}

    def ids(X) -> set:
        return set(np.asarray(X)[:, marker].astype(np.int64).tolist())

    original_resample = RandomUnderSampler.fit_resample
    original_search, original_oof = ml.training.search.search, ml.training.search.out_of_fold
    original_fit = ml.training.train.fit_candidate

    def record_resample(self, X, y, **kwargs):
        seen["resampled"] |= ids(X)
        return original_resample(self, X, y, **kwargs)

    def record_search(candidate, X, y, *args, **kwargs):
        seen["search"] |= ids(X)
        return original_search(candidate, X, y, *args, **kwargs)

    def record_oof(candidate, params, X, y):
        seen["out_of_fold"] |= ids(X)
        return original_oof(candidate, params, X, y)

    def record_fit(candidate, X, y, X_hold, y_hold, *args, **kwargs):
        seen["train"] |= ids(X)
        seen["holdout"] |= ids(X_hold)
        return original_fit(candidate, X, y, X_hold, y_hold, *args, **kwargs)

    monkeypatch.setitem(ml.training.candidates.LIGHTGBM_DEFAULTS, "clf__n_estimators", 40)  # quick
    monkeypatch.setattr(RandomUnderSampler, "fit_resample", record_resample)
    monkeypatch.setattr(ml.training.search, "search", record_search)
    monkeypatch.setattr(ml.training.search, "out_of_fold", record_oof)
    monkeypatch.setattr(ml.training.train, "fit_candidate", record_fit)
    results = ml.training.train.train(features, quick=True, n_iter=1, reports_dir=tmp_path / "reports",
                             only=["lightgbm_undersampling", "logreg_class_weight"])

    frame = pd.read_parquet(features / "features_train.parquet")
    assert len(seen["holdout"]) == round(0.2 * len(frame))
    assert seen["holdout"] | seen["train"] == set(frame["SK_ID_CURR"])
    for step in ("search", "out_of_fold", "resampled", "train"):
        assert seen[step], f"{step} was not instrumented"
        assert not seen[step] & seen["holdout"], f"{step} saw holdout clients"
    # the split is stratified: the holdout default rate is the overall one
    holdout_rate = frame.set_index("SK_ID_CURR").loc[sorted(seen["holdout"]), "TARGET"].mean()
    assert holdout_rate == pytest.approx(frame["TARGET"].mean(), abs=0.01)
    # two class-imbalance methods compared, each inside the CV
    assert {c["imbalance"] for c in results["candidates"]} == {"none", "undersampling", "class_weight"}
    assert results["registered"]["version"] == "1" and results["registered"]["champion"]


def test_target_copy_stops_training(feature_dir, tmp_path, isolated_registry) -> None:
    features = tiny_features(feature_dir, tmp_path / "features",
                             extra={"TARGET_COPY": lambda f: f["TARGET"]})
    with pytest.raises(LeakageError, match="TARGET_COPY: derived from the target"):
        ml.training.train.train(features, quick=True, n_iter=1, reports_dir=tmp_path / "reports",
                       only=["logreg_class_weight"])
    assert not (tmp_path / "reports" / "results.json").exists()


def test_disguised_target_copy_is_caught_by_its_auc(feature_dir, tmp_path, isolated_registry) -> None:
    features = tiny_features(feature_dir, tmp_path / "features",
                             extra={"PAYMENT_HABIT": lambda f: f["TARGET"] * 2.0 + 1.0})
    with pytest.raises(LeakageError, match="suspicious feature PAYMENT_HABIT"):
        ml.training.train.train(features, quick=True, n_iter=1, reports_dir=tmp_path / "reports",
                       only=["logreg_class_weight"])


def test_auc_guard_stops_an_overfitting_model_unless_overridden(feature_dir, tmp_path, isolated_registry,
                                                               monkeypatch) -> None:
    import ml.training.leakage

    # A leak the feature-level check does not see (here: that check is switched off) must
    # still be stopped by the guard on the models' AUC.
    monkeypatch.setattr(ml.training.leakage, "check_leakage", lambda *args, **kwargs: None)
    rng = np.random.default_rng(0)
    features = tiny_features(feature_dir, tmp_path / "features",
                             extra={"PAYMENT_HABIT": lambda f: f["TARGET"] + rng.normal(0, 0.3, len(f))})
    with pytest.raises(LeakageError, match=r"suspected overfitting or leakage: logreg_class_weight "
                                           r"reaches AUC 0\.9\d+ \(> 0\.82\)"):
        ml.training.train.train(features, quick=True, n_iter=1, reports_dir=tmp_path / "reports",
                       only=["logreg_class_weight"])
    assert not (tmp_path / "reports" / "results.json").exists()

    results = ml.training.train.train(features, quick=True, n_iter=1, reports_dir=tmp_path / "reports",
                             only=["logreg_class_weight"], allow_high_auc=True)
    assert results["champion"]["holdout"]["auc"] > 0.82
    assert (tmp_path / "reports" / "results.json").exists()
