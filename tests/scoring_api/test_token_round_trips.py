"""With Redis, a token this worker verified costs one round trip per request: the check that
its shared entry still exists goes with the rate limit's counts (scoring_api.config
.authentication). A token deleted elsewhere stops working at once all the same, and the limit
still counts every request. Against the real Redis of this machine."""
from __future__ import annotations

import uuid

import pytest
import redis
from django.core.cache import caches
from rest_framework.authtoken.models import Token

from scoring_api.config import authentication
from tests.scoring_api.test_shared_limits import redis_url  # noqa: F401 (fixture)


@pytest.fixture
def shared_cache(settings, redis_url):  # noqa: F811
    settings.CACHES = {"default": {"BACKEND": "django_common.cache.RedisCache",
                                   "LOCATION": redis_url,
                                   "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"}}
    settings.API_TOKEN_CACHE_SECONDS = 60  # the test settings turn the memory off
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"user": "5/min"}}
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {"user": "5/min"}
    authentication._verified.clear()
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()
    authentication._verified.clear()
    SimpleRateThrottle.THROTTLE_RATES = original


@pytest.fixture
def round_trips(monkeypatch) -> list[str]:
    """Every command or pipeline sent to Redis."""
    sent: list[str] = []
    command, execute = redis.Redis.execute_command, redis.client.Pipeline.execute

    def counted_command(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        sent.append(str(args[0]))
        return command(self, *args, **kwargs)

    def counted_pipeline(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        sent.append("pipeline")
        return execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counted_command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", counted_pipeline)
    return sent


def test_a_verified_token_costs_one_round_trip_and_is_still_counted(api, shared_cache,
                                                                     round_trips):
    assert api.get("/model").status_code == 200  # verified once: token table, shared entry
    round_trips.clear()
    statuses = [api.get("/model").status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]  # 5 a minute, the first one included
    assert round_trips.count("pipeline") == 6
    # the two refused requests give their place back (Django's decr: EXISTS, INCRBY -1)
    assert [c for c in round_trips if c != "pipeline"] == ["EXISTS", "INCRBY"] * 2


def test_a_token_deleted_elsewhere_stops_at_once_in_a_worker_that_verified_it(
        api, shared_cache, token):
    assert api.get("/model").status_code == 200
    assert authentication._verified  # this worker remembers it
    # another worker or dyno deletes it: the signal deletes the shared entry, not our memory
    remembered = dict(authentication._verified)
    Token.objects.filter(key=token).delete()
    authentication._verified.update(remembered)
    assert api.get("/model").status_code == 401
