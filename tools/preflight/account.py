"""Which account the credentials reach, and its API Gateway logging role."""

from __future__ import annotations

from tools.preflight.context import Context
from tools.preflight.outcome import AWS_CALL_ERRORS, Outcome, Status, unanswered


def allowed_account(ctx: Context) -> Outcome:
    """STS GetCallerIdentity against allowed_account_ids (the provider's guard)."""
    check = "account"
    try:
        account = str(ctx.client("sts").get_caller_identity()["Account"])
    except AWS_CALL_ERRORS as error:
        return unanswered(check, "sts:GetCallerIdentity", error)
    allowed = [str(a) for a in ctx.root.value("allowed_account_ids") or []]
    if not allowed:
        return Outcome(
            check,
            Status.WARN,
            f"credentials reach account {account}; allowed_account_ids is empty, so any "
            "account would be accepted",
            f'set allowed_account_ids = ["{account}"] in terraform.tfvars if this is the '
            "account meant for this environment",
        )
    if account in allowed:
        return Outcome(check, Status.PASS, f"account {account} is in allowed_account_ids")
    return Outcome(
        check,
        Status.FAIL,
        f"credentials reach account {account}, not one of {', '.join(allowed)}: "
        "the provider refuses to plan",
        "use credentials of the environment's account (AWS_PROFILE), or correct "
        "allowed_account_ids",
    )


def api_gateway_logging_role(ctx: Context) -> Outcome:
    """API Gateway GetAccount: a stage with access logs needs the account's CloudWatch role."""
    check = "api-gateway-logging-role"
    owns = ctx.root.value("configure_api_gateway_account")
    try:
        registered = ctx.client("apigateway").get_account().get("cloudwatchRoleArn")
    except AWS_CALL_ERRORS as error:
        return unanswered(check, "apigateway:GetAccount", error)
    ours = f"role/{ctx.name_prefix}-web-apigateway-cloudwatch"
    if owns:
        if registered and not registered.endswith(ours):
            return Outcome(
                check,
                Status.WARN,
                f"this environment registers its own role, replacing {registered} that "
                "another stack registered: the account keeps one",
                "set configure_api_gateway_account = false in all but one environment "
                "of this account and region",
            )
        return Outcome(
            check, Status.PASS, "this environment registers the account's API Gateway role"
        )
    if registered:
        return Outcome(check, Status.PASS, f"the account's API Gateway role is {registered}")
    return Outcome(
        check,
        Status.FAIL,
        "no API Gateway CloudWatch role in this account and region, and this "
        "environment does not register one: every stage with access logs is rejected",
        "apply the environment that owns it first, or set configure_api_gateway_account "
        "= true here (exactly one environment per account and region)",
    )
