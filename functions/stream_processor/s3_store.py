"""ObjectStore on S3: the only module of the core's collaborators that talks to AWS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from stream_processor.batch import ObjectWriteError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import PutObjectRequestTypeDef


class S3ObjectStore:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

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
        try:
            self._client.put_object(**request)
        except (BotoCoreError, ClientError) as error:
            # Throttling, 5xx, timeouts, connection resets and access errors alike: the
            # batch reports the affected records and Lambda retries them.
            raise ObjectWriteError(f"{type(error).__name__}: {error}") from error
