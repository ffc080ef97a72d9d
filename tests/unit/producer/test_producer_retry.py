"""Backoff schedule and which errors are retried."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)
from producer_fakes import client_error

from clients.producer.retry import (
    RetryPolicy,
    backoff_delay,
    error_code,
    is_retryable_call_error,
    is_retryable_entry_error,
)


def test_ceiling_doubles_from_base_up_to_cap() -> None:
    almost_one = lambda: 1.0  # noqa: E731  (the ceiling itself)
    schedule = [backoff_delay(n, base=0.1, cap=1.0, rand=almost_one) for n in range(1, 7)]
    assert schedule == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0, 1.0])


def test_full_jitter_scales_the_ceiling_by_the_random_draw() -> None:
    draws = iter([0.0, 0.5, 0.25])
    delays = [backoff_delay(n, base=1.0, cap=10.0, rand=lambda: next(draws)) for n in (1, 2, 3)]
    assert delays == pytest.approx([0.0, 1.0, 1.0])


def test_large_retry_numbers_stay_at_the_cap() -> None:
    assert backoff_delay(10_000, base=0.1, cap=5.0, rand=lambda: 0.5) == pytest.approx(2.5)


def test_retry_numbers_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        backoff_delay(0, base=1, cap=1, rand=lambda: 0.5)


def test_policy_delay_uses_its_base_and_cap() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=0.5, max_delay=0.75)
    assert [policy.delay(n, lambda: 1.0) for n in (1, 2, 3)] == [0.5, 0.75, 0.75]


@pytest.mark.parametrize("kwargs", [{"max_attempts": 0}, {"base_delay": -1.0}, {"max_delay": -0.1}])
def test_policy_rejects_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ProvisionedThroughputExceededException", 400),
        ("KMSThrottlingException", 400),
        ("LimitExceededException", 400),
        ("ThrottlingException", 400),
        ("InternalFailure", 500),
        ("SomethingNew", 503),
        ("ServiceUnavailable", 503),
    ],
)
def test_throttling_and_server_errors_are_retried(code: str, status: int) -> None:
    exc = client_error(code, status)
    assert is_retryable_call_error(exc)
    assert error_code(exc) == code


@pytest.mark.parametrize(
    "code",
    [
        "ResourceNotFoundException",
        "ValidationException",
        "AccessDeniedException",
        "KMSAccessDeniedException",
        "InvalidArgumentException",
    ],
)
def test_client_errors_are_not_retried(code: str) -> None:
    assert not is_retryable_call_error(client_error(code, 400))


@pytest.mark.parametrize(
    "exc",
    [
        EndpointConnectionError(endpoint_url="http://localhost:1"),
        ReadTimeoutError(endpoint_url="http://localhost:1"),
        ConnectTimeoutError(endpoint_url="http://localhost:1"),
    ],
)
def test_connection_failures_are_retried(exc: Exception) -> None:
    assert is_retryable_call_error(exc)
    assert error_code(exc) == type(exc).__name__


@pytest.mark.parametrize(
    "exc", [NoCredentialsError(), ParamValidationError(report="bad"), ValueError("x")]
)
def test_other_failures_are_not_retried(exc: Exception) -> None:
    assert not is_retryable_call_error(exc)


def test_entry_errors_retried_unless_permanent() -> None:
    assert is_retryable_entry_error("ProvisionedThroughputExceededException")
    assert is_retryable_entry_error("InternalFailure")
    assert not is_retryable_entry_error("KMSAccessDeniedException")
    assert not is_retryable_entry_error("KMSDisabledException")
