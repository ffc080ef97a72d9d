"""The outcome of one preflight check, and how a failed AWS call becomes one."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError


class Status(enum.Enum):
    """PASS: ready. WARN: the apply succeeds but something will not work until the fix
    is done. FAIL: the apply (or plan) would fail. SKIP: the account could not be asked."""

    PASS = "PASS"  # noqa: S105 - an outcome, not a password
    WARN = "WARN"
    FAIL = "FAIL"
    SKIP = "SKIP"


@dataclass(frozen=True)
class Outcome:
    check: str
    status: Status
    detail: str
    fix: str = ""

    def line(self, width: int) -> str:
        text = f"{self.status.value}  {self.check:<{width}}  {self.detail}"
        return f"{text}  -> fix: {self.fix}" if self.fix else text


def unanswered(
    check: str,
    operation: str,
    error: Exception,
    manual: str = "check it in the AWS console before the first apply",
) -> Outcome:
    """A SKIP for a call the endpoint did not answer (not implemented, denied, offline),
    with where to look instead."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation"):
            return Outcome(
                check,
                Status.SKIP,
                f"{operation} denied to these credentials",
                f"allow {operation} to the caller (read-only) and run again",
            )
        reason = f"HTTP {status}" if code in ("", str(status)) else code
    else:
        reason = type(error).__name__
    return Outcome(
        check,
        Status.SKIP,
        f"{operation} not answered by this endpoint ({reason})",
        manual,
    )


AWS_CALL_ERRORS = (ClientError, BotoCoreError)
