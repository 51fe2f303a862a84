"""Registered model: identical probabilities in a fresh process, additive SHAP explanations
and the registry commands (list, promote, no automatic demotion). The explanation time is a
benchmark target (bench/train.py), not a unit test."""
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from ml.config import PROJECT_ROOT, settings
from ml.errors import ModelNotFoundError
from ml.model.loading import load_model
from ml.model.scoring import CreditScoringModel
from vocabulary.decisions import GRANTED, REFUSED


@pytest.fixture(scope="module")
def champion(registered_model):
    return load_model(registered_model.uri)


@pytest.fixture(scope="module")
def clients(registered_model) -> pd.DataFrame:
    return pd.read_parquet(registered_model.features_dir / "features_train.parquet").head(200)


def _env(tracking_uri: str) -> dict:
    return {**os.environ, "MLFLOW_TRACKING_URI": tracking_uri}


def _cli(tracking_uri: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ml", *args], cwd=PROJECT_ROOT, env=_env(tracking_uri),
                          capture_output=True, text=True, timeout=180)


# --------------------------------------------------------------------------- reload
FRESH_PROCESS = """
import json, sys
import pandas as pd
from ml.model.loading import load_model
model = load_model(sys.argv[1])
frame = pd.read_parquet(sys.argv[2]).head(200)
probability = model.predict_proba(frame[model.features])
print(json.dumps({"version": model.version, "threshold": model.threshold,
                  "probability": [float(p).hex() for p in probability]}))
"""


def test_champion_reloads_in_a_fresh_process_with_identical_probabilities(registered_model, champion,
                                                                         clients) -> None:
    done = subprocess.run([sys.executable, "-c", FRESH_PROCESS, registered_model.uri,
                           str(registered_model.features_dir / "features_train.parquet")],
                          cwd=PROJECT_ROOT, env=_env(registered_model.tracking_uri), capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["version"] == registered_model.version
    assert answer["threshold"] == champion.threshold == registered_model.results["champion"]["threshold"]
    fresh = np.array([float.fromhex(p) for p in answer["probability"]])
    here = champion.predict_proba(clients[champion.features])
    np.testing.assert_array_equal(fresh, here)
    # beta calibration: never exactly 0 or 1, one probability per distinct raw score
    assert 0 < here.min() and here.max() < 1 and len(np.unique(here)) > 5


def test_pyfunc_predict_returns_probability_and_decision(registered_model, champion, clients) -> None:
    import mlflow.pyfunc

    pyfunc = mlflow.pyfunc.load_model(registered_model.uri)
    answer = pyfunc.predict(clients[champion.features])
    assert list(answer.columns) == ["probability_default", "decision"]
    np.testing.assert_allclose(answer["probability_default"], champion.predict_proba(clients[champion.features]))
    expected = np.where(answer["probability_default"] >= champion.threshold, REFUSED, GRANTED)
    assert answer["decision"].tolist() == expected.tolist()
    assert set(expected) == {GRANTED, REFUSED}, "the sample holds both decisions"


def test_scoring_model_metadata(champion, registered_model) -> None:
    assert champion.name == settings().model_name and champion.version == registered_model.version
    assert champion.metrics["auc"] == registered_model.results["champion"]["holdout"]["auc"]
    assert champion.global_importance[0]["feature"] in champion.features
    assert set(champion.dictionary) == set(champion.features)


def test_unknown_model_raises_model_not_found(registered_model) -> None:
    with pytest.raises(ModelNotFoundError, match="no registered model answers"):
        load_model(f"models:/{settings().model_name}/999")
    with pytest.raises(ModelNotFoundError, match="expected models:/<name>@<alias>"):
        load_model("runs:/abc/model")


# --------------------------------------------------------------------------- explanation
def test_explanation_adds_up_to_the_raw_log_odds(champion, clients) -> None:
    X = clients[champion.features]
    base, contributions = champion.explain(X)
    assert contributions.shape == (len(X), len(champion.features))
    booster = champion.estimator.steps[-1][1].booster_
    raw_score = booster.predict(X.to_numpy(dtype="float64"), raw_score=True)
    np.testing.assert_allclose(base + contributions.sum(axis=1), raw_score, rtol=1e-6, atol=1e-8)
    estimator_probability = champion.estimator.predict_proba(X.to_numpy(dtype="float64"))[:, 1]
    np.testing.assert_allclose(champion.calibrate(estimator_probability), champion.predict_proba(X))
    # one row explained alone gives the same contributions
    base_one, one = champion.explain(X.iloc[[7]])
    assert base_one == pytest.approx(base)
    np.testing.assert_allclose(one[0], contributions[7], atol=1e-9)


def test_linear_explanation_adds_up_to_the_decision_function() -> None:
    from imblearn.pipeline import Pipeline
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 4))
    X[rng.random(X.shape) < 0.1] = np.nan
    y = (rng.random(400) < 1 / (1 + np.exp(-np.nan_to_num(X[:, 0]) * 2 + 2))).astype(int)
    pipeline = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler()),
                         ("sample", RandomUnderSampler(random_state=0)),
                         ("clf", LogisticRegression())]).fit(X, y)
    model = CreditScoringModel(pipeline, "linear", ["a", "b", "c", "d"], threshold=0.3)
    base, contributions = model.explain(X)
    np.testing.assert_allclose(base + contributions.sum(axis=1), pipeline.decision_function(X), atol=1e-9)
    np.testing.assert_allclose(model.predict_proba(X), pipeline.predict_proba(X)[:, 1], atol=1e-9)



