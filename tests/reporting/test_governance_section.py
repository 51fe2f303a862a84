"""The note's section on the input policy, the fairness gate and the policy's cost (issue 15):
from the session's real training results and a ``policy_cost.json`` in the bench folder."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from ml.policy.input import load
from reporting.generate import generate
from tests.reporting.test_generate import french, table_after


def _interval(mean: float, half: float) -> dict:
    return {"mean": mean, "low": round(mean - half, 5), "high": round(mean + half, 5), "n": 15}


def _entry(auc_with: float, auc_without: float, cost_with: float, cost_without: float) -> dict:
    return {"protocol": {"rows": 20000, "repeats": 3, "folds": 5},
            "excluded_features": ["CODE_GENDER_F", "CODE_GENDER_M"],
            "configs": {"with_policy": {"auc": _interval(auc_with, 0.004), "business_cost": _interval(cost_with, 0.01),
                                        "vs_baseline": None},
                        "without_policy": {"auc": _interval(auc_without, 0.004),
                                           "business_cost": _interval(cost_without, 0.01),
                                           "vs_baseline": {"auc": _interval(round(auc_without - auc_with, 5), 0.001),
                                                           "business_cost": _interval(round(cost_without - cost_with, 5), 0.003)}}}}


def test_the_section_states_policy_gate_and_cost(registered_model, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    (reports / "bench").mkdir(parents=True)
    shutil.copy(registered_model.reports_dir / "results.json", reports / "results.json")
    bare = generate(reports, tmp_path / "docs", local=False)["note"].read_text(encoding="utf-8")
    assert "### 9.1 Politique d'entrée, porte d'équité et coût de la politique" in bare
    assert "Coût de la politique : non mesuré" in bare

    (reports / "bench" / "policy_cost.json").write_text(json.dumps(
        {"synthetic": _entry(0.7412, 0.7431, 0.5120, 0.5080)}), encoding="utf-8")
    note = generate(reports, tmp_path / "docs", local=False)["note"].read_text(encoding="utf-8")
    policy = load()
    assert f"version **{policy.version}**" in note and policy.sha256[:16] in note
    assert "**Exclu : `CODE_GENDER`** (variables écartées : CODE_GENDER_F, CODE_GENDER_M)" in note
    assert "**Sensible, autorisé : `DAYS_BIRTH`**" in note and "AGE_YEARS" in note
    gate = registered_model.results["fairness_gate"]
    verdict = "dans les bornes" if gate["passed"] else "hors bornes (" + " ; ".join(gate["violations"])
    assert f"Verdict pour ce champion : **{verdict}" in note
    assert len(table_after(note, "| attribut | groupes comparés |")) == 2
    [row] = table_after(note, "| données | clients | plis |")
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[:3] == ["démo synthétique", "20\u202f000", "3 × 5"]
    assert cells[3].startswith(french(0.7412, 4)) and cells[4] == french(0.7431, 4)
    # the policy's cost: AUC lost (without − with) and extra cost (with − without), paired
    assert cells[7].startswith(french(0.0019, 4)) and cells[8].startswith(french(0.0040, 4))
