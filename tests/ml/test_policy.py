"""The input policy (issue 15, item 1) and the fairness gate (item 2) with the challenger alias
(item 7, registry side): a declared, versioned file; training refuses an excluded feature and
records the policy; a version outside the gate is registered but not champion until
``ml promote --justify`` says why; ``ml models`` shows it all. Real MLflow registries in
temporary folders, tiny real trainings."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import ml.training.candidates
import ml.training.search
from ml.__main__ import main
from ml.config import settings
from ml.errors import MLError
from ml.policy.gate import fairness_gate
from ml.policy.input import POLICY_PATH, PolicyError, load
from ml.training.candidates import candidates
from ml.training.search import fit_candidate
from ml.training.train import train
from tests.ml.test_train import (  # noqa: F401 (fixtures)
    empty_store,
    isolated_registry,
    tiny_features,
)


def _policy(tmp_path: Path, **changes) -> Path:
    """A copy of the declared policy with ``changes`` (top-level keys, fairness merged)."""
    document = yaml.safe_load(POLICY_PATH.read_text(encoding="utf-8"))
    fairness = {**document["fairness"], **changes.pop("fairness", {})}
    document.update(changes, fairness=fairness)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the declared file
def test_the_declared_policy_excludes_sex_and_justifies_age() -> None:
    policy = load()
    assert list(policy.excluded) == ["CODE_GENDER"]
    assert list(policy.sensitive_allowed) == ["DAYS_BIRTH"]
    assert "2004/113/CE" in policy.excluded["CODE_GENDER"]
    assert "âge" in policy.sensitive_allowed["DAYS_BIRTH"].lower()
    assert policy.version == "1" and len(policy.sha256) == 64
    assert (policy.fairness.min_approval_ratio, policy.fairness.max_auc_gap) == (0.8, 0.05)
    assert policy.classify("CODE_GENDER_F") == "excluded"
    assert policy.classify("EMPLOYED_AGE_RATIO", ["DAYS_EMPLOYED", "DAYS_BIRTH"]) == "sensitive"
    assert policy.classify("EMPLOYMENT_YEARS", ["DAYS_EMPLOYED"]) == "allowed"


@pytest.mark.parametrize(("changes", "message"), [
    ({"excluded": {"CODE_GENDER": {"justification": " "}}}, "CODE_GENDER has no written justification"),
    ({"sensitive_allowed": {"CODE_GENDER": {"justification": "x"}}}, "CODE_GENDER both excluded and allowed"),
    ({"fairness": {"max_auc_gap": "beaucoup"}}, "invalid input policy"),
])
def test_a_bad_policy_is_refused_in_one_line(tmp_path, changes, message) -> None:
    with pytest.raises(PolicyError, match=message):
        load(_policy(tmp_path, **changes))
    with pytest.raises(PolicyError, match="unreadable"):
        load(tmp_path / "absent.yaml")


def test_the_hash_changes_with_the_file(tmp_path) -> None:
    assert load(_policy(tmp_path, version=2)).sha256 != load().sha256


# --------------------------------------------------------------------------- enforcement
def test_a_candidate_using_an_excluded_column_fails_before_any_fit(feature_dir, monkeypatch) -> None:
    import pandas as pd

    frame = pd.read_parquet(feature_dir / "features_train.parquet").head(300)
    features = ["EXT_SOURCE_2", "AMT_CREDIT", "CODE_GENDER_M"]
    X = frame[features].to_numpy("float64")
    y = frame["TARGET"].to_numpy(int)
    candidate = next(c for c in candidates() if c.name == "logreg_class_weight")
    fits = []
    monkeypatch.setattr(ml.training.search, "search", lambda *a, **k: fits.append(a) or ({}, {}))
    with pytest.raises(PolicyError, match=r"excludes CODE_GENDER_M \(from CODE_GENDER\)"):
        fit_candidate(candidate, X, y, X, y, features, 1, 100, 10, 1)
    assert not fits
    # a derived feature whose name says nothing is caught by its lineage
    with pytest.raises(PolicyError, match=r"excludes MY_RATIO \(from CODE_GENDER\)"):
        fit_candidate(candidate, X, y, X, y, ["EXT_SOURCE_2", "AMT_CREDIT", "MY_RATIO"], 1, 100, 10, 1,
                      lineage={"MY_RATIO": ["CODE_GENDER", "AMT_CREDIT"]})


def test_training_applies_and_records_the_policy(feature_dir, tmp_path, isolated_registry, monkeypatch) -> None:  # noqa: F811 (fixture)
    """A policy that also excludes age: the model loses AGE_YEARS; MLflow (run params and tags,
    version tags) and the model card carry this policy's version and hash."""
    import mlflow

    from ml.model.loading import load_model

    monkeypatch.setitem(ml.training.candidates.LIGHTGBM_DEFAULTS, "clf__n_estimators", 40)
    strict = _policy(tmp_path, version=7, excluded={
        "CODE_GENDER": {"justification": "Directive 2004/113/CE."},
        "DAYS_BIRTH": {"justification": "Essai : l'âge exclu lui aussi."}}, sensitive_allowed={})
    policy = load(strict)
    features = tiny_features(feature_dir, tmp_path / "features",
                             extra={"CODE_GENDER_F": lambda f: (f["SK_ID_CURR"] % 2).astype(float)})
    results = train(features, quick=True, n_iter=1, reports_dir=tmp_path / "reports",
                    only=["lightgbm_class_weight"], policy=strict)
    assert results["input_policy"]["input_policy_version"] == "7"
    assert results["input_policy"]["excluded_features"] == ["AGE_YEARS", "CODE_GENDER_F"]
    assert results["input_policy"]["sensitive_features_used"] == []
    client = mlflow.MlflowClient()
    run = client.get_run(results["run_id"])
    assert run.data.params["input_policy_sha256"] == policy.sha256 == run.data.tags["input_policy_sha256"]
    version = client.get_model_version(settings().model_name, results["registered"]["version"])
    assert version.tags["input_policy_version"] == "7" and version.tags["input_policy_sha256"] == policy.sha256
    model = load_model(f"models:/{settings().model_name}/{results['registered']['version']}")
    assert "AGE_YEARS" not in model.features and "CODE_GENDER_F" not in model.features
    assert model.metadata["input_policy"]["input_policy_version"] == "7"
    card = next((tmp_path / "reports" / "model_cards").iterdir()).read_text(encoding="utf-8")
    assert "version **7**" in card and policy.sha256[:16] in card and "Essai : l'âge exclu" in card
    # the fairness table still measures both sexes though sex is no input
    assert {row["group"] for row in results["fairness"] if row["attribute"] == "sexe"} == {"F", "M"}


