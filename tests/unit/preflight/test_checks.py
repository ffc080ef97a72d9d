"""Every preflight check on both outcomes, with stubbed AWS answers (botocore Stubber)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tools.preflight import account, concurrency, email, quotas, services
from tools.preflight.context import Context
from tools.preflight.outcome import Status
from tools.preflight.settings import Root

REPOSITORY = Path(__file__).resolve().parents[3]
PROD = REPOSITORY / "infra" / "environments" / "prod"
REGION = "eu-west-1"
ROLE = "arn:aws:iam::111122223333:role/refarch-prod-web-apigateway-cloudwatch"
# A variable the environment does not set (no value, no default).
_UNSET = object()


class StubbedClients:
    """boto3 clients with a Stubber each; every queued answer must be consumed."""

    def __init__(self) -> None:
        self.clients: dict[str, Any] = {}
        self.stubbers: dict[str, Stubber] = {}

    def __call__(self, service: str) -> Any:
        if service not in self.clients:
            client = boto3.client(
                service,  # type: ignore[call-overload]
                region_name=REGION,
                aws_access_key_id="stub",
                aws_secret_access_key="stub",  # not a credential: never sent
            )
            self.clients[service] = client
            self.stubbers[service] = Stubber(client)
            self.stubbers[service].activate()
        return self.clients[service]

    def answer(self, service: str, operation: str, response: dict[str, Any], **params: Any) -> None:
        self(service)
        self.stubbers[service].add_response(operation, response, params or None)

    def error(self, service: str, operation: str, code: str, status: int = 400) -> None:
        self(service)
        self.stubbers[service].add_client_error(operation, code, code, status)


@pytest.fixture
def stubs() -> Iterator[StubbedClients]:
    stubbed = StubbedClients()
    yield stubbed
    for stubber in stubbed.stubbers.values():
        stubber.assert_no_pending_responses()


def context(stubs: StubbedClients, **overrides: Any) -> Context:
    variables: dict[str, Any] = {
        "environment": "prod",
        "aws_region": REGION,
        "allowed_account_ids": ["111122223333"],
        "stream_mode": "PROVISIONED",
        "shard_count": 4,
        "parallelization_factor": 2,
        "processor_reserved_concurrency": 10,
        "configure_api_gateway_account": True,
        "alarm_email": "oncall@corp.io",
        "sender_email": "welcome@corp.io",
        "cognito_email_sender": {
            "from_address": "Corp <no-reply@corp.io>",
            "ses_identity_arn": "arn:aws:ses:eu-west-1:111122223333:identity/corp.io",
        },
    }
    variables.update(overrides)
    variables = {k: v for k, v in variables.items() if v is not _UNSET}
    root = Root(
        directory=PROD,
        variables=variables,
        declared=frozenset(variables) | {"alarm_email", "cognito_email_sender"},
        modules={
            "mobile_backend": {"source": "../../../modules/mobile_backend"},
            "web_app": {"source": "../../../modules/web_app"},
        },
    )
    return Context(root=root, client=stubs, repository=REPOSITORY)


def limits(total: int, unreserved: int) -> dict[str, Any]:
    return {
        "AccountLimit": {
            "ConcurrentExecutions": total,
            "UnreservedConcurrentExecutions": unreserved,
            "TotalCodeSize": 80530636800,
            "CodeSizeUnzipped": 262144000,
            "CodeSizeZipped": 52428800,
        },
        "AccountUsage": {"TotalCodeSize": 0, "FunctionCount": 0},
    }


# ---- account ---------------------------------------------------------------------------


def caller(account_id: str) -> dict[str, Any]:
    return {"UserId": "AIDA", "Account": account_id, "Arn": f"arn:aws:iam::{account_id}:user/x"}


def test_account_in_allowed_ids_passes(stubs: StubbedClients) -> None:
    stubs.answer("sts", "get_caller_identity", caller("111122223333"))
    assert account.allowed_account(context(stubs)).status is Status.PASS


def test_other_account_fails(stubs: StubbedClients) -> None:
    stubs.answer("sts", "get_caller_identity", caller("444455556666"))
    outcome = account.allowed_account(context(stubs))
    assert outcome.status is Status.FAIL
    assert "444455556666" in outcome.detail


def test_empty_allowed_ids_warns_with_the_account_to_set(stubs: StubbedClients) -> None:
    stubs.answer("sts", "get_caller_identity", caller("444455556666"))
    outcome = account.allowed_account(context(stubs, allowed_account_ids=[]))
    assert outcome.status is Status.WARN
    assert '["444455556666"]' in outcome.fix


def test_denied_call_is_skipped_with_the_permission_to_grant(stubs: StubbedClients) -> None:
    stubs.error("sts", "get_caller_identity", "AccessDenied", 403)
    outcome = account.allowed_account(context(stubs))
    assert outcome.status is Status.SKIP
    assert "sts:GetCallerIdentity" in outcome.fix


def test_logging_role_registered_elsewhere_passes(stubs: StubbedClients) -> None:
    stubs.answer("apigateway", "get_account", {"cloudwatchRoleArn": ROLE})
    ctx = context(stubs, configure_api_gateway_account=False)
    assert account.api_gateway_logging_role(ctx).status is Status.PASS


def test_no_logging_role_and_not_owner_fails(stubs: StubbedClients) -> None:
    stubs.answer("apigateway", "get_account", {})
    outcome = account.api_gateway_logging_role(context(stubs, configure_api_gateway_account=False))
    assert outcome.status is Status.FAIL
    assert "configure_api_gateway_account" in outcome.fix


def test_owner_replacing_another_stacks_role_warns(stubs: StubbedClients) -> None:
    stubs.answer("apigateway", "get_account", {"cloudwatchRoleArn": ROLE.replace("prod", "dev")})
    outcome = account.api_gateway_logging_role(context(stubs))
    assert outcome.status is Status.WARN


def test_owner_of_its_own_role_passes(stubs: StubbedClients) -> None:
    stubs.answer("apigateway", "get_account", {"cloudwatchRoleArn": ROLE})
    assert account.api_gateway_logging_role(context(stubs)).status is Status.PASS


# ---- Lambda concurrency ------------------------------------------------------------------


def test_reservation_within_unreserved_passes(stubs: StubbedClients) -> None:
    stubs.answer("lambda", "get_account_settings", limits(1000, 1000))
    stubs.error("lambda", "get_function_concurrency", "ResourceNotFoundException", 404)
    assert concurrency.reservations(context(stubs)).status is Status.PASS


def test_reservation_on_a_new_account_of_10_fails(stubs: StubbedClients) -> None:
    stubs.answer("lambda", "get_account_settings", limits(10, 10))
    stubs.error("lambda", "get_function_concurrency", "ResourceNotFoundException", 404)
    outcome = concurrency.reservations(context(stubs))
    assert outcome.status is Status.FAIL
    assert "processor_reserved_concurrency = null" in outcome.fix


def test_existing_reservation_of_the_processor_counts_as_already_made(
    stubs: StubbedClients,
) -> None:
    stubs.answer("lambda", "get_account_settings", limits(110, 100))
    stubs.answer(
        "lambda",
        "get_function_concurrency",
        {"ReservedConcurrentExecutions": 10},
        FunctionName="refarch-prod-stream-processor",
    )
    assert concurrency.reservations(context(stubs)).status is Status.PASS


def test_no_reservation_needs_no_call(stubs: StubbedClients) -> None:
    ctx = context(stubs, processor_reserved_concurrency=None)
    assert concurrency.reservations(ctx).status is Status.PASS


def test_stream_parallelism_fits_the_account(stubs: StubbedClients) -> None:
    stubs.answer("lambda", "get_account_settings", limits(1000, 1000))
    outcome = concurrency.stream_parallelism(context(stubs))
    assert outcome.status is Status.PASS
    assert "8 stream batches" in outcome.detail


def test_stream_parallelism_beyond_a_limit_of_10_fails(stubs: StubbedClients) -> None:
    stubs.answer("lambda", "get_account_settings", limits(10, 10))
    ctx = context(stubs, processor_reserved_concurrency=None)
    assert concurrency.stream_parallelism(ctx).status is Status.FAIL


def test_reservation_below_the_streams_parallelism_fails(stubs: StubbedClients) -> None:
    outcome = concurrency.stream_parallelism(context(stubs, processor_reserved_concurrency=4))
    assert outcome.status is Status.FAIL
    assert ">= 8" in outcome.fix


def test_unimplemented_account_settings_is_skipped(stubs: StubbedClients) -> None:
    stubs.error("lambda", "get_account_settings", "404", 404)
    assert concurrency.stream_parallelism(context(stubs)).status is Status.SKIP


# ---- SES and alarms ----------------------------------------------------------------------


def ses_account(production: bool, sending: bool = True) -> dict[str, Any]:
    return {"ProductionAccessEnabled": production, "SendingEnabled": sending}


def test_production_access_passes(stubs: StubbedClients) -> None:
    stubs.answer("sesv2", "get_account", ses_account(production=True))
    assert email.production_access(context(stubs)).status is Status.PASS


def test_sandbox_warns(stubs: StubbedClients) -> None:
    stubs.answer("sesv2", "get_account", ses_account(production=False))
    outcome = email.production_access(context(stubs))
    assert outcome.status is Status.WARN
    assert "production access" in outcome.fix


def test_paused_sending_warns(stubs: StubbedClients) -> None:
    stubs.answer("sesv2", "get_account", ses_account(production=True, sending=False))
    assert email.production_access(context(stubs)).status is Status.WARN


def test_sandbox_recognised_by_quota_when_v2_is_unanswered(stubs: StubbedClients) -> None:
    stubs.error("sesv2", "get_account", "404", 404)
    stubs.answer(
        "ses",
        "get_send_quota",
        {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 0.0},
    )
    assert email.production_access(context(stubs)).status is Status.WARN


def test_production_quota_passes_when_v2_is_unanswered(stubs: StubbedClients) -> None:
    stubs.error("sesv2", "get_account", "404", 404)
    stubs.answer(
        "ses",
        "get_send_quota",
        {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 0.0},
    )
    assert email.production_access(context(stubs)).status is Status.PASS


def verification(statuses: dict[str, str]) -> dict[str, Any]:
    return {
        "VerificationAttributes": {
            name: {"VerificationStatus": status} for name, status in statuses.items()
        }
    }


def test_verified_sender_domain_passes(stubs: StubbedClients) -> None:
    stubs.answer(
        "ses",
        "get_identity_verification_attributes",
        verification({"corp.io": "Success"}),
        Identities=["welcome@corp.io", "corp.io"],
    )
    assert email.sender_identity(context(stubs)).status is Status.PASS


def test_sender_not_created_yet_warns_with_the_manual_step(stubs: StubbedClients) -> None:
    stubs.answer("ses", "get_identity_verification_attributes", verification({}))
    outcome = email.sender_identity(context(stubs))
    assert outcome.status is Status.WARN
    assert "after the apply" in outcome.fix


@pytest.mark.parametrize("sender", ["welcome@example.com", "a@mail.example.org", "x@shop.test"])
def test_placeholder_sender_fails_without_a_call(stubs: StubbedClients, sender: str) -> None:
    assert email.sender_identity(context(stubs, sender_email=sender)).status is Status.FAIL


def test_missing_sender_fails(stubs: StubbedClients) -> None:
    assert email.sender_identity(context(stubs, sender_email=_UNSET)).status is Status.FAIL


def test_verified_cognito_identity_passes(stubs: StubbedClients) -> None:
    stubs.answer(
        "ses",
        "get_identity_verification_attributes",
        verification({"corp.io": "Success"}),
        Identities=["corp.io"],
    )
    assert email.cognito_sender_identity(context(stubs)).status is Status.PASS


def test_pending_cognito_identity_fails(stubs: StubbedClients) -> None:
    stubs.answer(
        "ses", "get_identity_verification_attributes", verification({"corp.io": "Pending"})
    )
    outcome = email.cognito_sender_identity(context(stubs))
    assert outcome.status is Status.FAIL
    assert "Pending" in outcome.detail


def test_unset_cognito_sender_fails(stubs: StubbedClients) -> None:
    ctx = context(stubs, cognito_email_sender=_UNSET)
    assert email.cognito_sender_identity(ctx).status is Status.FAIL


def test_alarm_email_set_passes(stubs: StubbedClients) -> None:
    assert email.alarm_email(context(stubs)).status is Status.PASS


def test_alarm_email_opt_out_warns(stubs: StubbedClients) -> None:
    assert email.alarm_email(context(stubs, alarm_email=None)).status is Status.WARN


def test_alarm_email_unset_fails(stubs: StubbedClients) -> None:
    assert email.alarm_email(context(stubs, alarm_email=_UNSET)).status is Status.FAIL


def test_alarm_email_placeholder_fails(stubs: StubbedClients) -> None:
    ctx = context(stubs, alarm_email="oncall@example.com")
    assert email.alarm_email(ctx).status is Status.FAIL


# ---- quotas ------------------------------------------------------------------------------


def kinesis_limits(shard_limit: int, open_shards: int) -> dict[str, Any]:
    return {
        "ShardLimit": shard_limit,
        "OpenShardCount": open_shards,
        "OnDemandStreamCount": 0,
        "OnDemandStreamCountLimit": 50,
    }


def test_free_shards_pass(stubs: StubbedClients) -> None:
    stubs.answer("kinesis", "describe_limits", kinesis_limits(200, 10))
    assert quotas.kinesis_shards(context(stubs)).status is Status.PASS


def test_too_few_free_shards_fail(stubs: StubbedClients) -> None:
    stubs.answer("kinesis", "describe_limits", kinesis_limits(200, 198))
    assert quotas.kinesis_shards(context(stubs)).status is Status.FAIL


def dax_quota(name: str, value: float) -> dict[str, Any]:
    return {"Quotas": [{"ServiceCode": "dax", "QuotaName": name, "Value": value}]}


def test_dax_nodes_within_quota_pass(stubs: StubbedClients) -> None:
    stubs.answer("service-quotas", "list_service_quotas", dax_quota("Nodes per Region", 50))
    stubs.answer("dax", "describe_clusters", {"Clusters": []})
    assert quotas.dax_nodes(context(stubs)).status is Status.PASS


def test_dax_nodes_beyond_the_regions_quota_fail(stubs: StubbedClients) -> None:
    stubs.answer("service-quotas", "list_service_quotas", dax_quota("Nodes per Region", 4))
    stubs.answer(
        "dax",
        "describe_clusters",
        {"Clusters": [{"ClusterName": "other", "TotalNodes": 2}]},
    )
    outcome = quotas.dax_nodes(context(stubs))
    assert outcome.status is Status.FAIL
    assert "dax_node_count" in outcome.fix


def test_dax_quota_unanswered_is_skipped(stubs: StubbedClients) -> None:
    stubs.error("service-quotas", "list_service_quotas", "NoSuchResourceException")
    assert quotas.dax_nodes(context(stubs)).status is Status.SKIP


# ---- region ------------------------------------------------------------------------------


def test_region_offering_everything_passes(stubs: StubbedClients) -> None:
    stubs.answer("ssm", "get_parameters", {"Parameters": []})
    stubs.answer("ssm", "get_parameters", {"Parameters": []})
    assert services.region_services(context(stubs)).status is Status.PASS


def test_region_without_dax_fails(stubs: StubbedClients) -> None:
    missing = f"/aws/service/global-infrastructure/regions/{REGION}/services/dax"
    stubs.answer("ssm", "get_parameters", {"Parameters": [], "InvalidParameters": [missing]})
    stubs.answer("ssm", "get_parameters", {"Parameters": []})
    outcome = services.region_services(context(stubs))
    assert outcome.status is Status.FAIL
    assert "dax" in outcome.detail
