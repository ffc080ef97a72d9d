"""Preflight: read-only checks of what a first `terraform apply` in an account needs.

`make preflight ENV=prod` runs `python -m tools.preflight infra/environments/prod` with
the caller's credentials. Each check prints one line (PASS, WARN, FAIL or SKIP, what it
found, and the fix); the exit status is 1 when any check FAILs, i.e. when the apply (or
its plan) would fail.
"""

from __future__ import annotations

from collections.abc import Callable

from tools.preflight import account, concurrency, email, quotas, services
from tools.preflight.context import Context
from tools.preflight.outcome import Outcome

Check = Callable[[Context], Outcome]

CHECKS: tuple[Check, ...] = (
    account.allowed_account,
    services.region_services,
    concurrency.reservations,
    concurrency.stream_parallelism,
    quotas.kinesis_shards,
    quotas.dax_nodes,
    account.api_gateway_logging_role,
    email.production_access,
    email.sender_identity,
    email.cognito_sender_identity,
    email.alarm_email,
)
