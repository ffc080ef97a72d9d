"""Retry policy: which failures are retried and how long to wait. Pure.

Backoff is exponential with full jitter: before retry n (n = 1, 2, ...), wait a
uniformly random time in [0, min(cap, base * 2**(n-1))). Full jitter spreads
retrying producers out instead of having them hit a throttled shard in lockstep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

# Whole-call errors worth retrying: throttling and transient service faults.
RETRYABLE_CALL_ERROR_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "KMSThrottlingException",
        "LimitExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "InternalFailure",
        "InternalServerError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)

# Per-entry error codes that another attempt cannot fix (the stream's KMS key is
# unusable); every other entry error (throughput exceeded, internal failure) is retried.
PERMANENT_ENTRY_ERROR_CODES = frozenset(
    {
        "KMSAccessDeniedException",
        "KMSDisabledException",
        "KMSInvalidStateException",
        "KMSNotFoundException",
        "KMSOptInRequired",
    }
)

# A connection that failed or timed out may have delivered the request: retrying it
# can duplicate records (at-least-once), losing them is worse.
_TRANSIENT_CONNECTION_ERRORS = (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)


def backoff_delay(retry: int, *, base: float, cap: float, rand: Callable[[], float]) -> float:
    """Seconds to wait before retry number `retry` (1-based); `rand()` is in [0, 1)."""
    if retry < 1:
        raise ValueError(f"retry numbers start at 1, got {retry}")
    ceiling = min(cap, base * 2.0 ** min(retry - 1, 60))
    return rand() * ceiling


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """`max_attempts` counts every PutRecords call for a batch, the first one included."""

    max_attempts: int = 5
    base_delay: float = 0.1
    max_delay: float = 5.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("backoff delays must not be negative")

    def delay(self, retry: int, rand: Callable[[], float]) -> float:
        return backoff_delay(retry, base=self.base_delay, cap=self.max_delay, rand=rand)


def error_code(exc: BaseException) -> str:
    """The AWS error code of a failed call, or the exception's class name."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or type(exc).__name__)
    return type(exc).__name__


def is_retryable_call_error(exc: BaseException) -> bool:
    """Whether a whole PutRecords call that raised `exc` is worth retrying."""
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return error_code(exc) in RETRYABLE_CALL_ERROR_CODES or int(status) >= 500
    return isinstance(exc, _TRANSIENT_CONNECTION_ERRORS)


def is_retryable_entry_error(code: str) -> bool:
    return code not in PERMANENT_ENTRY_ERROR_CODES