# --------------------------------------------------------------------------- registry
def test_models_command_lists_the_champion(registered_model) -> None:
    done = _cli(registered_model.tracking_uri, "models")
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.split()[:1] == [registered_model.version])
    assert "champion" in row and "lightgbm_class_weight" in row
    check = _cli(registered_model.tracking_uri, "models", "--check-champion")
    assert check.returncode == 0 and check.stdout == ""


@pytest.mark.slow
def test_registry_promotes_only_a_better_model_and_promote_moves_the_alias(registered_model, champion,
                                                                           tmp_path, monkeypatch) -> None:
    import mlflow

    from ml.model.registry import experiment_id, register, versions

    uri = f"sqlite:///{tmp_path / 'mlruns.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    try:
        empty = _cli(uri, "models", "--check-champion")
        assert empty.returncode == 1, "no champion in an empty registry"
        with mlflow.start_run(experiment_id=experiment_id()) as run:
            mlflow.pyfunc.log_model(name="model", python_model=champion, pip_requirements=[])
        assert register(run.info.run_id, "model", 0.50) == ("1", True)   # first: champion
        assert register(run.info.run_id, "model", 0.60) == ("2", False)  # worse: not promoted
        assert register(run.info.run_id, "model", 0.50) == ("3", False)  # equal: not promoted
        assert {row["version"]: row["aliases"] for row in versions()} == {"1": ["champion"], "2": [], "3": []}
        assert register(run.info.run_id, "model", 0.45) == ("4", True)   # better: promoted
        assert load_model().version == "4"

        listed = _cli(uri, "models")
        assert listed.returncode == 0, listed.stderr
        lines = {line.split()[0]: line for line in listed.stdout.splitlines()[1:]}
        assert sorted(lines) == ["1", "2", "3", "4"] and "champion" in lines["4"]
        assert "0.6" in lines["2"]

        moved = _cli(uri, "promote", "--version", "2")
        assert moved.returncode == 0, moved.stderr
        assert "version 2 is now @champion" in moved.stdout
        assert load_model().version == "2"
        assert [row["version"] for row in versions() if "champion" in row["aliases"]] == ["2"]

        missing = _cli(uri, "promote", "--version", "9")
        assert missing.returncode == 2 and "Traceback" not in missing.stderr
        assert missing.stderr.strip() == "error: model credit-scoring has no version 9 (see `python -m ml models`)"
        assert load_model().version == "2", "a failed promote leaves the champion in place"
    finally:
        mlflow.set_tracking_uri(registered_model.tracking_uri)
