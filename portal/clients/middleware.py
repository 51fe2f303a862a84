"""Turns a failing scoring API into a clear French page with the right status (503, 502 or
404), so that an API outage never shows up as a 500 or a traceback."""
from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from portal.clients.api_client import ApiError
from portal.clients.errors import error_page


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApiError):
            return None
        template = "portal/errors/404.html" if exception.status == 404 else "portal/errors/api.html"
        return error_page(
            request,
            status=exception.status,
            title=exception.title,
            message=exception.message,
            template=template,
        )
