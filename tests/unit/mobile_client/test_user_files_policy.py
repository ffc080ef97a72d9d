"""Per-user S3 isolation of the identity pool's authenticated role, by evaluating the
policy (the emulator stores IAM policies but does not enforce them; see policy_eval).

The fixture is the policy modules/mobile_backend renders (its
`authenticated_role_policy_json` output); the integration test runs the same
`isolation_violations` on the applied environment's real output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from policy_eval import (
    IDENTITY_SUB,
    Request,
    UnsupportedPolicyError,
    bucket_request,
    evaluate,
    isolation_expectations,
    isolation_violations,
    object_request,
)

FIXTURE = Path(__file__).parent / "fixtures" / "authenticated_role_policy.json"
BUCKET = "refarch-local-mobile-user-files"
ALICE = "eu-west-1:0f5a2f7e-1b7c-4c55-9e7e-2a1c1f1f0a01"
BOB = "eu-west-1:6c1d9b3a-8e0f-4d2a-b5a4-77c0d0b2c0b2"


@pytest.fixture
def policy() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FIXTURE.read_text())
    return loaded


def test_rendered_policy_isolates_users(policy: dict[str, Any]) -> None:
    assert isolation_violations(policy, BUCKET, ALICE, BOB) == []
    assert isolation_violations(policy, BUCKET, BOB, ALICE) == []


@pytest.mark.parametrize("action", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
def test_own_prefix_allowed_other_prefix_and_root_denied(
    policy: dict[str, Any], action: str
) -> None:
    own = object_request(action, BUCKET, f"private/{ALICE}/notes.txt", ALICE)
    other = object_request(action, BUCKET, f"private/{BOB}/notes.txt", ALICE)
    root = object_request(action, BUCKET, "notes.txt", ALICE)
    assert evaluate(policy, own) == "Allow"
    assert evaluate(policy, other) == "ImplicitDeny"
    assert evaluate(policy, root) == "ImplicitDeny"


def test_list_only_with_own_prefix(policy: dict[str, Any]) -> None:
    assert (
        evaluate(policy, bucket_request("s3:ListBucket", BUCKET, ALICE, f"private/{ALICE}/"))
        == "Allow"
    )
    assert (
        evaluate(policy, bucket_request("s3:ListBucket", BUCKET, ALICE, f"private/{ALICE}/x"))
        == "Allow"
    )
    for prefix in (f"private/{BOB}/", "private/", "", None):
        request = bucket_request("s3:ListBucket", BUCKET, ALICE, prefix)
        assert evaluate(policy, request) == "ImplicitDeny", prefix


@pytest.mark.parametrize("action", ["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:PutBucketAcl"])
def test_bucket_administration_denied(policy: dict[str, Any], action: str) -> None:
    assert evaluate(policy, bucket_request(action, BUCKET, ALICE)) == "ImplicitDeny"


@pytest.mark.parametrize(
    ("broken", "violation"),
    [
        # A policy without the variable: every user can read everybody's files.
        (
            lambda p: p["Statement"][0].update(Resource=f"arn:aws:s3:::{BUCKET}/private/*"),
            "other user's file: expected denied, got Allow",
        ),
        # A ListBucket without its prefix condition lists every user's file names.
        (
            lambda p: p["Statement"][1].pop("Condition"),
            "ListBucket other user's folder: expected denied, got Allow",
        ),
        # A prefix pattern without the trailing slash also matches `{id}x/` folders.
        (
            lambda p: p["Statement"][0].update(
                Resource=f"arn:aws:s3:::{BUCKET}/private/${{{IDENTITY_SUB}}}*"
            ),
            "own id as a name prefix of another folder: expected denied, got Allow",
        ),
        # s3:* on the bucket hands over administration.
        (
            lambda p: p["Statement"].append(
                {"Effect": "Allow", "Action": "s3:*", "Resource": f"arn:aws:s3:::{BUCKET}"}
            ),
            "DeleteBucket: expected denied, got Allow",
        ),
        # Denying own files breaks the feature: the check sees that too.
        (
            lambda p: p["Statement"].append(
                {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}
            ),
            "s3:GetObject own file: expected allowed, got ExplicitDeny",
        ),
    ],
)
def test_isolation_check_catches_broken_policies(
    policy: dict[str, Any], broken: Any, violation: str
) -> None:
    broken(policy)
    violations = isolation_violations(policy, BUCKET, ALICE, BOB)
    assert any(violation in v for v in violations), violations


def test_expectations_cover_the_issue_cases() -> None:
    descriptions = {d for d, _, _ in isolation_expectations(BUCKET, ALICE, BOB)}
    for needed in (
        "s3:GetObject own file",
        "s3:PutObject other user's file",
        "s3:DeleteObject bucket root object",
        "ListBucket own folder",
        "ListBucket other user's folder",
        "ListBucket without prefix",
        "DeleteBucket",
        "PutBucketPolicy",
    ):
        assert needed in descriptions


# ---- the evaluator itself ---------------------------------------------------------


def allow(**statement: Any) -> dict[str, Any]:
    return {"Statement": [{"Effect": "Allow", **statement}]}


def test_action_wildcards_are_case_insensitive() -> None:
    policy = allow(Action="s3:Get*", Resource="*")
    assert evaluate(policy, Request("S3:GETOBJECT", "arn:x")) == "Allow"
    assert evaluate(policy, Request("s3:PutObject", "arn:x")) == "ImplicitDeny"
    assert evaluate(allow(Action="s3:?etObject", Resource="*"), Request("s3:GetObject", "a")) == (
        "Allow"
    )


def test_resources_are_case_sensitive() -> None:
    policy = allow(Action="s3:GetObject", Resource="arn:aws:s3:::b/private/Abc/*")
    assert evaluate(policy, Request("s3:GetObject", "arn:aws:s3:::b/private/Abc/f")) == "Allow"
    assert evaluate(policy, Request("s3:GetObject", "arn:aws:s3:::b/private/abc/f")) == (
        "ImplicitDeny"
    )


def test_explicit_deny_wins_over_allow() -> None:
    policy = {
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*"},
        ]
    }
    assert evaluate(policy, Request("s3:DeleteObject", "arn:aws:s3:::b/k")) == "ExplicitDeny"
    assert evaluate(policy, Request("s3:GetObject", "arn:aws:s3:::b/k")) == "Allow"


def test_not_action_and_not_resource() -> None:
    policy = allow(NotAction="s3:Delete*", NotResource="arn:aws:s3:::secret/*")
    assert evaluate(policy, Request("s3:GetObject", "arn:aws:s3:::b/k")) == "Allow"
    assert evaluate(policy, Request("s3:DeleteObject", "arn:aws:s3:::b/k")) == "ImplicitDeny"
    assert evaluate(policy, Request("s3:GetObject", "arn:aws:s3:::secret/k")) == "ImplicitDeny"


def test_variable_value_is_literal_and_missing_variable_never_matches() -> None:
    policy = allow(Action="s3:GetObject", Resource="arn:aws:s3:::b/${aws:username}/*")
    star = {"aws:username": "*"}
    # A '*' inside the substituted value is not a wildcard.
    assert evaluate(policy, Request("s3:GetObject", "arn:aws:s3:::b/x/k", star)) == "ImplicitDeny"
    assert evaluate(policy, Request("s3:GetObject", "arn:aws:s3:::b/*/k", star)) == "Allow"
    assert evaluate(policy, Request("s3:GetObject", "arn:aws:s3:::b/x/k")) == "ImplicitDeny"


def test_special_variables_are_literal_characters() -> None:
    policy = allow(Action="s3:GetObject", Resource="arn:aws:s3:::b/${*}${?}${$}")
    assert evaluate(policy, Request("s3:GetObject", "arn:aws:s3:::b/*?$")) == "Allow"
    assert evaluate(policy, Request("s3:GetObject", "arn:aws:s3:::b/abc")) == "ImplicitDeny"


def test_condition_operators_and_absent_keys() -> None:
    def decide(operator: str, context: dict[str, str]) -> str:
        policy = allow(Action="s3:ListBucket", Resource="*", Condition={operator: {"k": "a*"}})
        return evaluate(policy, Request("s3:ListBucket", "arn:b", context))

    assert decide("StringLike", {"k": "abc"}) == "Allow"
    assert decide("StringLike", {"k": "bc"}) == "ImplicitDeny"
    assert decide("StringLike", {}) == "ImplicitDeny"
    assert decide("StringEquals", {"k": "abc"}) == "ImplicitDeny"  # no wildcards
    assert decide("StringEquals", {"k": "a*"}) == "Allow"
    assert decide("StringNotLike", {"k": "abc"}) == "ImplicitDeny"
    assert decide("StringNotLike", {"k": "bc"}) == "Allow"
    assert decide("StringNotLike", {}) == "Allow"
    assert decide("StringNotEquals", {}) == "Allow"
    assert decide("StringLikeIfExists", {}) == "Allow"


def test_condition_values_or_keys_and() -> None:
    policy = allow(
        Action="s3:ListBucket",
        Resource="*",
        Condition={"StringEquals": {"a": ["1", "2"], "b": "3"}},
    )
    assert evaluate(policy, Request("s3:ListBucket", "x", {"a": "2", "b": "3"})) == "Allow"
    assert evaluate(policy, Request("s3:ListBucket", "x", {"a": "2", "b": "4"})) == "ImplicitDeny"


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"IpAddress": {}}},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:${aws:username, 'x'}"},
        {"Effect": "Allow", "Action": "s3:*"},
        {"Effect": "Maybe", "Action": "s3:*", "Resource": "*"},
    ],
)
def test_unsupported_policy_features_fail_loudly(statement: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedPolicyError):
        evaluate(
            {"Statement": [statement]}, Request("s3:GetObject", "arn:x", {"aws:username": "u"})
        )
