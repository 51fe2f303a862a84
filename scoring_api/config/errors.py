"""One error shape for every failure of the API (docs/architecture.md):

    {"error": {"status": 404, "code": "client_not_found", "message": "...", "fields": {...}}}

DRF exceptions go through ``exception_handler``; Django's own 404/500 (unknown URL, a crash)
through ``page_not_found`` / ``server_error``, so a caller never gets an HTML page or a trace.
"""
from __future__ import annotations

import logging
from typing import Any

from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ml.config import mask_credentials_in
from ml.errors import MLError, ModelNotFoundError

logger = logging.getLogger(__name__)

MESSAGES = {
    "not_authenticated": "Authentification requise : en-tête « Authorization: Token <clé> ».",
    "authentication_failed": "Jeton d'authentification invalide.",
    "permission_denied": "Vous n'avez pas l'autorisation d'effectuer cette action.",
    "not_found": "Ressource introuvable.",
    "method_not_allowed": "Méthode HTTP non autorisée sur cette ressource.",
    "unsupported_media_type": "Corps de requête attendu en JSON (Content-Type: application/json).",
    "parse_error": "Corps de requête JSON illisible.",
    "throttled": "Trop de requêtes : réessayez plus tard.",
    "invalid": "Valeurs invalides.",
}


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "model_unavailable"
    default_detail = "Le modèle de scoring n'est pas disponible."


def error_body(status_code: int, code: str, message: str,
               fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"status": status_code, "code": code, "message": message,
                      "fields": fields or {}}}


def _fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested ``detail`` into ``{"field" or "field.sub": [messages]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_fields(value, name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_fields(item, f"{prefix}[{index}]"))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ModelNotFoundError):
        exc = ServiceUnavailable("Le modèle de scoring n'est pas disponible : "
                                 + mask_credentials_in(str(exc)))
    elif isinstance(exc, MLError):
        logger.exception("ml error in %s", context.get("view"))
        exc = ServiceUnavailable("Le service de scoring a rencontré une erreur : "
                                 + mask_credentials_in(str(exc)))
    response = drf_exception_handler(exc, context)
    if response is None:  # an unexpected exception: Django's handler500 answers (JSON)
        return None
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        fields = _fields(exc.detail)
        message = MESSAGES["invalid"] + " " + "; ".join(
            f"{name} : {' '.join(messages)}" for name, messages in fields.items())
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        fields = dict(getattr(exc, "fields", None) or {})  # rows named by a 409, e.g. outcomes
        message = str(detail)
        if code in MESSAGES and str(detail) == str(getattr(exc, "default_detail", "")):
            message = MESSAGES[code]
    response.data = error_body(response.status_code, str(code), message.strip(), fields)
    return response


def page_not_found(request, exception=None) -> JsonResponse:  # noqa: ANN001 (Django handler)
    return JsonResponse(
        error_body(404, "not_found", f"Aucune ressource à l'adresse {request.path}."), status=404)


def server_error(request) -> JsonResponse:  # noqa: ANN001 (Django handler)
    return JsonResponse(
        error_body(500, "server_error", "Erreur interne du service de scoring ; elle a été "
                   "journalisée."), status=500)


def bad_request(request, exception=None) -> JsonResponse:  # noqa: ANN001 (Django handler)
    return JsonResponse(error_body(400, "bad_request", "Requête invalide."), status=400)