def test_the_declared_policy_keeps_age_and_flags_it(registered_model) -> None:
    from ml.model.loading import load_model

    model = load_model(registered_model.uri)
    assert "AGE_YEARS" in model.features
    assert model.dictionary["AGE_YEARS"]["sensitive"] and not model.dictionary["AGE_YEARS"]["excluded"]
    assert registered_model.results["input_policy"]["input_policy_sha256"] == load().sha256
    assert "AGE_YEARS" in registered_model.results["input_policy"]["sensitive_features_used"]


# --------------------------------------------------------------------------- fairness gate
def _rows(approvals: dict[str, float], aucs: dict[str, float], clients: int = 500) -> list[dict]:
    return [{"attribute": "âge", "group": g, "clients": clients, "approval_rate": approvals[g],
             "auc": aucs[g]} for g in approvals]


def test_the_gate_applies_the_declared_bounds() -> None:
    inside = _rows({"a": 0.80, "b": 0.90}, {"a": 0.74, "b": 0.70})
    assert fairness_gate(inside)["passed"]
    ratio = fairness_gate(_rows({"a": 0.70, "b": 0.90}, {"a": 0.74, "b": 0.74}))
    assert not ratio["passed"] and ratio["violations"] == ["âge : rapport des taux d'accord 0,778 < 0,80"]
    gap = fairness_gate(_rows({"a": 0.9, "b": 0.9}, {"a": 0.75, "b": 0.671}))
    assert not gap["passed"] and gap["violations"] == ["âge : écart d'AUC 0,079 > 0,05"]
    # groups too small to compare are shown, not compared
    small = _rows({"a": 0.5, "b": 0.9}, {"a": 0.5, "b": 0.9}, clients=99)
    assert fairness_gate(small)["passed"]
    assert fairness_gate(small)["attributes"]["âge"]["too_small"] == ["a", "b"]


