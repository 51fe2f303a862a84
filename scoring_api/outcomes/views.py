"""``POST /outcomes``: loan outcomes fed back (a token with the outcomes permission)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scoring_api.outcomes import serializers as s
from scoring_api.outcomes.permissions import CanSubmitOutcomes
from scoring_api.outcomes.services import outcomes_record
from scoring_api.scoring.serializers import ErrorSerializer


class OutcomesView(APIView):
    permission_classes = [IsAuthenticated, CanSubmitOutcomes]

    @extend_schema(request=s.OutcomeBatchSerializer,
                   responses={201: s.OutcomeImportSerializer, 200: s.OutcomeImportSerializer,
                              **{code: ErrorSerializer for code in (400, 401, 403, 409)}},
                   summary="Issues des crédits (défaut 0/1 constaté) : tout ou rien, un renvoi "
                           "identique est sans effet ; jeton avec la permission « outcomes »")
    def post(self, request: Request) -> Response:
        body = request.data
        if not isinstance(body, dict):
            raise ValidationError({"non_field_errors": ["Objet JSON attendu : {\"outcomes\": [...]}."]})
        unknown = sorted(set(body) - {"source", "outcomes"})
        if unknown:
            raise ValidationError({name: ["Champ inconnu."] for name in unknown})
        source = body.get("source") or f"api:{request.user.get_username()}"
        if not isinstance(source, str):
            raise ValidationError({"source": ["Texte attendu."]})
        answer = outcomes_record(records=body.get("outcomes"), source=source,
                                 imported_by=request.user.get_username())
        return Response(answer, status=status.HTTP_201_CREATED if answer["created"] else status.HTTP_200_OK)
