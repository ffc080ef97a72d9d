"""API Gateway REST APIs with Lambda proxy integrations, served from their deployed definition.

Each refresh reads every REST API back from the emulator (resources with their methods
and integrations, authorizers, stages); a request to `/{api_id}/{stage}/{path}` is
then handled as API Gateway handles it:
- the resource is chosen by path, most specific first: a literal segment beats
  `{param}`, which beats `{proxy+}`; then the method, or ANY. No resource or no
  method: 403 `{"message": "Missing Authentication Token"}`, as REST APIs answer;
- a COGNITO_USER_POOLS method needs a valid ID token of one of the authorizer's
  pools in the identity source header, else 401 `{"message": "Unauthorized"}`;
- the function gets the REST proxy event (payload 1.0), and its response is mapped
  back; a function error, a timeout or a malformed response is a 502
  `{"message": "Internal server error"}`; bodies over 10 MB are refused with 413.
Deviations, all local-only: every stage serves the current resources (moto keeps no
deployment snapshots), path parameters are passed undecoded as REST APIs do, a body
that is not UTF-8 is base64-encoded even when binaryMediaTypes does not list its
type. Concurrent requests run concurrently, each on its own warm worker of the function.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl

from local_runtime.gateway.cognito_jwt import InvalidTokenError, authorizer_claims, pool_of
from local_runtime.workers.counters import ApiCounters
from local_runtime.workers.worker import Invoker

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 10 * 1024 * 1024
_LAMBDA_URI = re.compile(
    r"^arn:aws[a-z-]*:apigateway:[^:]+:lambda:path/2015-03-31/functions/"
    r"(?P<function>arn:[^/]+)/invocations$"
)
_HEADER_SOURCE = "method.request.header."
_RESPONSE_KEYS = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}


# -- the deployed definition -------------------------------------------------------------
@dataclass(frozen=True)
class Authorizer:
    id: str
    type: str
    # (region, pool id) of each user pool in providerARNs.
    pools: tuple[tuple[str, str], ...]
    # The request header holding the token (identitySource), e.g. "Authorization".
    header: str

    @classmethod
    def from_api(cls, authorizer: Mapping[str, Any]) -> Authorizer:
        source = authorizer.get("identitySource") or f"{_HEADER_SOURCE}Authorization"
        return cls(
            id=authorizer["id"],
            type=authorizer.get("type", ""),
            pools=tuple(pool_of(arn) for arn in authorizer.get("providerARNs") or []),
            header=source.removeprefix(_HEADER_SOURCE),
        )


@dataclass(frozen=True)
class Method:
    http_method: str
    authorization_type: str
    authorizer_id: str | None
    integration_type: str | None
    # The unqualified function ARN of an AWS_PROXY integration to Lambda.
    function_arn: str | None

    @classmethod
    def from_api(cls, method: Mapping[str, Any]) -> Method:
        integration = method.get("methodIntegration") or {}
        uri = _LAMBDA_URI.match(integration.get("uri") or "")
        return cls(
            http_method=method["httpMethod"],
            authorization_type=method.get("authorizationType") or "NONE",
            authorizer_id=method.get("authorizerId"),
            integration_type=integration.get("type"),
            # A qualifier (":alias") would pick a version; the local runtime runs $LATEST.
            function_arn=":".join(uri["function"].split(":")[:7]) if uri else None,
        )


@dataclass(frozen=True)
class Resource:
    id: str
    path: str
    methods: Mapping[str, Method]

    @property
    def segments(self) -> list[str]:
        return [s for s in self.path.split("/") if s]


@dataclass(frozen=True)
class RestApi:
    id: str
    resources: tuple[Resource, ...]
    authorizers: Mapping[str, Authorizer]
    stages: Mapping[str, Mapping[str, str]]  # stage name -> stage variables
    binary_media_types: tuple[str, ...] = ()
    name: str = ""


def read_rest_apis(client: Any) -> dict[str, RestApi]:
    """Every REST API deployed in the emulator (GetResources embeds methods and integrations)."""
    apis: dict[str, RestApi] = {}
    for page in client.get_paginator("get_rest_apis").paginate():
        for api in page["items"]:
            api_id = api["id"]
            resources = tuple(
                Resource(
                    r["id"],
                    r["path"],
                    {m: Method.from_api(d) for m, d in (r.get("resourceMethods") or {}).items()},
                )
                for p in client.get_paginator("get_resources").paginate(
                    restApiId=api_id, embed=["methods"]
                )
                for r in p["items"]
            )
            authorizers = {
                a["id"]: Authorizer.from_api(a)
                for a in client.get_authorizers(restApiId=api_id).get("items", [])
            }
            stages = {
                s["stageName"]: dict(s.get("variables") or {})
                for s in client.get_stages(restApiId=api_id).get("item", [])
            }
            apis[api_id] = RestApi(
                api_id,
                resources,
                authorizers,
                stages,
                tuple(api.get("binaryMediaTypes") or ()),
                api.get("name", ""),
            )
    return apis


# -- routing -------------------------------------------------------------------------------
def match_resource(
    resources: Iterable[Resource], path: str
) -> tuple[Resource, dict[str, str]] | None:
    """The most specific resource for `path` and its path parameters, or None."""
    wanted = [s for s in path.split("/") if s]
    best: tuple[tuple[int, ...], Resource, dict[str, str]] | None = None
    for resource in resources:
        matched = _match(resource.segments, wanted)
        if matched is not None and (best is None or matched[0] < best[0]):
            best = (matched[0], resource, matched[1])
    return None if best is None else (best[1], best[2])


def _match(
    template: list[str], segments: list[str]
) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """Rank per segment (0 literal, 1 parameter, 2 greedy) and parameters, or None."""
    ranks: list[int] = []
    parameters: dict[str, str] = {}
    for index, part in enumerate(template):
        if part.startswith("{") and part.endswith("+}"):
            rest = segments[index:]
            if index != len(template) - 1 or not rest:
                return None
            parameters[part[1:-2]] = "/".join(rest)
            return (*ranks, 2), parameters
        if index >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            parameters[part[1:-1]] = segments[index]
            ranks.append(1)
        elif part == segments[index]:
            ranks.append(0)
        else:
            return None
    return (tuple(ranks), parameters) if len(template) == len(segments) else None


# -- requests and responses ------------------------------------------------------------------
@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str  # after /{api_id}/{stage}, still percent-encoded; "/" at least
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[-1] if values else None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def json_response(status: int, message: str, request_id: str = "", **headers: str) -> HttpResponse:
    extra = [("x-amzn-RequestId", request_id)] if request_id else []
    return HttpResponse(
        status,
        [("Content-Type", "application/json"), *extra, *headers.items()],
        json.dumps({"message": message}).encode(),
    )


def proxy_event(
    api: RestApi,
    stage: str,
    *,
    resource: Resource,
    request: HttpRequest,
    path_parameters: dict[str, str],
    claims: dict[str, Any] | None,
    request_id: str,
    account_id: str,
    now: float,
) -> dict[str, Any]:
    """The REST API proxy integration event (payload format 1.0)."""
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        multi_headers.setdefault(name, []).append(value)
    multi_query: dict[str, list[str]] = {}
    for name, value in parse_qsl(request.query, keep_blank_values=True):
        multi_query.setdefault(name, []).append(value)
    body, is_base64 = _event_body(request, api.binary_media_types)
    context: dict[str, Any] = {
        "accountId": account_id,
        "apiId": api.id,
        "resourceId": resource.id,
        "resourcePath": resource.path,
        "httpMethod": request.method,
        "path": f"/{stage}{request.path}",
        "stage": stage,
        "requestId": request_id,
        "extendedRequestId": request_id,
        "requestTime": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "requestTimeEpoch": int(now * 1000),
        "protocol": request.protocol,
        "domainName": request.header("Host") or "127.0.0.1",
        "identity": {
            "sourceIp": request.source_ip,
            "userAgent": request.header("User-Agent"),
            "accessKey": None,
            "accountId": None,
            "caller": None,
            "cognitoAuthenticationProvider": None,
            "cognitoAuthenticationType": None,
            "cognitoIdentityId": None,
            "cognitoIdentityPoolId": None,
            "principalOrgId": None,
            "user": None,
            "userArn": None,
        },
    }
    if claims is not None:
        context["authorizer"] = {"claims": authorizer_claims(claims)}
    return {
        "resource": resource.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": dict(api.stages.get(stage) or {}) or None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": is_base64,
    }


def _event_body(
    request: HttpRequest, binary_media_types: tuple[str, ...]
) -> tuple[str | None, bool]:
    if not request.body:
        return None, False
    content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
    if not any(fnmatch.fnmatch(content_type, t.lower()) for t in binary_media_types):
        try:
            return request.body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass  # not text whatever its type: base64 keeps it intact
    return base64.b64encode(request.body).decode("ascii"), True


class MalformedResponseError(ValueError):
    """The function's result is not a valid proxy integration response."""


