"""``/clients/<id>/decisions``: the advisor's decision on record (read the history, record a
new decision). Thin: validation in the serializer, rules in ``services``."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scoring_api.decisions import selectors, services
from scoring_api.decisions import serializers as s
from scoring_api.scoring.serializers import ErrorSerializer

CLIENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="SK_ID_CURR")
ERRORS = {code: ErrorSerializer for code in (400, 401, 404, 503)}


class DecisionsView(APIView):
    @extend_schema(parameters=[CLIENT_ID], responses={200: s.DecisionHistorySerializer, **ERRORS},
                   summary="Décision du conseiller en vigueur et historique (le plus récent d'abord)")
    def get(self, request: Request, id: int) -> Response:  # noqa: A002 (the API's path name)
        return Response(selectors.decision_history(client_id=id))

    @extend_schema(parameters=[CLIENT_ID], request=s.DecisionInputSerializer,
                   responses={201: s.DecisionSerializer, 200: s.DecisionSerializer,
                              409: ErrorSerializer, **ERRORS},
                   summary="Enregistrer la décision finale du conseiller (suit ou s'écarte du "
                           "modèle) ; jamais modifiable, une nouvelle décision remplace la "
                           "précédente")
    def post(self, request: Request, id: int) -> Response:  # noqa: A002
        serializer = s.DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record, created = services.decision_record(
            client_id=id, recorded_by=request.user.get_username(),
            **serializer.validated_data)
        return Response(selectors.decision_json(record, current=True),
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
