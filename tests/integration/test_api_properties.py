"""Property-based tests of both APIs through the local gateway: no request a signed-in
client can send gets a 5xx, and every documented answer matches its OpenAPI schema.

Schemathesis generates requests from each API's OpenAPI document (the one `make build`
writes to dist/openapi/), valid ones and, in negative mode, ones
that break the schema on purpose; each goes through the local API gateway (JWT
authorizer, body limits) to the built artifact with a signed-in, verified user's ID
token. Checks: `not_a_server_error` and `response_schema_conformance`. Examples per
operation and mode are bounded so both APIs take about a minute together; every
failure is collected (not only the first) so the report counts them all.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from clients.mobile.config import MobileConfig
from tests.integration.support import wait_until
from tests.integration.test_mobile_backend import sign_up as sign_up_mobile_user
from tests.integration.test_web_app_api import sign_up_and_sign_in as sign_up_web_user

ROOT = Path(__file__).resolve().parents[2]
# Per operation and generation mode (fewer when an operation has fewer distinct cases):
# about 550 requests per API at tens of milliseconds each: near a minute for both.
EXAMPLES_PER_OPERATION = int(os.environ.get("API_PROPERTY_EXAMPLES", "50"))
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
CHECKS = [not_a_server_error, response_schema_conformance]


@dataclass
class Tally:
    """What one API answered: every status, and every failed check with its request."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)


def openapi_document(package: str) -> dict[str, Any]:
    """The document `make build` writes for the API (dist/openapi/<package>.json)."""
    path = ROOT / "dist" / "openapi" / f"{package}.json"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make build` (make test does)")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def exercise(package: str, base_url: str, id_token: str) -> Tally:
    """Send generated requests for every operation of the API; tally what came back."""
    schema = schemathesis.openapi.from_dict(openapi_document(package))
    # Every case carries the signed-in user's token: left to itself, negative mode would
    # drop the Authorization header (the security parameter) in a third of the cases,
    # testing the gateway's authorizer (tests/integration/test_web_app_api.py does)
    # instead of the functions.
    schema.config.generation.update(with_security_parameters=False)
    tally = Tally()
    http = requests.Session()
    for result in schema.get_all_operations():
        for mode in MODES:
            try:
                exercise_operation(
                    result.ok(), mode, base_url=base_url, id_token=id_token, http=http, tally=tally
                )
            except Unsatisfiable:
                # Negative mode for an operation without parameters or body: nothing
                # in its requests can be made invalid.
                if mode is not schemathesis.GenerationMode.NEGATIVE:
                    raise
    return tally


def exercise_operation(
    operation: schemathesis.APIOperation,
    mode: schemathesis.GenerationMode,
    *,
    base_url: str,
    id_token: str,
    http: requests.Session,
    tally: Tally,
) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        # Failures are collected below, not raised: nothing to shrink.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def send(case: schemathesis.Case) -> None:
        # Given here, the signed-in user's token replaces whatever the case generated.
        response = case.call(
            base_url=base_url, session=http, headers={"Authorization": id_token}, timeout=30
        )
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as failed:
            tally.failures.append(f"{operation.label} ({mode.value}): {failed}")

    send()


def report(name: str, tally: Tally) -> str:
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(tally.statuses.items()))
    return (
        f"schemathesis {name}: {tally.cases} cases, {tally.server_errors} 5xx, "
        f"{len(tally.failures)} failed checks ({statuses})"
    )


def _health(url: str) -> int:
    try:
        # The first request may wait for the function's cold start.
        return requests.get(url, timeout=30).status_code
    except requests.RequestException:
        return 0


@pytest.mark.parametrize("api", ["web_api", "mobile_api"])
def test_no_client_request_gets_a_server_error_and_answers_match_the_document(
    api: str,
    *,
    outputs: dict[str, Any],
    runtime: Any,
    tmp_path: Path,
    record_property: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if api == "web_api":
        base_url = outputs["api_url"]
        id_token = sign_up_web_user(outputs).id_token
    else:
        config = MobileConfig.from_mapping(json.loads(outputs["mobile_client_config"]))
        base_url = config.api_url
        id_token = sign_up_mobile_user(config, tmp_path).session.id_token()
    base_url = base_url.rstrip("/")
    wait_until(lambda: _health(f"{base_url}/health") == 200, timeout=60, what=f"{api} to serve")

    tally = exercise(api, base_url, id_token)

    summary = report(api, tally)
    record_property("schemathesis", summary)
    with capsys.disabled():
        print(f"\n{summary}")
    assert tally.cases > 0
    assert tally.failures == [], "\n\n".join(tally.failures[:5])
    assert tally.server_errors == 0, summary