def http_response(payload: Any, request_id: str) -> HttpResponse:
    """Map a proxy integration response to HTTP; raises MalformedResponseError."""
    if not isinstance(payload, dict) or set(payload) - _RESPONSE_KEYS:
        raise MalformedResponseError(f"not a proxy response object: {str(payload)[:200]}")
    status = payload.get("statusCode")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedResponseError(f"statusCode {status!r} is not an HTTP status")
    headers = _scalars(payload.get("headers"), "headers")
    multi = payload.get("multiValueHeaders") or {}
    if not isinstance(multi, dict) or not all(isinstance(v, list) for v in multi.values()):
        raise MalformedResponseError("multiValueHeaders must map names to lists")
    merged = {name: [str(v) for v in values] for name, values in multi.items()}
    for name, value in headers.items():
        # API Gateway merges both; a pair present in both appears once.
        if value not in merged.setdefault(name, []):
            merged[name].append(value)
    body = payload.get("body")
    if body is not None and not isinstance(body, str):
        raise MalformedResponseError("body must be a string")
    try:
        raw = (
            base64.b64decode(body or "", validate=True)
            if payload.get("isBase64Encoded")
            else (body or "").encode()
        )
    except binascii.Error as error:
        raise MalformedResponseError(f"isBase64Encoded body is not base64: {error}") from None
    pairs = [(name, value) for name, values in merged.items() for value in values]
    if not any(name.lower() == "content-type" for name, _ in pairs):
        pairs.append(("Content-Type", "application/json"))  # API Gateway's default
    pairs.append(("x-amzn-RequestId", request_id))
    return HttpResponse(status, pairs, raw)


