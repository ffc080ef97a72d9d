"""S3 event notifications for the handler tests, in the shape S3 delivers them to Lambda.

A uniquely named module rather than conftest imports: test folders have no __init__.py,
so every conftest in the repository is a top-level module called `conftest`.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any
from urllib.parse import quote_plus

REGION = "us-east-1"
UPLOADS_BUCKET = "web-uploads-test"
THUMBNAILS_BUCKET = "web-thumbnails-test"
EVENT_TIME = "2024-03-07T09:15:00.250Z"


def import_handler_fresh() -> ModuleType:
    """Import the handler as a cold start would, reading the current environment."""
    sys.modules.pop("thumbnailer.handler", None)
    return importlib.import_module("thumbnailer.handler")


def s3_event(
    key: str,
    *,
    size: int = 0,
    etag: str = "d41d8cd98f00b204e9800998ecf8427e",
    version_id: str | None = None,
    bucket: str = UPLOADS_BUCKET,
    event_name: str = "ObjectCreated:Post",
) -> dict[str, Any]:
    """One notification as documented for S3 event notifications (eventVersion 2.1).

    The key is URL-encoded the way S3 does it in events: like a form value (space as
    "+", "+" as "%2B"), with "/" left alone.
    """
    s3_object: dict[str, Any] = {
        "key": quote_plus(key, safe="/"),
        "size": size,
        "eTag": etag,
        "sequencer": "0055AED6DCD90281E5",
    }
    if version_id is not None:
        s3_object["versionId"] = version_id
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": REGION,
                "eventTime": EVENT_TIME,
                "eventName": event_name,
                "userIdentity": {"principalId": "AWS:AIDAJDPLRKLG7UEXAMPLE"},
                "requestParameters": {"sourceIPAddress": "203.0.113.10"},
                "responseElements": {
                    "x-amz-request-id": "C3D13FE58DE4C810",
                    "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5Jg",
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "thumbnailer",
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": s3_object,
                },
            }
        ]
    }
