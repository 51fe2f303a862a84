"""Writes of the decisions app: record an advisor's final decision beside the model's view at
that moment (probability, threshold, version, computed here, never taken from the caller)."""
from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError

from scoring_api.decisions.exceptions import DecisionConflict, ModelChanged
from scoring_api.decisions.models import AdvisorDecision
from scoring_api.decisions.selectors import decision_current
from scoring_api.scoring.selectors import client_probability, current, known_client
from vocabulary import advisor_decisions as words

ATTEMPTS = 3  # a concurrent record for the same client: read the chain again and retry


def _check_reason(*, overridden: bool, reason_code: str, comment: str) -> None:
    """An override needs a reason from the list and a comment; following the model, no reason."""
    errors: dict[str, list[str]] = {}
    if overridden:
        if not reason_code:
            errors["reason_code"] = ["Obligatoire quand vous vous écartez de la recommandation "
                                     "du modèle : choisissez un motif."]
        if len(comment) < words.COMMENT_MIN_LENGTH:
            errors["comment"] = [f"Obligatoire quand vous vous écartez de la recommandation du "
                                 f"modèle : expliquez en au moins {words.COMMENT_MIN_LENGTH} "
                                 "caractères."]
    elif reason_code:
        errors["reason_code"] = ["Un motif ne s'indique que lorsque vous vous écartez de la "
                                 "recommandation du modèle."]
    if errors:
        raise ValidationError(errors)


def decision_record(*, client_id: int, final_decision: str, advisor: str, recorded_by: str,
                    reason_code: str = "", comment: str = "", model_version: str | None = None,
                    request_id: uuid.UUID | None = None) -> tuple[AdvisorDecision, bool]:
    """(record, created): the advisor's decision, superseding the client's previous record.

    The same ``request_id`` sent again returns the first record (a retried POST never records
    twice). Raises ``ModelChanged`` when the advisor saw another model version.
    """
    if request_id is not None:
        existing = AdvisorDecision.objects.filter(request_id=request_id).first()
        if existing is not None and existing.client_id == client_id:
            return existing, False
        if existing is not None:
            raise ValidationError({"request_id": ["Clé d'envoi déjà utilisée pour un autre client."]})
    model, population = current()
    known_client(population, client_id)
    if model_version and model_version != model.version:
        raise ModelChanged(model_version, model.version)
    probability = client_probability(model, population, client_id)
    model_decision = model.decide(probability)
    overridden = final_decision != model_decision
    comment = comment.strip()
    _check_reason(overridden=overridden, reason_code=reason_code, comment=comment)
    fields = dict(
        client_id=client_id, advisor=advisor, recorded_by=recorded_by,
        outcome=words.OVERRIDDEN if overridden else words.FOLLOWED,
        final_decision=final_decision, model_decision=model_decision, reason_code=reason_code,
        comment=comment, model_name=model.name, model_version=model.version,
        probability_default=round(probability, 6), threshold=float(model.threshold),
        request_id=request_id)
    for _ in range(ATTEMPTS):
        try:
            with transaction.atomic():
                previous = decision_current(client_id=client_id)
                return AdvisorDecision.objects.create(supersedes=previous, **fields), True
        except IntegrityError:
            if request_id is not None and AdvisorDecision.objects.filter(request_id=request_id).exists():
                return AdvisorDecision.objects.get(request_id=request_id), False
    raise DecisionConflict()