def _scalars(value: Any, name: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(v, str | int | float) for v in value.values()
    ):
        raise MalformedResponseError(f"{name} must map names to strings")
    return {k: str(v) for k, v in value.items()}


# -- the gateway -----------------------------------------------------------------------------
class TokenVerifier(Protocol):
    """Checks a user-pool token (cognito_jwt.CognitoTokenVerifier); raises InvalidTokenError."""

    def verify(
        self, authorization: str | None, pools: Iterable[tuple[str, str]]
    ) -> dict[str, Any]: ...


class ApiGateway:
    """Handles requests for every deployed REST API; `refresh` re-reads the definitions."""

    def __init__(
        self,
        read_apis: Callable[[], dict[str, RestApi]],
        invoker_for: Callable[[str], Invoker],
        verifier: TokenVerifier,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._read_apis = read_apis
        self._invoker_for = invoker_for
        self._verifier = verifier
        self._clock = clock
        self._apis: dict[str, RestApi] = {}
        self.counters: dict[str, ApiCounters] = {}

    def refresh(self) -> None:
        self._apis = self._read_apis()  # replaced whole: requests in flight keep the old one

    @property
    def api_ids(self) -> list[str]:
        return sorted(self._apis)

    def describe(self) -> dict[str, dict[str, Any]]:
        """Each served API's name, stages and request counters (for the status report)."""
        return {
            api_id: {
                "name": api.name,
                "stages": sorted(api.stages),
                **self.counters.get(api_id, ApiCounters()).snapshot(),
            }
            for api_id, api in sorted(self._apis.items())
        }

    def handle(self, api_id: str, stage: str, request: HttpRequest) -> HttpResponse:
        response = self._handle(api_id, stage, request)
        if api_id in self._apis:  # paths naming no API are not counted (they are unbounded)
            self.counters.setdefault(api_id, ApiCounters()).record(response.status)
        return response

    def _handle(self, api_id: str, stage: str, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        api = self._apis.get(api_id)
        matched = (
            match_resource(api.resources, request.path) if api and stage in api.stages else None
        )
        method = None
        if matched is not None:
            methods = matched[0].methods
            method = methods.get(request.method) or methods.get("ANY")
        if api is None or matched is None or method is None:
            return json_response(
                403,
                "Missing Authentication Token",
                request_id,
                **{"x-amzn-ErrorType": "MissingAuthenticationTokenException"},
            )
        resource, path_parameters = matched
        claims: dict[str, Any] | None = None
        if method.authorization_type == "COGNITO_USER_POOLS":
            authorizer = api.authorizers.get(method.authorizer_id or "")
            if authorizer is None:
                log.error(
                    "%s %s: authorizer %s not found", api_id, resource.path, method.authorizer_id
                )
                return json_response(500, "Internal server error", request_id)
            try:
                claims = self._verifier.verify(request.header(authorizer.header), authorizer.pools)
            except InvalidTokenError as error:
                log.info("%s %s %s: 401 (%s)", api_id, request.method, request.path, error)
                return json_response(
                    401, "Unauthorized", request_id, **{"x-amzn-ErrorType": "UnauthorizedException"}
                )
        elif method.authorization_type != "NONE":
            log.error("authorization type %s is not emulated", method.authorization_type)
            return json_response(500, "Internal server error", request_id)
        if method.integration_type != "AWS_PROXY" or method.function_arn is None:
            log.error(
                "%s %s %s: only AWS_PROXY integrations with Lambda are emulated",
                api_id,
                method.http_method,
                resource.path,
            )
            return json_response(500, "Internal server error", request_id)
        event = proxy_event(
            api,
            stage,
            resource=resource,
            request=request,
            path_parameters=path_parameters,
            claims=claims,
            request_id=request_id,
            account_id=method.function_arn.split(":")[4],
            now=self._clock(),
        )
        return self._invoke(method.function_arn, event, request_id)

    def _invoke(self, function_arn: str, event: dict[str, Any], request_id: str) -> HttpResponse:
        try:
            result = self._invoker_for(function_arn).invoke(event)
        except Exception:  # function not deployed or not built: API Gateway answers 502
            log.exception("no worker for %s", function_arn)
            return json_response(502, "Internal server error", request_id)
        if result.failed:
            log.warning("%s failed: %s: %s", function_arn, result.error_type, result.error_message)
            return json_response(502, "Internal server error", request_id)
        try:
            return http_response(result.payload, request_id)
        except MalformedResponseError as error:
            log.warning("%s: malformed Lambda proxy response: %s", function_arn, error)
            return json_response(502, "Internal server error", request_id)
