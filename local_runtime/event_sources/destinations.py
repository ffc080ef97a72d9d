"""On-failure destinations of event source mappings: SQS queues and SNS topics."""

from __future__ import annotations

import json
from typing import Any


class UnsupportedDestinationError(ValueError):
    """The destination ARN is of a service Lambda cannot send failures to."""


class AwsFailureDestination:
    """Sends invocation records the way Lambda does, through the emulator's APIs."""

    def __init__(self, sqs_client: Any, sns_client: Any) -> None:
        self._sqs = sqs_client
        self._sns = sns_client
        self._queue_urls: dict[str, str] = {}

    def send(self, destination_arn: str, message: dict[str, Any]) -> None:
        service, account, name = _parse_arn(destination_arn)
        body = json.dumps(message)
        if service == "sqs":
            if destination_arn not in self._queue_urls:
                self._queue_urls[destination_arn] = self._sqs.get_queue_url(
                    QueueName=name, QueueOwnerAWSAccountId=account
                )["QueueUrl"]
            self._sqs.send_message(QueueUrl=self._queue_urls[destination_arn], MessageBody=body)
        elif service == "sns":
            self._sns.publish(TopicArn=destination_arn, Message=body)
        else:
            raise UnsupportedDestinationError(
                f"on-failure destination {destination_arn}: only SQS and SNS are supported"
            )


def _parse_arn(arn: str) -> tuple[str, str, str]:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise UnsupportedDestinationError(f"not an ARN: {arn!r}")
    return parts[2], parts[4], parts[5]
