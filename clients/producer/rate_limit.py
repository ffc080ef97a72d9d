"""Token-bucket rate limiter with an injectable clock and sleep."""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """Allows `rate` units per second on average, bursts of up to `burst` units.

    `acquire(n)` may ask for more than `burst` at once (a large batch): the bucket
    then goes into debt and waits until that debt is paid at `rate`, so the long-run
    rate holds for any request size.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self.rate = float(rate)
        self.burst = float(burst if burst is not None else max(1.0, rate))
        if self.burst <= 0:
            raise ValueError(f"burst must be positive, got {burst}")
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.burst
        self._last = clock()

    def _refill(self, now: float) -> None:
        elapsed = now - self._last
        if elapsed > 0:
            self._tokens = min(self.burst, self._tokens + elapsed * self.rate)
            self._last = now

    def acquire(self, n: float = 1) -> float:
        """Take `n` tokens, sleeping as long as needed; return the seconds slept."""
        if n < 0:
            raise ValueError(f"cannot acquire a negative amount, got {n}")
        now = self._clock()
        self._refill(now)
        self._tokens -= n
        if self._tokens >= 0:
            return 0.0
        wait = -self._tokens / self.rate
        self._sleep(wait)
        # The debt is paid at now + wait; time slept beyond that refills from there.
        self._tokens = 0.0
        self._last = now + wait
        return wait
