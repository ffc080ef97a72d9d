"""A small IAM identity-policy evaluator for exactly what the mobile backend's
authenticated-role policy uses, and the per-user S3 isolation check built on it.

Why not a library or the emulator:
- moto does not evaluate these conditions: its IAMPolicyStatement knows only
  StringEquals (StringLike is skipped, i.e. treated as matching), substitutes no
  policy variables, and returns DENIED for an *Allow* statement whose condition does
  not match. So moto would allow ListBucket on any prefix and still "pass".
- principalmapper (AGPL, last release 2022) matches resources case-insensitively
  (S3 keys are case-sensitive) and does not substitute variables in condition values.
- iam-ape summarizes an account's policies; aws-why calls AWS's own simulator;
  iamprover proves invariants over actions/resources with Z3, not request contexts.

Semantics, from the IAM policy evaluation logic documentation:
- A statement applies when its Action (or NotAction), Resource (or NotResource) and
  every Condition match. Decision: any applying Deny -> "ExplicitDeny"; else any
  applying Allow -> "Allow"; else "ImplicitDeny".
- Actions match case-insensitively, resources case-sensitively; `*` is any run of
  characters, `?` one character.
- `${key}` in a resource or a condition value is replaced with the request context's
  value of `key`, taken literally (a `*` in the value is not a wildcard); `${*}`,
  `${?}`, `${$}` are the literal characters. A variable with no value in the context
  makes that resource/value not match (IAM does the same).
- Conditions: every operator block and every key must match (AND); a key matches when
  any of its values does (OR). StringEquals/StringLike on a key absent from the
  context do not match; StringNotEquals/StringNotLike do. `...IfExists` variants match
  an absent key. Any other operator, a multi-valued key or a Principal element raises
  UnsupportedPolicyError: the check fails loudly rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Decision = Literal["Allow", "ExplicitDeny", "ImplicitDeny"]

IDENTITY_SUB = "cognito-identity.amazonaws.com:sub"
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LITERALS = {"*": "*", "?": "?", "$": "$"}
_STRING_OPERATORS = {"StringEquals", "StringNotEquals", "StringLike", "StringNotLike"}


class UnsupportedPolicyError(ValueError):
    """The policy uses something this evaluator does not implement."""


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _pattern(
    text: str, context: Mapping[str, str], *, wildcards: bool, ignore_case: bool
) -> re.Pattern[str] | None:
    """The regex for a policy string after variable substitution; None when a variable
    has no value in the context."""
    parts: list[str] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        parts.append(_glob(text[position : match.start()], wildcards))
        name = match.group(1)
        if name in _LITERALS:
            parts.append(re.escape(_LITERALS[name]))
        elif "," in name:
            raise UnsupportedPolicyError(f"default values in policy variables: ${{{name}}}")
        elif name in context:
            parts.append(re.escape(context[name]))
        else:
            return None
        position = match.end()
    parts.append(_glob(text[position:], wildcards))
    return re.compile("".join(parts), re.IGNORECASE if ignore_case else 0)


def _glob(text: str, wildcards: bool) -> str:
    if not wildcards:
        return re.escape(text)
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


def _matches(
    patterns: Iterable[str],
    value: str,
    context: Mapping[str, str],
    *,
    wildcards: bool = True,
    ignore_case: bool = False,
) -> bool:
    for text in patterns:
        pattern = _pattern(text, context, wildcards=wildcards, ignore_case=ignore_case)
        if pattern is not None and pattern.fullmatch(value):
            return True
    return False


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "Action" in statement:
        return _matches(_as_list(statement["Action"]), action, {}, ignore_case=True)
    if "NotAction" in statement:
        return not _matches(_as_list(statement["NotAction"]), action, {}, ignore_case=True)
    raise UnsupportedPolicyError("statement has neither Action nor NotAction")


def _resource_matches(statement: Mapping[str, Any], request: Request) -> bool:
    if "Resource" in statement:
        return _matches(_as_list(statement["Resource"]), request.resource, request.context)
    if "NotResource" in statement:
        return not _matches(_as_list(statement["NotResource"]), request.resource, request.context)
    raise UnsupportedPolicyError("identity policy statement has neither Resource nor NotResource")


def _condition_matches(condition: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    for operator, keys in condition.items():
        base = operator.removesuffix("IfExists")
        if base not in _STRING_OPERATORS:
            raise UnsupportedPolicyError(f"condition operator {operator}")
        negated = "Not" in base
        like = base.endswith("Like")
        for key, values in keys.items():
            if key not in context:
                if not (negated or operator.endswith("IfExists")):
                    return False
                continue
            found = _matches(
                [str(v) for v in _as_list(values)], context[key], context, wildcards=like
            )
            if found == negated:
                return False
    return True


def _applies(statement: Mapping[str, Any], request: Request) -> bool:
    if "Principal" in statement or "NotPrincipal" in statement:
        raise UnsupportedPolicyError("Principal in an identity policy")
    return (
        _action_matches(statement, request.action)
        and _resource_matches(statement, request)
        and _condition_matches(statement.get("Condition", {}), request.context)
    )


def evaluate(policy: Mapping[str, Any], request: Request) -> Decision:
    statements = _as_list(policy["Statement"])
    for statement in statements:
        if statement["Effect"] not in ("Allow", "Deny"):
            raise UnsupportedPolicyError(f"Effect {statement['Effect']!r}")
    applying = [s for s in statements if _applies(s, request)]
    if any(s["Effect"] == "Deny" for s in applying):
        return "ExplicitDeny"
    if any(s["Effect"] == "Allow" for s in applying):
        return "Allow"
    return "ImplicitDeny"


# ---- the S3 requests the mobile client (or an attacker holding its credentials) makes


def object_request(action: str, bucket: str, key: str, identity_id: str) -> Request:
    return Request(action, f"arn:aws:s3:::{bucket}/{key}", {IDENTITY_SUB: identity_id})


def bucket_request(
    action: str, bucket: str, identity_id: str, prefix: str | None = None
) -> Request:
    """A bucket-level request; ListObjects(V2) puts its Prefix into `s3:prefix`, and
    without a Prefix the key is absent from the context."""
    context = {IDENTITY_SUB: identity_id}
    if prefix is not None:
        context["s3:prefix"] = prefix
    return Request(action, f"arn:aws:s3:::{bucket}", context)


def isolation_expectations(
    bucket: str, own_id: str, other_id: str
) -> list[tuple[str, Request, bool]]:
    """(description, request, should_be_allowed) for the per-user isolation rules."""
    own = f"private/{own_id}/"
    other = f"private/{other_id}/"
    expectations: list[tuple[str, Request, bool]] = []
    for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):
        expectations += [
            (f"{action} own file", object_request(action, bucket, own + "photo.jpg", own_id), True),
            (
                f"{action} own nested file",
                object_request(action, bucket, own + "a/b.txt", own_id),
                True,
            ),
            (
                f"{action} other user's file",
                object_request(action, bucket, other + "photo.jpg", own_id),
                False,
            ),
            (
                f"{action} bucket root object",
                object_request(action, bucket, "photo.jpg", own_id),
                False,
            ),
            (
                f"{action} private/ root object",
                object_request(action, bucket, "private/photo.jpg", own_id),
                False,
            ),
            (
                f"{action} own id as a name prefix of another folder",
                object_request(action, bucket, f"private/{own_id}x/photo.jpg", own_id),
                False,
            ),
        ]
    expectations += [
        ("ListBucket own folder", bucket_request("s3:ListBucket", bucket, own_id, own), True),
        (
            "ListBucket inside own folder",
            bucket_request("s3:ListBucket", bucket, own_id, own + "a/"),
            True,
        ),
        (
            "ListBucket other user's folder",
            bucket_request("s3:ListBucket", bucket, own_id, other),
            False,
        ),
        ("ListBucket private/", bucket_request("s3:ListBucket", bucket, own_id, "private/"), False),
        ("ListBucket empty prefix", bucket_request("s3:ListBucket", bucket, own_id, ""), False),
        ("ListBucket without prefix", bucket_request("s3:ListBucket", bucket, own_id), False),
        ("DeleteBucket", bucket_request("s3:DeleteBucket", bucket, own_id), False),
        ("PutBucketPolicy", bucket_request("s3:PutBucketPolicy", bucket, own_id), False),
        ("PutBucketAcl", bucket_request("s3:PutBucketAcl", bucket, own_id), False),
        (
            "GetObject in another bucket",
            object_request("s3:GetObject", bucket + "-other", own + "photo.jpg", own_id),
            False,
        ),
    ]
    return expectations


def isolation_violations(
    policy: Mapping[str, Any], bucket: str, own_id: str, other_id: str
) -> list[str]:
    """Every isolation rule the policy breaks (empty: the policy isolates users).
    Run it on `terraform output -json authenticated_role_policy_json` too."""
    violations = []
    for description, request, allowed in isolation_expectations(bucket, own_id, other_id):
        decision = evaluate(policy, request)
        if (decision == "Allow") != allowed:
            expected = "allowed" if allowed else "denied"
            violations.append(f"{description}: expected {expected}, got {decision}")
    return violations
