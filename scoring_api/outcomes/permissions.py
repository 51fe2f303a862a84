"""Who may send outcomes: a token whose user has ``outcomes.submit_outcomes`` (the « outcomes »
group), never the portal's service token by default."""
from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from scoring_api.outcomes.models import SUBMIT_PERMISSION


class CanSubmitOutcomes(BasePermission):
    message = "Ce jeton n'a pas le droit d'envoyer des issues de crédit (groupe « outcomes »)."

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(SUBMIT_PERMISSION))
