"""HTTP layer of the scoring API: validate the request, call a service or selector, answer.
Contract: docs/architecture.md ("Scoring API contract"); schema at /schema, UI at /docs."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scoring_api.decisions.selectors import records_on_file
from scoring_api.decisions.serializers import ClientFileSerializer
from scoring_api.scoring import selectors, services
from scoring_api.scoring import serializers as s

ERRORS = {400: s.ErrorSerializer, 401: s.ErrorSerializer, 404: s.ErrorSerializer,
          503: s.ErrorSerializer}
CLIENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="SK_ID_CURR")


def _query(serializer_class: type, request: Request, **context: Any) -> dict:
    """The validated query string; a parameter the operation does not know is refused (a typo
    must not silently widen a search)."""
    serializer = serializer_class(data=request.query_params, context=context)
    unknown = sorted(set(request.query_params) - set(serializer.fields))
    if unknown:
        raise ValidationError({name or "(vide)": ["Paramètre inconnu."] for name in unknown})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScoreViewSet(viewsets.ViewSet):
    """Scores: a stored client (GET /score/<id>) or a posted application (POST /score)."""

    lookup_value_regex = r"\d+"

    @extend_schema(parameters=[CLIENT_ID], responses={200: s.ScoreSerializer, **ERRORS},
                   summary="Score, décision et raisons d'un client connu")
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(services.score_client(int(pk)))

    @extend_schema(parameters=[CLIENT_ID], responses={200: s.RecourseSerializer, **ERRORS},
                   summary="Accordé si… : les plus petits changements (montant, durée) qui "
                           "feraient accorder un client refusé (indicatif)")
    @action(detail=True, methods=["get"])
    def recourse(self, request: Request, pk: str) -> Response:
        return Response(selectors.client_recourse(int(pk)))

    @extend_schema(request=s.ApplicationSerializer,
                   responses={200: s.SimulationSerializer, **ERRORS, 413: s.ErrorSerializer},
                   summary="Score d'une demande brute, ou simulation à partir d'un client")
    def create(self, request: Request) -> Response:
        serializer = s.ApplicationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        base_client_id = fields.pop("base_client_id", None)
        return Response(services.score_application(fields, base_client_id))


class ClientPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request: Request, view=None):  # noqa: ANN001, ANN201
        """A page past the last one is a 404 ``page_not_found`` saying how many pages there
        are (the portal then shows the last page)."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            size = self.get_page_size(request) or self.page_size
            pages = max(1, -(-len(queryset) // size))
            raise NotFound(f"Page {request.query_params.get(self.page_query_param)} "
                           f"inexistante : {pages} page(s) de résultats.",
                           code="page_not_found") from None


class _Rows:
    """Search results seen as a sequence of contract rows, built only for the page shown."""

    def __init__(self, found) -> None:  # noqa: ANN001 (a DataFrame)
        self.found = found

    def __len__(self) -> int:
        return len(self.found)

    def __getitem__(self, window: slice) -> list[dict]:
        return selectors.client_rows(self.found.iloc[window])


class ClientViewSet(viewsets.ViewSet):
    """Known clients: search with filters, descriptive data, similar clients."""

    lookup_value_regex = r"\d+"
    pagination_class = ClientPagination

    @extend_schema(parameters=[s.ClientFilterSerializer],
                   responses={200: s.ClientRowSerializer(many=True), **ERRORS},
                   summary="Recherche de clients (filtres combinables, paginée)")
    def list(self, request: Request) -> Response:
        filters = _query(s.ClientFilterSerializer, request)
        filters.pop("page", None)
        filters.pop("page_size", None)  # validated here (DRF would ignore 0.62), read by the paginator
        model, population = selectors.current()
        found = selectors.search_clients(model, population, selectors.ClientFilters(**filters))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(_Rows(found), request, view=self)
        return paginator.get_paginated_response(page)

    @extend_schema(parameters=[CLIENT_ID], responses={200: ClientFileSerializer, **ERRORS},
                   summary="Le dossier d'un client : ses données et les décisions des "
                           "conseillers enregistrées")
    def retrieve(self, request: Request, pk: str) -> Response:
        client_id = int(pk)
        return Response({**selectors.client_detail(client_id),
                         "decisions": records_on_file(client_id=client_id)})

    @extend_schema(parameters=[CLIENT_ID, s.SimilarQuerySerializer],
                   responses={200: s.SimilarSerializer, **ERRORS},
                   summary="Les k clients les plus proches (âge, revenus, crédit...)")
    @action(detail=True, methods=["get"])
    def similar(self, request: Request, pk: str) -> Response:
        k = _query(s.SimilarQuerySerializer, request)["k"]
        return Response(selectors.similar_clients(int(pk), k))


class PopulationViewSet(viewsets.ViewSet):
    """Population statistics for comparing a client with all or similar clients."""

    @extend_schema(responses={200: s.FeatureListSerializer, **ERRORS},
                   summary="Variables proposées pour les comparaisons")
    @action(detail=False, methods=["get"])
    def features(self, request: Request) -> Response:
        model, population = selectors.current()
        return Response({"features": selectors.comparable_features(model, population)})

    @extend_schema(parameters=[s.StatsQuerySerializer], responses={200: s.StatsSerializer, **ERRORS},
                   summary="Distribution d'une variable et position du client")
    @action(detail=False, methods=["get"])
    def stats(self, request: Request) -> Response:
        model, _ = selectors.current()
        query = _query(s.StatsQuerySerializer, request, features=model.features)
        return Response(selectors.group_stats(feature=query["feature"], group=query["group"],
                                              client_id=query.get("client"), bins=query["bins"]))

    @extend_schema(parameters=[s.ScatterQuerySerializer],
                   responses={200: s.ScatterSerializer, **ERRORS},
                   summary="Nuage de points de deux variables (échantillon du groupe)")
    @action(detail=False, methods=["get"])
    def scatter(self, request: Request) -> Response:
        model, _ = selectors.current()
        query = _query(s.ScatterQuerySerializer, request, features=model.features)
        return Response(selectors.scatter(x=query["x"], y=query["y"], group=query["group"],
                                          client_id=query.get("client"), n=query["n"]))


class ModelView(APIView):
    @extend_schema(responses={200: s.ModelInfoSerializer, **ERRORS},
                   summary="Le modèle en service : version, seuil, métriques, importance")
    def get(self, request: Request) -> Response:
        model, _ = selectors.current()
        return Response({"name": model.name, "version": model.version, "run_id": model.run_id,
                         "threshold": model.threshold, "metrics": model.metrics,
                         "global_importance": model.global_importance})


class HealthView(APIView):
    """Liveness and readiness, without authentication (load balancers, uptime probes): status
    and model version only; with a token or a staff session, the details (issue 13 #5)."""

    permission_classes = [AllowAny]
    throttle_classes: list = []

    def perform_authentication(self, request: Request) -> None:
        """Lazy: a missing or wrong token gets the public answer, never a 401."""

    @extend_schema(responses={200: s.HealthSerializer, 503: s.HealthSerializer},
                   summary="État du service (public : statut et version du modèle ; avec un "
                           "jeton : détails)")
    def get(self, request: Request) -> Response:
        status, body = selectors.health(detailed=_staff_or_token(request))
        return Response(body, status=status)


def _staff_or_token(request: Request) -> bool:
    try:
        user = request.user
    except exceptions.APIException:  # a wrong token: the public answer
        return False
    return bool(user and user.is_authenticated and (user.is_staff or request.auth is not None))


class PingView(APIView):
    """The web layer alone (no model, no database, no token): the ceiling the benchmark
    compares ``GET /score`` with, and a liveness probe that never waits for the model."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(responses={200: s.PingSerializer},
                   summary="Le serveur web répond (ni modèle, ni base de données)")
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})
