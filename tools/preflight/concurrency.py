"""Lambda concurrency: the reservations the apply makes, and the stream's parallelism."""

from __future__ import annotations

from typing import Any

from tools.preflight.context import Context
from tools.preflight.outcome import AWS_CALL_ERRORS, Outcome, Status, unanswered

# Lambda refuses a reservation that leaves less than this unreserved in the account.
MINIMUM_UNRESERVED = 100
# An ON_DEMAND stream starts with 4 shards (4 MB/s of writes) and grows with traffic.
ON_DEMAND_INITIAL_SHARDS = 4
PROCESSOR = "stream_processor"
_QUOTA_FIX = (
    "request a higher 'Concurrent executions' quota for Lambda in Service Quotas "
    "(it takes hours to days on a new account)"
)
_MANUAL = "compare Lambda's 'Concurrent executions' quota in Service Quotas with the reservations"


def _account_limits(ctx: Context) -> dict[str, Any]:
    if "lambda_limits" not in ctx.facts:
        ctx.facts["lambda_limits"] = ctx.client("lambda").get_account_settings()["AccountLimit"]
    return dict(ctx.facts["lambda_limits"])


def stream_concurrency(ctx: Context) -> int:
    """Concurrent processor invocations the stream drives: shards x parallelization."""
    root = ctx.root
    if root.value("stream_mode") == "PROVISIONED":
        shards = int(root.value("shard_count") or 1)
    else:
        shards = ON_DEMAND_INITIAL_SHARDS
    return shards * int(root.value("parallelization_factor") or 1)


def deployed_functions(ctx: Context) -> list[str]:
    """The functions every cloud environment deploys: one per functions/<name>."""
    functions = ctx.repository / "functions"
    return sorted(p.name for p in functions.iterdir() if (p / "requirements.txt").exists())


def _existing_reservation(ctx: Context, function_name: str) -> int:
    lambda_client = ctx.client("lambda")
    try:
        answer = lambda_client.get_function_concurrency(FunctionName=function_name)
    except lambda_client.exceptions.ResourceNotFoundException:
        return 0
    return int(answer.get("ReservedConcurrentExecutions") or 0)


def reservations(ctx: Context) -> Outcome:
    """Lambda GetAccountSettings (+ GetFunctionConcurrency of the processor when it exists):
    the reservation must leave MINIMUM_UNRESERVED unreserved."""
    check = "lambda-reserved-concurrency"
    reserved = ctx.root.value("processor_reserved_concurrency")
    if not reserved:
        return Outcome(check, Status.PASS, "no reserved concurrency requested")
    try:
        limits = _account_limits(ctx)
        already = _existing_reservation(ctx, f"{ctx.name_prefix}-stream-processor")
    except AWS_CALL_ERRORS as error:
        return unanswered(check, "lambda:GetAccountSettings", error, _MANUAL)
    unreserved_after = int(limits["UnreservedConcurrentExecutions"]) - (int(reserved) - already)
    detail = (
        f"reserving {reserved} leaves {unreserved_after} of "
        f"{limits['ConcurrentExecutions']} unreserved (Lambda requires >= {MINIMUM_UNRESERVED})"
    )
    if unreserved_after >= MINIMUM_UNRESERVED:
        return Outcome(check, Status.PASS, detail)
    needed = int(limits["ConcurrentExecutions"]) + MINIMUM_UNRESERVED - unreserved_after
    return Outcome(
        check,
        Status.FAIL,
        detail + ": the apply is rejected",
        f"{_QUOTA_FIX} to at least {needed}, or set processor_reserved_concurrency = null",
    )


def stream_parallelism(ctx: Context) -> Outcome:
    """Lambda GetAccountSettings: room for the stream's concurrent batches and one
    execution of every other function."""
    check = "lambda-stream-parallelism"
    needed = stream_concurrency(ctx)
    reserved = ctx.root.value("processor_reserved_concurrency")
    others = [f for f in deployed_functions(ctx) if f != PROCESSOR]
    if reserved and int(reserved) < needed:
        return Outcome(
            check,
            Status.FAIL,
            f"the stream drives {needed} concurrent batches but the processor may run "
            f"only {reserved}: it throttles and falls behind",
            f"set processor_reserved_concurrency >= {needed}",
        )
    try:
        limits = _account_limits(ctx)
    except AWS_CALL_ERRORS as error:
        return unanswered(check, "lambda:GetAccountSettings", error, _MANUAL)
    total = needed + len(others)
    detail = (
        f"{needed} stream batches + {len(others)} other functions need {total} of "
        f"{limits['ConcurrentExecutions']} concurrent executions"
    )
    if int(limits["ConcurrentExecutions"]) >= total:
        return Outcome(check, Status.PASS, detail)
    return Outcome(
        check,
        Status.FAIL,
        detail + ": functions throttle from the first records",
        f"{_QUOTA_FIX} to at least {total + MINIMUM_UNRESERVED}",
    )
