"""Publishing one push to every device of a user, and removing dead endpoints.

An endpoint SNS reports disabled (the push service said the token is invalid) or gone is
deleted from SNS and from the devices table: the app registers again with a fresh token
on its next start. Any other error is transient and is reported, after every device was
tried, so the queue redelivers the message. A redelivery pushes again to the devices that
already got it: delivery is at least once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from push_notifier.message import PushMessage, sns_message

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_sns.client import SNSClient

# Publishing to a deleted endpoint: moto answers NotFound, SNS InvalidParameter with
# this reason.
_GONE_REASON = "No endpoint found for the target arn specified"


@dataclass(frozen=True, slots=True)
class DeviceEndpoint:
    device_id: str
    endpoint_arn: str


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    removed: int = 0
    # Error codes of the transient failures, one per endpoint.
    failures: list[str] = field(default_factory=list)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _endpoint_is_dead(error: ClientError) -> bool:
    code = _code(error)
    message = str(error.response.get("Error", {}).get("Message", ""))
    return code in ("EndpointDisabled", "NotFound") or (
        code == "InvalidParameter" and _GONE_REASON in message
    )


class PushDelivery:
    def __init__(self, sns: SNSClient, dynamodb: DynamoDBClient, devices_table: str) -> None:
        self._sns = sns
        self._dynamodb = dynamodb
        self._table = devices_table

    def deliver(self, message: PushMessage) -> DeliveryReport:
        report = DeliveryReport()
        payload = sns_message(message)
        for device in self.devices_of(message.recipient_sub):
            try:
                self._sns.publish(
                    TargetArn=device.endpoint_arn, Message=payload, MessageStructure="json"
                )
            except ClientError as error:
                if _endpoint_is_dead(error):
                    self.remove(message.recipient_sub, device)
                    report.removed += 1
                else:
                    report.failures.append(_code(error) or "ClientError")
            except BotoCoreError as error:
                report.failures.append(type(error).__name__)
            else:
                report.sent += 1
        return report

    def devices_of(self, owner_sub: str) -> list[DeviceEndpoint]:
        paginator = self._dynamodb.get_paginator("query")
        pages = paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="owner_sub = :owner",
            ExpressionAttributeValues={":owner": {"S": owner_sub}},
            ProjectionExpression="device_id, endpoint_arn",
        )
        return [
            DeviceEndpoint(device_id=item["device_id"]["S"], endpoint_arn=item["endpoint_arn"]["S"])
            for page in pages
            for item in page.get("Items", [])
        ]

    def remove(self, owner_sub: str, device: DeviceEndpoint) -> None:
        """Delete the endpoint (already gone is fine), then its row if it still names it."""
        try:
            self._sns.delete_endpoint(EndpointArn=device.endpoint_arn)
        except ClientError as error:
            if _code(error) != "NotFound":
                raise
        try:
            self._dynamodb.delete_item(
                TableName=self._table,
                Key={"owner_sub": {"S": owner_sub}, "device_id": {"S": device.device_id}},
                # A registration in between may have put a fresh endpoint in the row.
                ConditionExpression="endpoint_arn = :arn",
                ExpressionAttributeValues={":arn": {"S": device.endpoint_arn}},
            )
        except ClientError as error:
            if _code(error) != "ConditionalCheckFailedException":
                raise
