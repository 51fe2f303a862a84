"""The per-token rate limit: a sliding window estimated from two fixed-window counters."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from scoring_api.config.throttling import SlidingWindowUserRateThrottle

REQUEST = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=7))


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def throttle(monkeypatch):
    monkeypatch.setattr(SlidingWindowUserRateThrottle, "THROTTLE_RATES", {"user": "10/min"})
    cache.clear()
    clock = Clock(6_000.0)  # the start of a minute window (6,000 = 100 × 60)

    def make() -> SlidingWindowUserRateThrottle:
        instance = SlidingWindowUserRateThrottle()
        instance.timer = clock
        return instance

    yield make, clock
    cache.clear()


def allowed(make, count: int) -> list[bool]:
    return [make().allow_request(REQUEST, None) for _ in range(count)]


def test_the_limit_holds_within_a_window_and_tells_when_to_retry(throttle):
    make, clock = throttle
    assert allowed(make, 10) == [True] * 10
    clock.now += 20
    refused = make()
    assert refused.allow_request(REQUEST, None) is False
    assert refused.wait() == pytest.approx(40.0), "no room before this window ends"


def test_the_previous_window_counts_for_the_share_still_inside_the_sliding_window(throttle):
    make, clock = throttle
    assert allowed(make, 10) == [True] * 10
    clock.now += 60 + 30  # half-way through the next window: 10 × 0.5 = 5 still count
    assert allowed(make, 6) == [True] * 5 + [False]
    # 10 × (1 - s) + 5 < 10 once s > 0.5: the next call is allowed a moment later
    clock.now += 1
    assert allowed(make, 1) == [True]


def test_each_token_has_its_own_count(throttle):
    make, _ = throttle
    other = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=8))
    assert allowed(make, 10) == [True] * 10
    assert make().allow_request(other, None) is True
    assert make().allow_request(REQUEST, None) is False


def test_the_cost_stays_constant_the_cache_holds_counters_not_request_lists(throttle):
    make, _ = throttle
    allowed(make, 500)
    instance = make()
    instance.allow_request(REQUEST, None)
    window = int(6_000 // 60)
    assert cache.get(f"{instance.key}:{window}") == 10
