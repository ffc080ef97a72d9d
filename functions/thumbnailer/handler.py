"""Lambda entry point: wires Powertools and S3 to `process_object` for each S3 record."""

from __future__ import annotations

import os

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambda_common.aws import standard_retries
from thumbnailer.config import load_settings
from thumbnailer.imaging import configure_pillow
from thumbnailer.processing import (
    Missing,
    Outcome,
    Quarantined,
    Skipped,
    Thumbnailed,
    process_object,
)
from thumbnailer.s3_event import S3Event, object_events

# Read once per cold start; a missing THUMBNAIL_BUCKET fails the import with a clear message.
settings = load_settings(os.environ)
configure_pillow(settings.max_image_pixels)

logger = Logger()
metrics = Metrics()

# Standard retry mode backs off on throttling and 5xx before a call counts as failed;
# then the invocation fails and Lambda's asynchronous retries take over.
s3_client = boto3.client("s3", config=standard_retries(4))


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: S3Event, context: LambdaContext) -> None:
    for object_event in object_events(event):
        _report(process_object(s3_client, settings, object_event))


def _report(outcome: Outcome) -> None:
    match outcome:
        case Thumbnailed(key=key, thumbnail_keys=thumbnail_keys, result=result):
            logger.info(
                "Thumbnails written",
                extra={
                    "key": key,
                    "thumbnail_keys": list(thumbnail_keys),
                    "thumbnail_bytes": [len(thumbnail.data) for thumbnail in result.thumbnails],
                    "source_format": result.source_format,
                    "source_mode": result.source_mode,
                    "source_size": list(result.source_size),
                    "decoded_size": list(result.decoded_size),
                },
            )
            metrics.add_metric(name="UploadsThumbnailed", unit=MetricUnit.Count, value=1)
            metrics.add_metric(
                name="ThumbnailsWritten", unit=MetricUnit.Count, value=len(thumbnail_keys)
            )
        case Quarantined(key=key, reason=reason, detail=detail, quarantine_key=target):
            logger.warning(
                "Upload quarantined",
                extra={
                    "key": key,
                    "reason": str(reason),
                    "detail": detail,
                    "quarantine_key": target,
                },
            )
            metrics.add_metric(name="UploadsQuarantined", unit=MetricUnit.Count, value=1)
            # A reason dimension on its own metric, so the total above stays undivided.
            with single_metric(
                name="UploadsQuarantined",
                unit=MetricUnit.Count,
                value=1,
                default_dimensions=metrics.default_dimensions,
            ) as reason_metric:
                reason_metric.add_dimension(name="reason", value=str(reason))
        case Missing(key=key):
            logger.info("Upload no longer exists; nothing to do", extra={"key": key})
            metrics.add_metric(name="UploadsMissing", unit=MetricUnit.Count, value=1)
        case Skipped(key=key, why=why):
            logger.warning("Object skipped", extra={"key": key, "why": why})
            metrics.add_metric(name="ObjectsSkipped", unit=MetricUnit.Count, value=1)
