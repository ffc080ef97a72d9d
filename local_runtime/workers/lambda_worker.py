"""Child process that hosts one Lambda function from its unzipped artifact.

Started by local_runtime.workers.worker with `python -I -S`, so neither the project's venv nor
user site-packages are importable: the function sees only its own artifact, the
runtime-provided libraries (boto3, as on Lambda) and the standard library. A
dependency missing from the zip therefore fails here exactly as it would on Lambda.

Protocol: one JSON request per line on stdin, one JSON reply per line on the original
stdout. The function's own stdout and stderr (its logs) go to the worker's stderr.
Stdlib only: this file runs before any import path but the stdlib exists.
"""

import importlib
import json
import os
import sys
import time
import traceback


class LambdaContext:
    """The attributes and method of the context object the Lambda runtime passes."""

    def __init__(self, request_id: str, deadline_epoch_ms: int) -> None:
        self.aws_request_id = request_id
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = os.environ["LOCAL_RUNTIME_FUNCTION_ARN"]
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_epoch_ms = deadline_epoch_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_epoch_ms - int(time.time() * 1000))


def _error_reply(kind: str, error: BaseException) -> dict[str, object]:
    return {
        "ok": False,
        "errorKind": kind,
        "errorType": type(error).__name__,
        "errorMessage": str(error),
        "stackTrace": traceback.format_exception(error)[-20:],
    }


def main() -> None:
    code_dir, handler_spec, *runtime_libs = sys.argv[1:]
    sys.path[:0] = [code_dir, *runtime_libs]
    os.chdir(code_dir)

    # Keep the protocol channel private; the function's prints become log lines.
    replies = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    started = time.perf_counter()
    try:
        module_name, _, function_name = handler_spec.rpartition(".")
        handler = getattr(importlib.import_module(module_name), function_name)
    except Exception as error:  # the runtime reports any init failure, whatever its type
        replies.write(json.dumps(_error_reply("Init", error)) + "\n")
        return
    init_ms = (time.perf_counter() - started) * 1000
    replies.write(json.dumps({"ok": True, "ready": True, "init_ms": init_ms}) + "\n")

    for line in sys.stdin:
        request = json.loads(line)
        context = LambdaContext(request["request_id"], request["deadline_epoch_ms"])
        try:
            result = handler(request["event"], context)
            reply = {"ok": True, "result": result}
            encoded = json.dumps(reply)
        except Exception as error:  # an unhandled function error, as Lambda reports it
            encoded = json.dumps(_error_reply("Unhandled", error))
        replies.write(encoded + "\n")
        sys.stderr.flush()


if __name__ == "__main__":
    main()
