"""Token authentication with a short per-worker memory of valid tokens.

DRF's ``TokenAuthentication`` reads the token table on every request (about a third of the
server time of ``GET /score/<id>``, measured). Valid tokens are remembered for
``API_TOKEN_CACHE_SECONDS`` (default 60) in this worker's memory: a token deleted in the admin
stops working within that delay. Unknown tokens are never remembered.
"""
from __future__ import annotations

import threading
import time

from django.conf import settings
from rest_framework.authentication import TokenAuthentication


class CachedTokenAuthentication(TokenAuthentication):
    _valid: dict[str, tuple[float, object, object]] = {}
    _lock = threading.Lock()

    def authenticate_credentials(self, key: str):  # noqa: ANN201 (DRF's signature)
        ttl = getattr(settings, "API_TOKEN_CACHE_SECONDS", 60)
        now = time.monotonic()
        remembered = self._valid.get(key)
        if remembered and now - remembered[0] < ttl:
            return remembered[1], remembered[2]
        user, token = super().authenticate_credentials(key)
        if ttl:
            with self._lock:
                if len(self._valid) > 10_000:
                    self._valid.clear()
                self._valid[key] = (now, user, token)
        return user, token

    @classmethod
    def forget(cls) -> None:
        with cls._lock:
            cls._valid.clear()
