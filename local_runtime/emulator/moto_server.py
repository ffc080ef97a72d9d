"""The emulator process: moto's server, minus moto's own attempts to run functions.

moto tries to invoke a function itself (in Docker) whenever a Kinesis stream, a
DynamoDB table or an SQS queue with an event source mapping, or a bucket notifying
Lambda, gets a write. In this project the local runtime is what runs functions, so
those attempts are switched off here:
- DynamoDB streams: after its attempt (which "succeeds" even without Docker) moto
  empties the table's stream shard and restarts its sequence numbers, so a poller
  would never see a record;
- Kinesis and S3: with Docker present every record and object would be delivered
  twice (once by moto, once by the runtime);
- SQS: moto receives each new message for the mapping as it is sent, which counts a
  receive (ApproximateReceiveCount, hence the redrive policy) that no function saw.
  Queues are made to forget their mappings instead; Lambda's own list of mappings,
  which the runtime reads, is untouched.

One route is added: GET /moto-api/local-runtime/sent-messages answers the emails SES
accepted and the pushes SNS delivered to mobile endpoints (moto keeps both instead of
sending them), for the runtime's console. moto's own /moto-api/data.json has them too,
but serializes every model of every service and takes seconds to minutes.

Started by local_runtime.emulator as a script (`python moto_server.py -H ... -p ...`).
"""

import json
import sys
from typing import Any

from moto.awslambda.models import LambdaBackend
from moto.moto_api._internal import urls as moto_api_urls
from moto.s3 import notifications
from moto.server import main
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends
from moto.sqs.models import Queue
from moto.utilities.docker_utilities import DockerModel

# Read by local_runtime/status/emulator_resources.py (the console).
SENT_MESSAGES_PATH = "/moto-api/local-runtime/sent-messages"


def _not_delivered(*_: Any, **__: Any) -> str:
    # Falsy, so moto keeps the DynamoDB stream records for the runtime's pollers.
    return ""


def _switch_off_moto_delivery() -> None:
    for owner, name in (
        (LambdaBackend, "send_dynamodb_items"),
        (LambdaBackend, "send_kinesis_message"),
        (notifications, "_invoke_awslambda"),
    ):
        if not callable(getattr(owner, name, None)):
            # A moto upgrade renamed the hook: fail loudly rather than deliver twice.
            raise SystemExit(f"moto has no {owner.__name__}.{name}: update moto_server.py")
        setattr(owner, name, _not_delivered)
    if "lambda_event_source_mappings" not in Queue.add_message.__code__.co_names:
        raise SystemExit("moto's Queue.add_message changed: update moto_server.py")
    # Every read gets a fresh empty dict, and what is assigned or stored in it is dropped.
    Queue.lambda_event_source_mappings = property(  # type: ignore[assignment]
        lambda _queue: {}, lambda _queue, _value: None
    )


def _no_docker(_model: DockerModel) -> Any:
    # /moto-api/data.json skips attributes that raise AttributeError; the ConnectionError
    # of a Docker client probe (no engine here) failed the whole snapshot instead, once
    # any Lambda function existed.
    raise AttributeError("no Docker: the local runtime runs functions, not moto")


def sent_messages(_request: Any, _full_url: str, _headers: Any) -> tuple[int, dict[str, str], str]:
    """Every email SES accepted and every push SNS sent to a mobile endpoint, read from
    moto's backends (all accounts and regions in use)."""
    emails = [
        {
            "account": account,
            "region": region,
            "source": message.source,
            "destinations": message.destinations,
            # Message has subject/body, TemplateMessage template data, RawMessage raw data.
            **{
                name: getattr(message, name)
                for name in ("subject", "body", "template", "template_data", "raw_data")
                if hasattr(message, name)
            },
        }
        for account, regions in ses_backends.items()
        for region, backend in regions.items()
        for message in list(backend.sent_messages)
    ]
    pushes = [
        {"account": account, "region": region, "endpoint": arn, "message_id": mid, "message": text}
        for account, regions in sns_backends.items()
        for region, backend in regions.items()
        for arn, endpoint in list(backend.platform_endpoints.items())
        for mid, text in list(endpoint.messages.items())
    ]
    body = json.dumps({"emails": emails, "pushes": pushes}, default=str)
    return 200, {"Content-Type": "application/json"}, body


if __name__ == "__main__":
    _switch_off_moto_delivery()
    # moto's dict is typed after its own bound-method handlers; a function serves the same.
    moto_api_urls.url_paths["{0}" + SENT_MESSAGES_PATH] = sent_messages  # type: ignore[assignment]
    DockerModel.docker_client = property(_no_docker)  # type: ignore[assignment,method-assign]
    main(sys.argv[1:])
