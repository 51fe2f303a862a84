"""The API's JSON parser: DRF's, with a bound on nesting. Python's JSON decoder recurses once
per level, so 5,000 nested arrays raised RecursionError, a 500 with a traceback; no request of
the contract is deeper than a few levels. ``PayloadTooLarge``: the 413 of
``BodySizeLimitMiddleware`` (a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``)."""
from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 20


def _size(n: int) -> str:
    """Bytes in French: ``1048576`` → « 1 Mo », ``2621440`` → « 2,5 Mo », ``100`` → « 100 o »."""
    for unit, size in (("Mo", 1_048_576), ("ko", 1024)):
        if n >= size:
            return f"{n / size:.1f}".removesuffix(".0").replace(".", ",") + f" {unit}"
    return f"{n} o"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self, *, limit: int, received: int | None = None) -> None:
        got = f" (reçu : {_size(received)})" if received else ""
        super().__init__(f"Corps de requête trop volumineux : {_size(limit)} au plus ({limit} "
                         f"octets){got}.")


def json_depth(value: Any) -> int:
    """How deeply ``value`` nests lists and dicts (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            depth += 1
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                break
            stack.extend((child, depth) for child in item)
    return deepest


class BoundedJSONParser(JSONParser):
    """JSON bodies nested at most ``MAX_JSON_DEPTH`` levels."""

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict | None = None) -> Any:
        too_deep = ParseError(f"Corps JSON trop imbriqué : {MAX_JSON_DEPTH} niveaux au plus.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise too_deep
        return data
