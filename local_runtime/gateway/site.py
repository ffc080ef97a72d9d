"""The web app's static site, served from its bucket in the emulator (CloudFront's role).

Objects are read on each request, so a `terraform apply` that changes config.json
shows at once. `/site/` serves index.html; a missing key also serves index.html with
200, as the CloudFront distribution's error responses do for a single-page app.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from local_runtime.gateway.api_gateway import HttpResponse, json_response

log = logging.getLogger(__name__)

INDEX = "index.html"


class SiteFiles:
    def __init__(self, s3_client: Any, bucket: str) -> None:
        self._s3 = s3_client
        self.bucket = bucket

    def get(self, path: str) -> HttpResponse:
        """The object for `path` (the URL path after /site, still percent-encoded)."""
        key = unquote(path).lstrip("/")
        if not key or key.endswith("/"):
            key += INDEX
        found = self._object(key)
        if found is None and key != INDEX:
            found = self._object(INDEX)  # the single-page app routes client-side
        if found is None:
            return json_response(404, "Not Found")
        return found

    def _object(self, key: str) -> HttpResponse | None:
        try:
            obj = self._s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code == "NoSuchBucket":
                log.error("site bucket %s does not exist (check --site-bucket)", self.bucket)
                return None
            if code in ("NoSuchKey", "404"):
                return None
            raise
        with obj["Body"] as body:
            content = body.read()
        return HttpResponse(
            200,
            [
                ("Content-Type", obj.get("ContentType") or "application/octet-stream"),
                ("ETag", obj.get("ETag", "")),
                ("Cache-Control", obj.get("CacheControl") or "no-cache"),
            ],
            content,
        )
