"""Reads of the advisors' decisions: a client's current record and history, as the contract's
JSON (display-ready labels from ``vocabulary``)."""
from __future__ import annotations

from typing import Any

from scoring_api.decisions.models import AdvisorDecision
from scoring_api.scoring.selectors import current, known_client
from vocabulary import advisor_decisions as words


def decision_current(*, client_id: int) -> AdvisorDecision | None:
    """The record in force for the client: the one no later record supersedes."""
    return (AdvisorDecision.objects.filter(client_id=client_id, superseded_by__isnull=True)
            .order_by("-created_at", "-id").first())


def decision_json(record: AdvisorDecision, *, current: bool) -> dict[str, Any]:
    return {
        "id": record.pk, "client_id": record.client_id, "created_at": record.created_at,
        "advisor": record.advisor, "recorded_by": record.recorded_by,
        "outcome": record.outcome, "outcome_label": words.outcome_label(record.outcome),
        "final_decision": record.final_decision, "model_decision": record.model_decision,
        "reason_code": record.reason_code, "reason_label": words.reason_label(record.reason_code),
        "comment": record.comment,
        "model": {"name": record.model_name, "version": record.model_version},
        "probability_default": record.probability_default, "threshold": record.threshold,
        "supersedes": record.supersedes_id, "current": current,
    }


def decision_history(*, client_id: int) -> dict[str, Any]:
    """``GET /clients/<id>/decisions``: the record in force and every record, newest first
    (404 for a client the API does not know)."""
    _, population = current()
    known_client(population, client_id)
    return records_on_file(client_id=client_id)


def records_on_file(*, client_id: int) -> dict[str, Any]:
    """The record in force and every record of a client already known to exist, newest first
    (also part of ``GET /clients/<id>``, the client's file)."""
    records = list(AdvisorDecision.objects.filter(client_id=client_id)
                   .order_by("-created_at", "-id"))
    # the record in force, as ``decision_current`` finds it, from the same rows: one query
    superseded = {record.supersedes_id for record in records}
    in_force = next((record for record in records if record.pk not in superseded), None)
    history = [decision_json(r, current=r is in_force) for r in records]
    answer: dict[str, Any] = {"client_id": client_id, "history": history}
    if in_force is not None:
        answer["current"] = next(entry for entry in history if entry["current"])
    return answer