def test_every_training_run_is_judged_by_the_gate(registered_model) -> None:
    gate = registered_model.results["fairness_gate"]
    assert gate == fairness_gate(registered_model.results["fairness"])
    assert set(gate["attributes"]) == {"sexe", "âge"}


# --------------------------------------------------------------------------- registry
@pytest.fixture()
def outside_gate(feature_dir, tmp_path, isolated_registry, monkeypatch) -> dict:  # noqa: F811 (fixture)
    """Two tiny versions trained under a policy no model can meet (AUC gap ≤ −1 between
    groups of ≥ 1 client): both registered, neither champion."""
    monkeypatch.setitem(ml.training.candidates.LIGHTGBM_DEFAULTS, "clf__n_estimators", 40)
    impossible = _policy(tmp_path, fairness={"max_auc_gap": -1, "min_group_clients": 1})
    features = tiny_features(feature_dir, tmp_path / "features")
    runs = [train(features, quick=True, n_iter=1, reports_dir=tmp_path / f"reports{i}",
                  only=["logreg_class_weight"], policy=impossible) for i in (1, 2)]
    return {"runs": runs, "tmp": tmp_path}


def test_outside_the_gate_a_version_is_registered_but_not_champion(outside_gate, capsys) -> None:
    first = outside_gate["runs"][0]
    assert not first["fairness_gate"]["passed"] and not first["registered"]["champion"]
    assert main(["models", "--check-champion"]) == 1
    assert main(["models"]) == 0
    listing = capsys.readouterr().out
    assert "fail" in listing and "outside the gate: sexe : écart d'AUC" in listing


def test_promotion_outside_the_gate_needs_a_written_justification(outside_gate, capsys) -> None:
    import mlflow

    assert main(["promote", "--version", "1"]) == 2
    assert "outside the fairness gate" in capsys.readouterr().err
    assert main(["models", "--check-champion"]) == 1
    assert main(["promote", "--version", "1", "--justify", "  "]) == 2
    reason = "Validé par le comité des risques du 1er décembre : écart dû aux petits groupes."
    assert main(["promote", "--version", "1", "--justify", reason]) == 0
    assert "justification recorded" in capsys.readouterr().out
    version = mlflow.MlflowClient().get_model_version(settings().model_name, "1")
    assert version.tags["fairness_justification"] == reason
    assert version.tags["fairness_justified_by"] and version.tags["fairness_justified_at"]
    assert main(["models"]) == 0
    listing = capsys.readouterr().out
    assert "justified" in listing and reason in listing and "champion" in listing


def test_challenger_alias_is_set_shown_and_compared_before_promotion(outside_gate, capsys,
                                                                      monkeypatch) -> None:
    monkeypatch.setenv("REPORTS_DIR", str(outside_gate["tmp"] / "reports-monitoring"))
    assert main(["promote", "--version", "1", "--justify", "comité du 1er décembre"]) == 0
    assert "champion vs challenger" not in capsys.readouterr().out  # no comparison written yet
    assert main(["promote", "--challenger", "1"]) == 2  # the champion cannot be its own challenger
    assert main(["promote", "--challenger", "2"]) == 0
    assert main(["models"]) == 0
    listing = capsys.readouterr().out
    assert any(line.split()[:2] == ["2", "challenger"] for line in listing.splitlines())
    path = settings().challenger_comparison
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"champion": {"version": "1", "auc": 0.71, "cost": 0.52, "n": 812},
                                "challenger": {"version": "2", "auc": 0.74, "cost": 0.49, "n": 812}}))
    assert main(["promote", "--version", "2", "--justify", "meilleur sur les résultats connus"]) == 0
    out = capsys.readouterr().out
    assert "champion vs challenger on known outcomes" in out
    assert "0.7100" in out and "0.4900" in out and "lower cost on these outcomes: challenger" in out
    assert out.index("champion vs challenger") < out.index("is now @champion")
    path.write_text("{not json")
    assert main(["promote", "--version", "1", "--justify", "retour arrière"]) == 0
    assert "unreadable" in capsys.readouterr().out


def test_promoting_an_unknown_version_says_so(outside_gate, capsys) -> None:
    assert main(["promote", "--version", "9"]) == 2
    assert "has no version 9" in capsys.readouterr().err
    with pytest.raises(MLError):
        from ml.model.registry import set_challenger
        set_challenger("9")

