"""HTTP layer of the scoring API: validate the request, call a service or selector, answer.
Contract: docs/architecture.md ("Scoring API contract"); schema at /schema, UI at /docs."""
from __future__ import annotations

from typing import Any

import numpy as np
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ml.errors import MLError
from scoring_api.scoring import selectors, services
from scoring_api.scoring import serializers as s

ERRORS = {400: s.ErrorSerializer, 401: s.ErrorSerializer, 404: s.ErrorSerializer,
          503: s.ErrorSerializer}
CLIENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="SK_ID_CURR")


def _query(serializer_class: type, request: Request,
           **context: Any) -> dict:
    serializer = serializer_class(data=request.query_params, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScoreViewSet(viewsets.ViewSet):
    """Scores: a stored client (GET /score/<id>) or a posted application (POST /score)."""

    lookup_value_regex = r"\d+"

    @extend_schema(parameters=[CLIENT_ID], responses={200: s.ScoreSerializer, **ERRORS},
                   summary="Score, décision et raisons d'un client connu")
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(services.score_client(int(pk)))

    @extend_schema(request=s.ApplicationSerializer,
                   responses={200: s.SimulationSerializer, **ERRORS},
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


class _Rows:
    """A DataFrame seen as a sequence of contract rows, built only for the page shown."""

    def __init__(self, frame) -> None:  # noqa: ANN001
        self.frame = frame

    def __len__(self) -> int:
        return len(self.frame)

    def __getitem__(self, window: slice) -> list[dict]:
        page = self.frame.iloc[window]
        return [
            {"client_id": int(client_id), "sex": services._plain(row["CODE_GENDER"]),
             "age_years": services._plain(row["AGE_YEARS"]),
             "income": services._plain(row["AMT_INCOME_TOTAL"]),
             "credit": services._plain(row["AMT_CREDIT"]),
             "contract_type": services._plain(row["NAME_CONTRACT_TYPE"]),
             "decision": row["decision"],
             "probability_default": round(float(row["probability_default"]), 6)}
            for client_id, row in page.iterrows()
        ]


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
        model, population = services.current()
        found = selectors.search_clients(model, population, selectors.ClientFilters(**filters))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(_Rows(found), request, view=self)
        return paginator.get_paginated_response(page)

    @extend_schema(parameters=[CLIENT_ID], responses={200: s.ClientDetailSerializer, **ERRORS},
                   summary="Données descriptives d'un client")
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(services.client_detail(int(pk)))

    @extend_schema(parameters=[CLIENT_ID, s.SimilarQuerySerializer],
                   responses={200: s.SimilarSerializer, **ERRORS},
                   summary="Les k clients les plus proches (âge, revenus, crédit...)")
    @action(detail=True, methods=["get"])
    def similar(self, request: Request, pk: str) -> Response:
        k = _query(s.SimilarQuerySerializer, request)["k"]
        client_id = int(pk)
        model, population = services.current()
        services.known_client(population, client_id)
        ids, distances = selectors.neighbours(population, client_id, k)
        scores = selectors.population_scores(model, population).reindex(ids)
        decided = selectors.decisions(model, scores)
        return Response({
            "client_id": client_id, "k": len(ids),
            "features_used": list(selectors.SIMILARITY_COLUMNS),
            "neighbours": [{"client_id": int(i), "distance": round(float(d), 6),
                            "probability_default": round(float(p), 6), "decision": str(c)}
                           for i, d, p, c in zip(ids, distances, scores, decided)],
        })


class PopulationViewSet(viewsets.ViewSet):
    """Population statistics for comparing a client with all or similar clients."""

    @extend_schema(responses={200: s.FeatureListSerializer, **ERRORS},
                   summary="Variables proposées pour les comparaisons")
    @action(detail=False, methods=["get"])
    def features(self, request: Request) -> Response:
        model, population = services.current()
        return Response({"features": selectors.comparable_features(model, population)})

    def _group(self, population, query: dict) -> np.ndarray | None:  # noqa: ANN001
        client_id = query.get("client")
        if client_id is not None:
            services.known_client(population, client_id)
        return selectors.group_ids(population, query["group"], client_id)

    @extend_schema(parameters=[s.StatsQuerySerializer], responses={200: s.StatsSerializer, **ERRORS},
                   summary="Distribution d'une variable et position du client")
    @action(detail=False, methods=["get"])
    def stats(self, request: Request) -> Response:
        model, population = services.current()
        query = _query(s.StatsQuerySerializer, request, features=model.features)
        ids = self._group(population, query)
        answer = selectors.feature_stats(population, query["feature"], ids, query.get("client"),
                                         query["bins"])
        return Response({**answer, "group": query["group"]})

    @extend_schema(parameters=[s.ScatterQuerySerializer],
                   responses={200: s.ScatterSerializer, **ERRORS},
                   summary="Nuage de points de deux variables (échantillon du groupe)")
    @action(detail=False, methods=["get"])
    def scatter(self, request: Request) -> Response:
        model, population = services.current()
        query = _query(s.ScatterQuerySerializer, request, features=model.features)
        ids = self._group(population, query)
        x, y = query["x"], query["y"]
        client = None
        if query.get("client") is not None:
            row = population.row(query["client"])
            client = {name: services._json_value(row[model.features.index(feature)])
                      for name, feature in (("x", x), ("y", y))}
        return Response({
            "x": selectors.feature_entry(population, x), "y": selectors.feature_entry(population, y),
            "group": query["group"],
            "points": selectors.scatter_points(model, population, x, y, ids, query["n"]),
            "client": client,
        })


class ModelView(APIView):
    @extend_schema(responses={200: s.ModelInfoSerializer, **ERRORS},
                   summary="Le modèle en service : version, seuil, métriques, importance")
    def get(self, request: Request) -> Response:
        model, _ = services.current()
        return Response({"name": model.name, "version": model.version, "run_id": model.run_id,
                         "threshold": model.threshold, "metrics": model.metrics,
                         "global_importance": model.global_importance})


class HealthView(APIView):
    """Liveness and readiness, without authentication (load balancers, uptime probes)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(responses={200: s.HealthSerializer, 503: s.HealthSerializer},
                   summary="État du service (modèle chargé, clients connus)")
    def get(self, request: Request) -> Response:
        try:
            model, population = services.current()
        except MLError as error:
            return Response({"status": "unavailable", "reason": str(error)}, status=503)
        return Response({"status": "ok", "model": {"name": model.name, "version": model.version},
                         "clients": len(population.clients)})
