"""Bodies over the API's limit are refused before they are read: 413 in the API's error shape,
with the limit in the message (a 10 MB body used to be read up to 2.5 MB, then get a vague 400).
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from scoring_api.config.errors import error_body
from scoring_api.config.parsers import PayloadTooLarge


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse(error_body(400, "bad_request", "En-tête Content-Length invalide."),
                                status=400)
        if limit is not None and length > limit:
            error = PayloadTooLarge(limit=limit, received=length)
            response = JsonResponse(error_body(413, error.default_code, str(error.detail)),
                                    status=413)
            response["Connection"] = "close"  # the unread body is not to be taken as a request
            return response
        return self.get_response(request)
