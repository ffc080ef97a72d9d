"""Token bucket with a fake clock."""

from __future__ import annotations

import pytest
from producer_fakes import FakeClock

from clients.producer.rate_limit import TokenBucket


def bucket(rate: float, clock: FakeClock, burst: float | None = None) -> TokenBucket:
    return TokenBucket(rate, burst=burst, clock=clock, sleep=clock.sleep)


def test_burst_is_free_then_requests_wait_for_tokens() -> None:
    clock = FakeClock()
    limiter = bucket(10, clock)
    assert [limiter.acquire() for _ in range(10)] == [0.0] * 10
    assert limiter.acquire() == pytest.approx(0.1)
    assert limiter.acquire(5) == pytest.approx(0.5)
    assert clock.sleeps == pytest.approx([0.1, 0.5])


def test_long_run_rate_holds_for_any_request_size() -> None:
    clock = FakeClock()
    limiter = bucket(100, clock)
    start = clock()
    for size in [500, 1, 250, 37, 500, 12] * 5:
        limiter.acquire(size)
    total = sum([500, 1, 250, 37, 500, 12] * 5)
    # The first `burst` units are free; everything after is paid at the rate.
    assert clock() - start == pytest.approx((total - 100) / 100)


def test_idle_time_refills_up_to_burst_only() -> None:
    clock = FakeClock()
    limiter = bucket(10, clock, burst=5)
    limiter.acquire(5)
    clock.advance(100)  # would be 1000 tokens without the cap
    assert limiter.acquire(5) == 0.0
    assert limiter.acquire(1) == pytest.approx(0.1)


def test_oversleeping_is_credited() -> None:
    clock = FakeClock()
    # Binary-exact numbers: rate 4/s, every sleep overshoots by half a second.
    limiter = TokenBucket(4, clock=clock, sleep=lambda s: clock.advance(s + 0.5))
    limiter.acquire(4)
    assert limiter.acquire(1) == 0.25  # slept 0.75: 2 tokens of credit
    assert [limiter.acquire() for _ in range(2)] == [0.0, 0.0]
    assert limiter.acquire() == 0.25


@pytest.mark.parametrize("rate", [0, -1])
def test_rate_must_be_positive(rate: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(rate)


def test_negative_acquire_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        TokenBucket(1).acquire(-1)
