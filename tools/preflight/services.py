"""Whether the environment's region offers every service the environment uses."""

from __future__ import annotations

from tools.preflight.context import Context
from tools.preflight.outcome import AWS_CALL_ERRORS, Outcome, Status, unanswered

_PARAMETER = "/aws/service/global-infrastructure/regions/{region}/services/{service}"
# GetParameters takes at most 10 names per call.
_BATCH = 10
# Every cloud environment deploys these (names as AWS's public SSM parameters spell them).
ALWAYS = (
    "apigateway",
    "cloudwatch",
    "cognito-identity",
    "cognito-idp",
    "dynamodb",
    "ec2",
    "kinesis",
    "kms",
    "lambda",
    "logs",
    "s3",
    "ses",
    "sns",
    "sqs",
    "xray",
)


def wanted_services(ctx: Context) -> list[str]:
    services = list(ALWAYS)
    if ctx.root.module_argument("mobile_backend", "create_dax"):
        services.append("dax")
    if ctx.root.module_argument("web_app", "create_cloudfront_distribution"):
        services.append("cloudfront")
    return sorted(services)


def region_services(ctx: Context) -> Outcome:
    """SSM GetParameters of AWS's public global-infrastructure parameters."""
    check = "region-services"
    region = str(ctx.root.value("aws_region"))
    services = wanted_services(ctx)
    names = {_PARAMETER.format(region=region, service=s): s for s in services}
    missing: list[str] = []
    ssm = ctx.client("ssm")
    try:
        listed = list(names)
        for start in range(0, len(listed), _BATCH):
            answer = ssm.get_parameters(Names=listed[start : start + _BATCH])
            missing.extend(names[n] for n in answer.get("InvalidParameters", []))
    except AWS_CALL_ERRORS as error:
        return unanswered(check, "ssm:GetParameters", error)
    if not missing:
        return Outcome(check, Status.PASS, f"{region} offers all {len(services)} services used")
    return Outcome(
        check,
        Status.FAIL,
        f"{region} does not offer {', '.join(sorted(missing))}",
        "choose another aws_region, or switch those parts off for this environment",
    )
