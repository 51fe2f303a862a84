"""Token authentication with a short shared memory of valid tokens.

DRF's ``TokenAuthentication`` reads the token table on every request (about a third of the
server time of ``GET /score/<id>``, measured). Valid tokens are remembered for
``API_TOKEN_CACHE_SECONDS`` (default 60) in Django's cache: Redis, shared by every worker and
dyno, when ``REDIS_URL`` is set, else this worker's memory. A token deleted or changed in the
admin is forgotten at once wherever the cache is shared (signal below), within that delay
otherwise; unknown tokens are never remembered. Keys are hashed: the cache never holds a token.

With Redis, a worker also keeps the tokens it verified, and on each request asks Redis only
whether the shared entry still exists, in the same round trip as the rate limit's counts
(``throttling.queue_counts``): one round trip per request instead of two, and no token or user
to decode (measured: a fifth of ``GET /score``'s cost above the web layer's was these two
round trips).
"""
from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from scoring_api.config.throttling import queue_counts, redis_client

logger = logging.getLogger(__name__)


def cache_key(key: str) -> str:
    return "api-token:" + hashlib.sha256(key.encode()).hexdigest()


# this worker's tokens verified through Redis: hashed key -> (user, token, until)
_verified: dict[str, tuple[Any, Token, float]] = {}
MAX_VERIFIED = 1000


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate(self, request: Request):  # noqa: ANN201 (DRF's signature)
        self.request = request  # for the rate limit's counts (a new instance per request)
        return super().authenticate(request)

    def authenticate_credentials(self, key: str):  # noqa: ANN201 (DRF's signature)
        ttl = getattr(settings, "API_TOKEN_CACHE_SECONDS", 60)
        if not ttl:
            return super().authenticate_credentials(key)
        hashed = cache_key(key)
        verified = _verified.get(hashed)
        if verified and verified[2] > time.monotonic():
            try:
                if self._still_shared(hashed, verified[0]):
                    return verified[:2]
            except Exception as error:  # noqa: BLE001 (cache down: read the token table)
                logger.warning("token cache unavailable: %s", error)
                return super().authenticate_credentials(key)
        _verified.pop(hashed, None)
        try:
            remembered = cache.get(hashed)
        except Exception as error:  # noqa: BLE001 (cache down: read the token table)
            logger.warning("token cache unavailable: %s", error)
            return super().authenticate_credentials(key)
        if remembered is None:
            remembered = super().authenticate_credentials(key)
            try:
                cache.set(hashed, remembered, timeout=ttl)
            except Exception as error:  # noqa: BLE001
                logger.warning("token cache unavailable: %s", error)
                return remembered
        if redis_client(cache, hashed)[0] is not None:  # shared: keep it here too
            if len(_verified) >= MAX_VERIFIED:
                _verified.clear()
            _verified[hashed] = (*remembered, time.monotonic() + ttl)
        return remembered

    def _still_shared(self, hashed: str, user: Any) -> bool:
        """Whether the shared entry ``hashed`` of this token still exists (deleted when the
        token is), with the rate limit's counts in the same round trip."""
        client, shared = redis_client(cache, hashed)
        if client is None:
            return False
        pipeline = client.pipeline(transaction=False)
        pipeline.exists(shared.make_and_validate_key(hashed))
        request = getattr(self, "request", None)
        keep = queue_counts(pipeline, shared, request, user) if request is not None else None
        replies = pipeline.execute()
        if keep:
            keep(replies[1:])
        return bool(replies[0])


def forget_token(sender, instance: Token, **kwargs) -> None:  # noqa: ANN001 (signal receiver)
    """A token deleted or changed in the admin stops working at once."""
    try:
        cache.delete(cache_key(instance.key))
    except Exception as error:  # noqa: BLE001
        logger.warning("token cache unavailable: %s", error)


post_delete.connect(forget_token, sender=Token, dispatch_uid="api-token-cache-delete")
post_save.connect(forget_token, sender=Token, dispatch_uid="api-token-cache-save")
