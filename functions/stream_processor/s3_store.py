"""ObjectStore on S3: the only module of the core's collaborators that talks to AWS."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from stream_processor.batch import ObjectWriteError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import PutObjectRequestTypeDef


@dataclass(frozen=True, slots=True)
class WriteRetry:
    """How long one write keeps trying, inside the invocation, before it counts as failed.

    botocore's own retries last about a second; an S3 outage lasts minutes. Waiting here
    (exponential backoff with jitter, up to budget_seconds) paces the mapping's retries:
    each failing invocation spends the budget instead of failing in milliseconds, so the
    outage the defaults ride out is set by time, not by how fast Lambda re-invokes.
    """

    budget_seconds: float = 20.0
    first_delay_seconds: float = 0.2
    max_delay_seconds: float = 5.0


class S3ObjectStore:
    def __init__(
        self,
        client: S3Client,
        bucket: str,
        retry: WriteRetry | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._bucket = bucket
        self._retry = retry or WriteRetry()
        self._sleep = sleep
        self._clock = clock

    def put(
        self, key: str, body: bytes, content_type: str, content_encoding: str | None = None
    ) -> None:
        # No encryption arguments: the bucket's default SSE-KMS applies, and its policy
        # is the single place that decides the key.
        request: PutObjectRequestTypeDef = {
            "Bucket": self._bucket,
            "Key": key,
            "Body": body,
            "ContentType": content_type,
        }
        if content_encoding is not None:
            request["ContentEncoding"] = content_encoding
        deadline = self._clock() + self._retry.budget_seconds
        delay = self._retry.first_delay_seconds
        while True:
            try:
                self._client.put_object(**request)
            except (BotoCoreError, ClientError) as error:
                # Throttling, 5xx, timeouts, connection resets and access errors alike:
                # retried here until the budget is spent, then the batch reports the
                # affected records and Lambda retries them.
                # Jitter spreads the shards' retries; it is not a security control.
                pause = random.uniform(delay / 2, delay)  # noqa: S311
                if self._clock() + pause > deadline:
                    raise ObjectWriteError(f"{type(error).__name__}: {error}") from error
                self._sleep(pause)
                delay = min(delay * 2, self._retry.max_delay_seconds)
            else:
                return
