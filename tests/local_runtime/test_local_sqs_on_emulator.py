"""SQS event source mappings served by the runtime against a real emulator: deletion,
partial failures, redelivery after the visibility timeout, the redrive policy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.local_runtime.support import serving, wait_for

# Logs every event to PROBE_LOG. A body starting with "raise" fails the invocation;
# "fail-once" is reported in batchItemFailures the first time its message is seen;
# BOGUS set answers with an unknown identifier on the first invocation.
QUEUE_HANDLER = """
import json, os

def lambda_handler(event, context):
    path = os.environ["PROBE_LOG"]
    seen = open(path).read() if os.path.exists(path) else ""
    with open(path, "a") as log:
        log.write(json.dumps(event) + "\\n")
    failed = []
    for record in event["Records"]:
        if record["body"].startswith("raise"):
            raise RuntimeError("cannot push " + record["body"])
        if record["body"] == "fail-once" and record["messageId"] not in seen:
            failed.append({"itemIdentifier": record["messageId"]})
    if os.environ.get("BOGUS") and not seen:
        return {"batchItemFailures": [{"itemIdentifier": "no-such-message"}]}
    return {"batchItemFailures": failed}
"""


def status(state_dir: Path) -> dict[str, Any]:
    path = state_dir / "status.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def counters(state_dir: Path, uuid: str) -> dict[str, Any]:
    """The mapping's counters in status.json (rewritten every discovery pass)."""
    mapping: dict[str, Any] = status(state_dir).get("sqs_mappings", {}).get(uuid, {})
    return mapping


def invocations(path: Path) -> list[list[dict[str, Any]]]:
    if not path.is_file():
        return []
    return [json.loads(line)["Records"] for line in path.read_text().splitlines()]


def deliveries(path: Path) -> list[dict[str, Any]]:
    return [record for batch in invocations(path) for record in batch]


