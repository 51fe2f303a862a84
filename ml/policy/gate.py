"""The fairness gate: the holdout fairness table of a candidate against the bounds the input
policy declares. Between the groups of each declared attribute (sex, age bands) that hold at
least ``min_group_clients`` holdout clients: the lowest approval rate over the highest must be
at least ``min_approval_ratio`` and the AUC gap at most ``max_auc_gap``. A version outside is
registered but becomes champion only through ``python -m ml promote --justify``."""
from __future__ import annotations

from ml.policy.input import InputPolicy, load


def _fr(value: float, decimals: int = 3) -> str:
    """A number as the note and the model card print it (French decimal comma)."""
    return f"{value:.{decimals}f}".replace(".", ",")


def fairness_gate(rows: list[dict], policy: InputPolicy | None = None) -> dict:
    """``{"passed", "violations": [French sentences], "bounds", "attributes": {attribute:
    {"approval_ratio", "auc_gap", "compared", "too_small"}}}`` for fairness rows (``attribute``,
    ``group``, ``clients``, ``approval_rate``, ``auc``) as ``ml.training.evaluate.fairness``
    writes them. An attribute with fewer than two groups large enough is reported as not
    measurable (it neither passes nor fails the gate)."""
    policy = policy or load()
    bounds = policy.fairness
    attributes: dict[str, dict] = {}
    violations: list[str] = []
    for attribute in bounds.attributes:
        rows_of = [r for r in rows if r.get("attribute") == attribute]
        compared = [r for r in rows_of if int(r.get("clients") or 0) >= bounds.min_group_clients]
        too_small = [str(r["group"]) for r in rows_of if r not in compared]
        summary: dict = {"compared": [str(r["group"]) for r in compared], "too_small": too_small,
                         "approval_ratio": None, "auc_gap": None}
        approvals = [float(r["approval_rate"]) for r in compared if r.get("approval_rate") is not None]
        if len(approvals) >= 2 and max(approvals) > 0:
            summary["approval_ratio"] = round(min(approvals) / max(approvals), 4)
            if summary["approval_ratio"] < bounds.min_approval_ratio:
                violations.append(f"{attribute} : rapport des taux d'accord {_fr(summary['approval_ratio'])} "
                                  f"< {_fr(bounds.min_approval_ratio, 2)}")
        aucs = [float(r["auc"]) for r in compared if r.get("auc") is not None]
        if len(aucs) >= 2:
            summary["auc_gap"] = round(max(aucs) - min(aucs), 4)
            if summary["auc_gap"] > bounds.max_auc_gap:
                violations.append(f"{attribute} : écart d'AUC {_fr(summary['auc_gap'])} > {_fr(bounds.max_auc_gap, 2)}")
        attributes[attribute] = summary
    return {"passed": not violations, "violations": violations, "attributes": attributes,
            "bounds": {"min_approval_ratio": bounds.min_approval_ratio, "max_auc_gap": bounds.max_auc_gap,
                       "min_group_clients": bounds.min_group_clients},
            "input_policy_version": policy.version}
