"""Mail the environment sends: SES production access, the senders' identities, alarms."""

from __future__ import annotations

from typing import Any

from tools.preflight.context import Context
from tools.preflight.outcome import AWS_CALL_ERRORS, Outcome, Status, unanswered

# RFC 2606 / 6761 names: never deliverable, so never a real sender or recipient.
_RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
_RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
# SES sandbox sending quota: 200 messages per 24 hours, 1 per second.
_SANDBOX_DAILY_QUOTA = 200.0


def is_placeholder(address: str) -> bool:
    domain = address.rpartition("@")[2].lower()
    return domain in _RESERVED_DOMAINS or domain.endswith(
        _RESERVED_SUFFIXES + tuple("." + d for d in _RESERVED_DOMAINS)
    )


def production_access(ctx: Context) -> Outcome:
    """SES v2 GetAccount (ProductionAccessEnabled, SendingEnabled); where that is not
    answered, SES GetSendQuota (the sandbox's quota is 200 a day)."""
    check = "ses-production-access"
    fix = (
        "request SES production access for this region (SES console: Account "
        "dashboard, 'Request production access'); AWS answers within a day"
    )
    try:
        account = ctx.client("sesv2").get_account()
    except AWS_CALL_ERRORS as error:
        try:
            quota = ctx.client("ses").get_send_quota()
        except AWS_CALL_ERRORS:
            return unanswered(check, "sesv2:GetAccount", error)
        if float(quota["Max24HourSend"]) <= _SANDBOX_DAILY_QUOTA:
            return Outcome(
                check,
                Status.WARN,
                f"sending quota {quota['Max24HourSend']:.0f}/day looks like the SES sandbox: "
                "mail reaches verified addresses only",
                fix,
            )
        return Outcome(check, Status.PASS, f"sending quota {quota['Max24HourSend']:.0f}/day")
    if not account.get("SendingEnabled", True):
        return Outcome(
            check,
            Status.WARN,
            "SES sending is paused for this account",
            "resolve the SES enforcement case in the SES console before relying on email",
        )
    if not account.get("ProductionAccessEnabled"):
        return Outcome(
            check,
            Status.WARN,
            "the account is in the SES sandbox: welcome and Cognito mail reaches verified "
            "addresses only",
            fix,
        )
    return Outcome(check, Status.PASS, "SES production access, sending enabled")


def _verification_status(ctx: Context, identities: list[str]) -> dict[str, str]:
    answer = ctx.client("ses").get_identity_verification_attributes(Identities=identities)
    attributes: dict[str, Any] = answer["VerificationAttributes"]
    return {name: str(attributes[name]["VerificationStatus"]) for name in attributes}


def _address_and_domain(address: str) -> list[str]:
    return [address, address.rpartition("@")[2]]


def sender_identity(ctx: Context) -> Outcome:
    """SES GetIdentityVerificationAttributes of sender_email and its domain (the apply
    creates the address identity; its owner confirms it afterwards)."""
    check = "ses-sender-identity"
    sender = ctx.root.value("sender_email")
    if not sender:
        return Outcome(
            check,
            Status.FAIL,
            "sender_email is not set: the plan stops at the required variable",
            "set sender_email in terraform.tfvars or TF_VAR_sender_email to an address "
            "of your domain",
        )
    if is_placeholder(sender):
        return Outcome(
            check,
            Status.FAIL,
            f"sender_email {sender} is a reserved example domain that can never be verified",
            "set sender_email to an address of your domain",
        )
    try:
        statuses = _verification_status(ctx, _address_and_domain(sender))
    except AWS_CALL_ERRORS as error:
        return unanswered(check, "ses:GetIdentityVerificationAttributes", error)
    if "Success" in statuses.values():
        return Outcome(check, Status.PASS, f"{sender} is verified in SES")
    state = statuses.get(sender, "not created yet")
    return Outcome(
        check,
        Status.WARN,
        f"{sender}: {state}; welcome emails fail until its owner confirms it",
        "after the apply, open the link SES mails to that address (or verify the "
        "domain with DKIM beforehand)",
    )


def cognito_sender_identity(ctx: Context) -> Outcome:
    """SES GetIdentityVerificationAttributes of cognito_email_sender's identity: Cognito
    refuses a DEVELOPER email configuration whose identity is not verified."""
    check = "cognito-sender-identity"
    if "cognito_email_sender" not in ctx.root.declared:
        return Outcome(check, Status.SKIP, "this environment has no cognito_email_sender")
    sender = ctx.root.value("cognito_email_sender")
    if not isinstance(sender, dict):
        return Outcome(
            check,
            Status.FAIL,
            "cognito_email_sender is not set: the plan stops at the required variable",
            "verify an SES identity of your domain and set cognito_email_sender = "
            "{ from_address = ..., ses_identity_arn = ... }",
        )
    address = str(sender.get("from_address", ""))
    identity = str(sender.get("ses_identity_arn", "")).rpartition(":identity/")[2]
    if is_placeholder(address) or is_placeholder("@" + identity):
        return Outcome(
            check,
            Status.FAIL,
            f"cognito_email_sender uses a reserved example domain ({identity})",
            "set it to a verified SES identity of your domain",
        )
    try:
        statuses = _verification_status(ctx, [identity])
    except AWS_CALL_ERRORS as error:
        return unanswered(check, "ses:GetIdentityVerificationAttributes", error)
    state = statuses.get(identity, "absent")
    if state == "Success":
        return Outcome(check, Status.PASS, f"SES identity {identity} is verified")
    return Outcome(
        check,
        Status.FAIL,
        f"SES identity {identity} is {state}: Cognito rejects the user pools' email configuration",
        f"create and verify {identity} in SES in {ctx.root.value('aws_region')} before the apply",
    )


def alarm_email(ctx: Context) -> Outcome:
    """No call: alarm_email from the settings (required outside local; null opts out)."""
    check = "alarm-email"
    if "alarm_email" not in ctx.root.declared:
        return Outcome(check, Status.SKIP, "this environment has no alarm_email")
    if not ctx.root.is_set("alarm_email"):
        return Outcome(
            check,
            Status.FAIL,
            "alarm_email is not set: the plan stops at the required variable",
            "set alarm_email to the on-call address (or alarm_email = null to opt out)",
        )
    address = ctx.root.value("alarm_email")
    if address is None:
        return Outcome(
            check,
            Status.WARN,
            "alarm_email = null: the alarms notify nobody",
            "set alarm_email, or subscribe your paging tool to the alarm topics",
        )
    if is_placeholder(str(address)):
        return Outcome(
            check,
            Status.FAIL,
            f"alarm_email {address} is a reserved example domain",
            "set alarm_email to the on-call address",
        )
    return Outcome(
        check,
        Status.PASS,
        f"alarms go to {address} (confirm the subscription mail after the apply)",
    )
