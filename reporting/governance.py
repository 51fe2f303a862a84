"""Facts of the note's section on the input policy and the fairness gate (issue 15): the policy
the champion was trained under (from ``results.json``), the gate's verdict, and what the policy
costs in AUC and business cost (``reports/bench/policy_cost.json``, ``python -m ml policy-cost``).
Absent inputs give ``None`` (the note prints "non mesuré"); nothing is ever invented."""
from __future__ import annotations

from typing import Any

DATA_SET_NAMES = {"synthetic": "démo synthétique", "real_sample": "échantillon réel"}


def _negated(difference: dict[str, float]) -> dict[str, float]:
    """An interval of (without − with) turned into (with − without), ends swapped."""
    return {"mean": -difference["mean"], "low": -difference["high"], "high": -difference["low"]}


def _cost_rows(policy_cost: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per data set: both AUCs and costs with their intervals, and the paired cost of
    the policy (with minus without: a positive Δcost is what the policy costs)."""
    rows = []
    for name, entry in (policy_cost or {}).items():
        configs = entry.get("configs", {}) if isinstance(entry, dict) else {}
        with_policy, without = configs.get("with_policy"), configs.get("without_policy")
        if not with_policy or not without or not without.get("vs_baseline"):
            continue
        paired = without["vs_baseline"]  # without − with
        rows.append({
            "name": DATA_SET_NAMES.get(name, name), "rows": entry.get("protocol", {}).get("rows"),
            "repeats": entry.get("protocol", {}).get("repeats"), "folds": entry.get("protocol", {}).get("folds"),
            "with_policy": with_policy, "without_policy": without,
            # the policy's cost = with − without = −(without − with)
            "auc_cost": _negated(paired["auc"]),
            "business_cost_cost": _negated(paired["business_cost"]),
            "excluded_features": entry.get("excluded_features", []),
        })
    return rows


def governance_facts(results: dict[str, Any], policy_cost: dict[str, Any] | None) -> dict[str, Any]:
    """``{"policy", "gate", "cost"}`` for the note (each ``None`` / empty when not measured)."""
    policy = results.get("input_policy")
    gate = results.get("fairness_gate")
    return {
        "policy": policy,
        "gate": gate,
        "gate_attributes": [{"attribute": attribute, **summary}
                            for attribute, summary in (gate or {}).get("attributes", {}).items()],
        "cost": _cost_rows(policy_cost),
    }
