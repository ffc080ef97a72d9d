"""The user's own files in the user-files bucket, under `private/{identity_id}/`, with
the identity pool's temporary credentials: the only folder its role may touch.

File names are relative to that folder. A name that could leave it (`..`, a leading
`/`, empty segments) is refused here, before any request, so a mistake reads as a
clear error instead of an AccessDenied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from clients.mobile.errors import FileKeyError, MobileClientError
from clients.mobile.identity import AwsCredentials, IdentityCredentials

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MAX_KEY_BYTES = 1024  # S3's limit on a whole object key

T = TypeVar("T")


def private_prefix(identity_id: str) -> str:
    return f"private/{identity_id}/"


def object_key(identity_id: str, name: str) -> str:
    """The key of file `name` in the user's folder; FileKeyError for a name that is
    empty, absolute, has `.`/`..` or empty segments, a backslash or control characters,
    or makes the key longer than S3 allows."""
    if not name:
        raise FileKeyError("file name is empty")
    if name.startswith("/"):
        raise FileKeyError(f"file name {name!r} must be relative (no leading '/')")
    if "\\" in name or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        raise FileKeyError(f"file name {name!r} contains a backslash or a control character")
    segments = name.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise FileKeyError(f"file name {name!r} has an empty, '.' or '..' segment")
    key = private_prefix(identity_id) + name
    if len(key.encode()) > MAX_KEY_BYTES:
        raise FileKeyError(f"file name {name[:40]!r}... is too long for an S3 key")
    return key


@dataclass(frozen=True)
class FileInfo:
    name: str
    size: int
    last_modified: datetime


def s3_client_for(credentials: AwsCredentials, region: str) -> S3Client:
    """An S3 client signing with the identity's temporary credentials (endpoint from
    the environment, as boto3 always reads it)."""
    session = boto3.session.Session(
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token,
        region_name=region,
    )
    return session.client("s3")


class UserFiles:
    def __init__(
        self,
        identity: IdentityCredentials,
        *,
        s3_factory: Callable[[AwsCredentials, str], S3Client] = s3_client_for,
    ) -> None:
        self._identity = identity
        self._bucket = identity.config.user_files_bucket
        self._region = identity.config.region
        self._s3_factory = s3_factory
        self._client: tuple[AwsCredentials, S3Client] | None = None

    def _s3(self) -> S3Client:
        credentials = self._identity.credentials()
        if self._client is None or self._client[0] != credentials:
            self._client = (credentials, self._s3_factory(credentials, self._region))
        return self._client[1]

    def key(self, name: str) -> str:
        return object_key(self._identity.identity_id(), name)

    def upload(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        """Stores `data` as file `name`; returns its object key."""
        key = self.key(name)
        self._do(
            lambda s3: s3.put_object(
                Bucket=self._bucket, Key=key, Body=data, ContentType=content_type
            )
        )
        return key

    def upload_file(self, path: str | Path, name: str | None = None) -> str:
        source = Path(path)
        return self.upload(name or source.name, source.read_bytes())

    def download(self, name: str) -> bytes:
        key = self.key(name)
        return self._do(lambda s3: s3.get_object(Bucket=self._bucket, Key=key)["Body"].read())

    def list(self, prefix: str = "") -> list[FileInfo]:
        """The user's files (names relative to the folder), optionally under `prefix`."""
        identity_id = self._identity.identity_id()
        folder = private_prefix(identity_id)
        if prefix:
            object_key(identity_id, prefix.rstrip("/"))  # the same guard as for names
        full = folder + prefix

        def collect(s3: S3Client) -> list[FileInfo]:
            found: list[FileInfo] = []
            for page in s3.get_paginator("list_objects_v2").paginate(
                Bucket=self._bucket, Prefix=full
            ):
                found.extend(
                    FileInfo(item["Key"][len(folder) :], item["Size"], item["LastModified"])
                    for item in page.get("Contents", [])
                )
            return found

        return self._do(collect)

    def delete(self, name: str) -> None:
        key = self.key(name)
        self._do(lambda s3: s3.delete_object(Bucket=self._bucket, Key=key))

    def _do(self, operation: Callable[[S3Client], T]) -> T:
        try:
            return operation(self._s3())
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "Unknown")
            if code in ("NoSuchKey", "404"):
                raise MobileClientError("no such file") from None
            raise MobileClientError(f"S3 refused: {code}: {error.get('Message', '')}") from None
        except BotoCoreError as exc:
            raise MobileClientError(f"cannot reach S3: {exc}") from exc
