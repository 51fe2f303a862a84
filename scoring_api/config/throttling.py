"""Per-token rate limit at a constant cost per request.

DRF's ``UserRateThrottle`` keeps the time of every request of the window in the cache and
reads, inserts into and writes back that whole list on every call: at the default 100,000
requests an hour a busy token pays milliseconds per request (measured: 1.1 ms with 30,000
entries, more than the model's prediction and explanation). This throttle counts requests per
fixed window and estimates the sliding window from the current and the previous counts
(``previous × share of it still inside the sliding window + current``): one increment and one
read per request, whatever the rate.

The counters live in Django's cache: Redis when ``REDIS_URL`` is set, so that every worker of
every dyno counts the same requests (a token limited to N requests gets N, not N × workers);
the increment is atomic there, so concurrent requests can never both take the last place.
A cache that does not answer lets the request through (logged): scoring goes on.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from rest_framework.throttling import UserRateThrottle

logger = logging.getLogger(__name__)


class SlidingWindowUserRateThrottle(UserRateThrottle):
    """``UserRateThrottle``'s rate, scope and cache keys, counted in constant time."""

    def allow_request(self, request, view) -> bool:  # noqa: ANN001 (DRF's signature)
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        # counted with the token check, in the authentication's round trip (queue_counts)
        counted = _counted(request).pop(self.key, None)
        now = counted[0] if counted else self.timer()
        current_key, previous_key = self._keys(self.key, now)
        try:
            current, previous = counted[1:] if counted else self._count(current_key, previous_key)
        except Exception as error:  # noqa: BLE001 (an unreachable cache must not stop scoring)
            logger.warning("rate limit not applied, cache unavailable: %s", error)
            return True
        share = now % self.duration / self.duration
        if previous * (1 - share) + current - 1 >= self.num_requests:  # counted before this one
            try:
                self.cache.decr(current_key)  # a refused request does not use the window
            except Exception:  # noqa: BLE001, S110 (expired meanwhile: nothing to give back)
                pass
            self._wait = self._seconds_until_allowed(previous, current - 1, share)
            return False
        return True

    def _keys(self, key: str, now: float) -> tuple[str, str]:
        window = int(now // self.duration)
        return f"{key}:{window}", f"{key}:{window - 1}"

    def queue(self, pipeline, cache, user) -> tuple[str, float] | None:  # noqa: ANN001
        """Add this request's count for ``user`` to ``pipeline`` (a Redis pipeline of
        ``cache``), before ``allow_request``: (its key, the time counted) or None."""
        if self.rate is None:
            return None
        key = self.cache_format % {"scope": self.scope, "ident": user.pk}
        now = self.timer()
        self._queue(pipeline, cache, *self._keys(key, now))
        return key, now

    def _queue(self, pipeline, cache, current_key: str, previous_key: str) -> None:  # noqa: ANN001
        """The count's three commands (INCR, EXPIRE NX, GET); ``_replies`` reads them."""
        current, previous = (cache.make_and_validate_key(k) for k in (current_key, previous_key))
        pipeline.incr(current)
        pipeline.expire(current, int(2 * self.duration), nx=True)
        pipeline.get(previous)

    def _count(self, current_key: str, previous_key: str) -> tuple[int, int]:
        """(this request's place in the current window, count of the previous window)."""
        client, cache = redis_client(self.cache, current_key)
        if client is not None:  # Redis: one round trip
            pipeline = client.pipeline(transaction=False)
            self._queue(pipeline, cache, current_key, previous_key)
            return _replies(pipeline.execute())
        self.cache.add(current_key, 0, timeout=2 * self.duration)  # no-op when it exists
        return self.cache.incr(current_key), self.cache.get(previous_key, 0)

    def _seconds_until_allowed(self, previous: int, current: int, share: float) -> float:
        if current >= self.num_requests or previous == 0:
            return (1 - share) * self.duration  # at least until this window ends
        # previous × (1 - s) + current < limit once s > 1 - (limit - current) / previous
        return max(1 - (self.num_requests - current) / previous - share, 0.0) * self.duration

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


COUNTED = "_rate_counted"  # request attribute: {throttle key: (time, count, previous count)}


def queue_counts(pipeline, cache, request, user) -> Callable[[list], None]:  # noqa: ANN001
    """Queue in ``pipeline`` (a Redis pipeline of ``cache``) this request's counts for every
    sliding-window throttle of its view, for ``user`` (authenticated, not yet set on the
    request); returns what keeps the replies for ``allow_request``. So the token check and
    the rate limit cost one round trip to Redis (scoring_api.config.authentication)."""
    view = (request.parser_context or {}).get("view")
    throttles = [t for t in (view.get_throttles() if view else [])
                 if isinstance(t, SlidingWindowUserRateThrottle)]
    queued = [q for q in (t.queue(pipeline, cache, user) for t in throttles) if q]

    def keep(replies: list) -> None:
        counted = {key: (now, *_replies(replies[3 * i: 3 * i + 3]))
                   for i, (key, now) in enumerate(queued)}
        setattr(request._request, COUNTED, counted)  # noqa: SLF001
    return keep


def _replies(replies: list) -> tuple[int, int]:
    """(count, previous count) from the replies to one ``_queue``."""
    count, _, before = replies
    return int(count), int(before or 0)


def _counted(request) -> dict:  # noqa: ANN001 (DRF's Request)
    return getattr(getattr(request, "_request", request), COUNTED, {})


def redis_client(cache, key: str):  # noqa: ANN001, ANN202 (a Django cache, a redis client)
    """(The redis-py client behind a Redis cache, or None for another backend; the cache
    itself). Counters are stored as plain integers there, as Django's own ``incr`` stores
    them. django_common.cache keeps the client: Django's backend builds one per call."""
    from django.core.cache import cache as default_cache
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    if cache is default_cache:  # DRF's throttle cache is the proxy of the default cache
        cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None, cache
    return cache._cache.get_client(key, write=True), cache  # noqa: SLF001
