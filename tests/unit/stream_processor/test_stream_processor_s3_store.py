"""S3ObjectStore: a failed write is retried with backoff inside the invocation."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from lambda_common.settings import ConfigurationError
from stream_processor.batch import ObjectWriteError
from stream_processor.config import load_settings
from stream_processor.s3_store import S3ObjectStore, WriteRetry


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


class S3DownFor:
    """put_object fails with `error` until the clock passes `seconds`."""

    def __init__(self, clock: FakeClock, seconds: float, error: Exception) -> None:
        self._clock = clock
        self._seconds = seconds
        self._error = error
        self.attempts = 0
        self.stored: dict[str, Any] = {}

    def put_object(self, **request: Any) -> None:
        self.attempts += 1
        if self._clock.now < self._seconds:
            raise self._error
        self.stored[request["Key"]] = request


def access_denied() -> ClientError:
    return ClientError({"Error": {"Code": "AccessDenied", "Message": "denied"}}, "PutObject")


def store(client: S3DownFor, clock: FakeClock, budget: float) -> S3ObjectStore:
    return S3ObjectStore(
        client,  # type: ignore[arg-type]
        "bucket",
        WriteRetry(budget_seconds=budget),
        sleep=clock.sleep,
        clock=clock,
    )


def test_an_outage_shorter_than_the_budget_ends_in_a_stored_object() -> None:
    clock = FakeClock()
    client = S3DownFor(clock, 12.0, access_denied())

    store(client, clock, budget=20).put("archive/a.ndjson.gz", b"x", "application/x-ndjson", "gzip")

    assert client.stored["archive/a.ndjson.gz"]["ContentEncoding"] == "gzip"
    assert 12.0 <= clock.now <= 20.0
    # Exponential backoff with jitter, capped: never a tight loop, never one long sleep.
    assert all(0.1 <= pause <= 5.0 for pause in clock.pauses)
    assert clock.pauses[0] <= 0.2 < max(clock.pauses)


def test_an_outage_longer_than_the_budget_fails_within_it() -> None:
    clock = FakeClock()
    client = S3DownFor(clock, 3600.0, EndpointConnectionError(endpoint_url="https://s3"))

    with pytest.raises(ObjectWriteError, match="EndpointConnectionError"):
        store(client, clock, budget=20).put("k", b"x", "application/json")

    assert clock.now <= 20.0
    assert client.attempts > 5
    assert client.stored == {}


def test_a_zero_budget_tries_once() -> None:
    clock = FakeClock()
    client = S3DownFor(clock, 1.0, access_denied())

    with pytest.raises(ObjectWriteError, match="AccessDenied"):
        store(client, clock, budget=0).put("k", b"x", "application/json")

    assert client.attempts == 1
    assert clock.pauses == []


def test_write_retry_seconds_is_read_and_checked() -> None:
    environ = {"ARCHIVE_BUCKET": "b"}
    assert load_settings(environ).write_retry_seconds == 20.0
    assert load_settings({**environ, "WRITE_RETRY_SECONDS": "2.5"}).write_retry_seconds == 2.5
    for bad in ("soon", "-1", "901", "nan"):
        with pytest.raises(ConfigurationError, match="WRITE_RETRY_SECONDS"):
            load_settings({**environ, "WRITE_RETRY_SECONDS": bad})
