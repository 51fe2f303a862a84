"""Writes of the outcomes app: a batch of outcomes, all or nothing, idempotent."""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from rest_framework.exceptions import ValidationError

from ml.monitoring.outcomes import MAX_ROWS, Outcome, validate_records
from scoring_api.outcomes.exceptions import OutcomeConflict
from scoring_api.outcomes.models import Outcome as OutcomeRecord

LOOKUP_CHUNK = 500


def outcomes_record(*, records: Any, source: str, imported_by: str) -> dict[str, int]:
    """Validate every row (errors named ``outcomes[i].field``), then write the new outcomes in
    one transaction. A row already on record with the same value is left as is; with another
    value the whole batch is refused (``OutcomeConflict``): a recorded outcome is never
    overwritten by an import."""
    if not isinstance(records, list) or not records:
        raise ValidationError({"outcomes": ["Liste d'issues non vide attendue."]})
    if len(records) > MAX_ROWS:
        raise ValidationError({"outcomes": [f"{len(records)} issues : au plus {MAX_ROWS} par envoi."]})
    outcomes, errors = validate_records(records)
    if errors:
        raise ValidationError({f"outcomes[{i}]": row for i, row in sorted(errors.items())})
    index = {(o.client_id, o.outcome_date): i for i, o in enumerate(outcomes)}
    with transaction.atomic():
        known = _known(outcomes)
        conflicts = {f"outcomes[{index[key]}].defaulted":
                     [f"déjà enregistrée avec defaulted={value} ; une issue enregistrée ne "
                      "change pas par import"]
                     for key, value in known.items()
                     if value != outcomes[index[key]].defaulted}
        if conflicts:
            raise OutcomeConflict(conflicts)
        new = [OutcomeRecord(client_id=o.client_id, outcome_date=o.outcome_date,
                             defaulted=o.defaulted, source=source[:200], imported_by=imported_by)
               for o in outcomes if (o.client_id, o.outcome_date) not in known]
        OutcomeRecord.objects.bulk_create(new, batch_size=1000)
    return {"received": len(outcomes), "created": len(new), "unchanged": len(outcomes) - len(new)}


def _known(outcomes: list[Outcome]) -> dict[tuple, int]:
    """(client, date) → defaulted of the batch's rows already on record (locked for the write)."""
    known: dict[tuple, int] = {}
    for start in range(0, len(outcomes), LOOKUP_CHUNK):
        chunk = outcomes[start:start + LOOKUP_CHUNK]
        query = Q()
        for o in chunk:
            query |= Q(client_id=o.client_id, outcome_date=o.outcome_date)
        rows = OutcomeRecord.objects.select_for_update().filter(query).values_list(
            "client_id", "outcome_date", "defaulted")
        known.update({(c, d): v for c, d, v in rows})
    return known