def make_queue(aws: dict[str, Any], name: str, **attributes: Any) -> tuple[str, str]:
    url: str = aws["sqs"].create_queue(
        QueueName=name, Attributes={k: str(v) for k, v in attributes.items()}
    )["QueueUrl"]
    arn: str = aws["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    return url, arn


def queue_is_empty(aws: dict[str, Any], url: str) -> bool:
    counts = aws["sqs"].get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return all(value == "0" for value in counts.values())


def send(aws: dict[str, Any], url: str, *bodies: str, **kwargs: Any) -> list[str]:
    return [
        aws["sqs"].send_message(QueueUrl=url, MessageBody=body, **kwargs)["MessageId"]
        for body in bodies
    ]


def test_success_deletes_batches_of_batch_size_with_attributes_as_lambda_sends_them(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    artifact = make_artifact(QUEUE_HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    url, arn = make_queue(aws, "pushes", VisibilityTimeout=30)
    function_arn = deploy_function(artifact, PROBE_LOG=str(probe_log))
    uuid = aws["lambda"].create_event_source_mapping(
        FunctionName=function_arn, EventSourceArn=arn, BatchSize=3
    )["UUID"]
    attributes = {
        "device": {"DataType": "String", "StringValue": "ios"},
        "badge": {"DataType": "Number", "StringValue": "3"},
        "token": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
    }
    sent = send(aws, url, *(f"push-{i}" for i in range(7)), MessageAttributes=attributes)

    state = tmp_path / "state"
    with serving(aws, artifact.parent, state):
        wait_for(lambda: len(deliveries(probe_log)) >= 7 and queue_is_empty(aws, url))
        wait_for(lambda: counters(state, uuid).get("messages_deleted") == 7)

    batches = invocations(probe_log)
    assert all(1 <= len(batch) <= 3 for batch in batches)
    records = deliveries(probe_log)
    assert sorted(r["messageId"] for r in records) == sorted(sent)  # each exactly once
    record = records[0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == arn
    assert record["awsRegion"] == "eu-west-1"
    assert record["body"].startswith("push-")
    assert set(record["attributes"]) >= {
        "ApproximateReceiveCount",
        "SentTimestamp",
        "SenderId",
        "ApproximateFirstReceiveTimestamp",
    }
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"] == {
        "device": {
            "stringValue": "ios",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "badge": {
            "stringValue": "3",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Number",
        },
        "token": {
            "binaryValue": "AQI=",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
    }
    assert len(record["md5OfBody"]) == 32
    final = counters(state, uuid)
    assert final["function_arn"] == function_arn
    assert final["queue_arn"] == arn
    assert final["invocations"] == len(batches)
    assert final["function_errors"] == final["partial_failures"] == 0
    assert status(state)["errors"] == {}


def test_partial_failure_deletes_the_others_and_redelivers_the_failed_one(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    artifact = make_artifact(QUEUE_HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    url, arn = make_queue(aws, "pushes", VisibilityTimeout=1)
    function_arn = deploy_function(artifact, timeout=1, PROBE_LOG=str(probe_log))
    aws["lambda"].create_event_source_mapping(
        FunctionName=function_arn,
        EventSourceArn=arn,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    send(aws, url, "ok-1", "fail-once", "ok-2")

    with serving(aws, artifact.parent, tmp_path / "state"):
        wait_for(lambda: len(deliveries(probe_log)) >= 4 and queue_is_empty(aws, url))

    records = deliveries(probe_log)
    bodies = [r["body"] for r in records]
    assert sorted(bodies) == ["fail-once", "fail-once", "ok-1", "ok-2"]
    first, again = [r for r in records if r["body"] == "fail-once"]
    assert first["messageId"] == again["messageId"]
    assert again["attributes"]["ApproximateReceiveCount"] == "2"
    assert int(again["attributes"]["ApproximateFirstReceiveTimestamp"]) == int(
        first["attributes"]["ApproximateFirstReceiveTimestamp"]
    )


def test_function_error_redelivers_until_the_redrive_policy_moves_it_to_the_dlq(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    artifact = make_artifact(QUEUE_HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    dlq_url, dlq_arn = make_queue(aws, "pushes-dlq")
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    url, arn = make_queue(aws, "pushes", VisibilityTimeout=1, RedrivePolicy=redrive)
    function_arn = deploy_function(artifact, timeout=1, PROBE_LOG=str(probe_log))
    uuid = aws["lambda"].create_event_source_mapping(FunctionName=function_arn, EventSourceArn=arn)[
        "UUID"
    ]
    (sent,) = send(aws, url, "raise: bad device token")

    dead: list[dict[str, Any]] = []
    state = tmp_path / "state"
    with serving(aws, artifact.parent, state):
        wait_for(
            lambda: (
                dead.extend(
                    aws["sqs"]
                    .receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10)
                    .get("Messages", [])
                )
                or dead
            )
        )
        wait_for(lambda: counters(state, uuid).get("function_errors") == 2)

    (message,) = dead
    assert message["MessageId"] == sent
    assert message["Body"] == "raise: bad device token"
    records = deliveries(probe_log)
    assert [r["attributes"]["ApproximateReceiveCount"] for r in records] == ["1", "2"]
    final = counters(state, uuid)
    assert final["messages_deleted"] == 0
    assert "cannot push" in final["last_error"]


def test_unknown_batch_item_failure_retries_the_whole_batch(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    artifact = make_artifact(QUEUE_HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    url, arn = make_queue(aws, "pushes", VisibilityTimeout=1)
    function_arn = deploy_function(artifact, timeout=1, PROBE_LOG=str(probe_log), BOGUS="1")
    uuid = aws["lambda"].create_event_source_mapping(
        FunctionName=function_arn,
        EventSourceArn=arn,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )["UUID"]
    sent = send(aws, url, "a", "b")

    state = tmp_path / "state"
    with serving(aws, artifact.parent, state):
        wait_for(lambda: len(invocations(probe_log)) >= 2 and queue_is_empty(aws, url))
        wait_for(lambda: counters(state, uuid).get("messages_deleted") == 2)

    first, retry = invocations(probe_log)
    assert sorted(r["messageId"] for r in first) == sorted(sent)
    assert sorted(r["messageId"] for r in retry) == sorted(sent)
    assert {r["attributes"]["ApproximateReceiveCount"] for r in retry} == {"2"}
    final = counters(state, uuid)
    assert final["partial_failures"] == 1
    assert final["invocations"] == 2
    assert "no-such-message" in final["last_error"]


def test_fifo_groups_are_delivered_in_order(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    # Only the success path: after a visibility timeout expires, moto 5.2.1 can hand
    # out a group's later message before its earlier one (SQS does not), so redelivery
    # order after a failure cannot be asserted against the emulator.
    artifact = make_artifact(QUEUE_HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    url, arn = make_queue(
        aws, "pushes.fifo", FifoQueue="true", ContentBasedDeduplication="true", VisibilityTimeout=30
    )
    function_arn = deploy_function(artifact, PROBE_LOG=str(probe_log))
    aws["lambda"].create_event_source_mapping(
        FunctionName=function_arn, EventSourceArn=arn, BatchSize=3
    )
    for n in range(5):
        for device in ("ios", "android"):
            send(aws, url, f"{device}-{n}", MessageGroupId=device)

    with serving(aws, artifact.parent, tmp_path / "state"):
        wait_for(lambda: len(deliveries(probe_log)) >= 10 and queue_is_empty(aws, url))

    records = deliveries(probe_log)
    for device in ("ios", "android"):
        group = [r for r in records if r["attributes"]["MessageGroupId"] == device]
        assert [r["body"] for r in group] == [f"{device}-{n}" for n in range(5)]
    assert all(len(batch) <= 3 for batch in invocations(probe_log))


def test_filtered_out_messages_are_deleted_without_an_invocation(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    artifact = make_artifact(QUEUE_HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    url, arn = make_queue(aws, "pushes", VisibilityTimeout=30)
    function_arn = deploy_function(artifact, PROBE_LOG=str(probe_log))
    uuid = aws["lambda"].create_event_source_mapping(
        FunctionName=function_arn,
        EventSourceArn=arn,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["push"]}})}]},
    )["UUID"]
    send(aws, url, json.dumps({"kind": "push"}), json.dumps({"kind": "email"}), "plain text")

    state = tmp_path / "state"
    with serving(aws, artifact.parent, state):
        wait_for(lambda: queue_is_empty(aws, url) and deliveries(probe_log))
        wait_for(lambda: counters(state, uuid).get("messages_deleted") == 3)

    assert [json.loads(r["body"]) for r in deliveries(probe_log)] == [{"kind": "push"}]
    assert counters(state, uuid)["messages_filtered_out"] == 2


def test_queue_visibility_shorter_than_function_timeout_is_reported_not_served(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    artifact = make_artifact(QUEUE_HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    url, arn = make_queue(aws, "pushes", VisibilityTimeout=1)
    function_arn = deploy_function(artifact, timeout=10, PROBE_LOG=str(probe_log))
    uuid = aws["lambda"].create_event_source_mapping(FunctionName=function_arn, EventSourceArn=arn)[
        "UUID"
    ]
    send(aws, url, "hello")

    state = tmp_path / "state"
    with serving(aws, artifact.parent, state):
        wait_for(lambda: uuid in status(state).get("errors", {}))

    assert (
        "visibility timeout (1 s) is less than the function timeout (10 s)"
        in (status(state)["errors"][uuid])
    )
    assert status(state)["sqs_mappings"] == {}
    assert not probe_log.exists()
    assert not queue_is_empty(aws, url)


def test_the_emulator_itself_never_receives_for_a_mapping(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    # moto would receive each new message for the mapping (counting a receive no
    # function saw); local_runtime/emulator/moto_server.py switches that off.
    url, arn = make_queue(aws, "pushes")
    function_arn = deploy_function(make_artifact(QUEUE_HANDLER))
    aws["lambda"].create_event_source_mapping(FunctionName=function_arn, EventSourceArn=arn)
    send(aws, url, "hello")
    (message,) = aws["sqs"].receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
