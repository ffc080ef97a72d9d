"""Test doubles for the producer unit tests (no AWS, no moto)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": f"{code} (test)"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "PutRecords",
    )


class FakeKinesis:
    """PutRecords double: `entry_failures[data]` lists the error codes the entry with that
    data gets on its successive attempts (then it succeeds); `call_errors` are raised by
    the next calls, in order, before any entry is looked at."""

    def __init__(
        self,
        entry_failures: dict[bytes, list[str]] | None = None,
        call_errors: list[Exception] | None = None,
    ) -> None:
        self.entry_failures = {k: list(v) for k, v in (entry_failures or {}).items()}
        self.call_errors = list(call_errors or [])
        self.calls: list[dict[str, Any]] = []
        self.stored: list[dict[str, Any]] = []

    @property
    def sent_batches(self) -> list[list[bytes]]:
        return [[r["Data"] for r in call["Records"]] for call in self.calls]

    def put_records(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if self.call_errors:
            raise self.call_errors.pop(0)
        results: list[dict[str, str]] = []
        for record in kwargs["Records"]:
            plan = self.entry_failures.get(record["Data"])
            if plan:
                code = plan.pop(0)
                results.append({"ErrorCode": code, "ErrorMessage": f"{code} (test)"})
            else:
                self.stored.append(record)
                results.append(
                    {"SequenceNumber": str(len(self.stored)), "ShardId": "shardId-000000000000"}
                )
        failed = sum(1 for r in results if "ErrorCode" in r)
        return {"FailedRecordCount": failed, "Records": results}


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps (or `advance`)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds
