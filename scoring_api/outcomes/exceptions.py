from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import APIException


class OutcomeConflict(APIException):
    """An outcome on record says otherwise: nothing of the batch is written."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "outcome_conflict"
    default_detail = "Issue déjà enregistrée avec une autre valeur : rien n'a été enregistré."

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__()
        self.fields = fields
