# ---------------------------------------------------------------------------
# A REST API (API Gateway v1) in front of one Lambda function: explicit resources
# and methods (no {proxy+}), so every route is visible and authorized.
# ---------------------------------------------------------------------------
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  # The access log line when the caller gives none: who, what, how it went; never
  # tokens or bodies.
  default_access_log_format = jsonencode({
    requestId            = "$context.requestId"
    ip                   = "$context.identity.sourceIp"
    caller               = "$context.identity.caller"
    userAgent            = "$context.identity.userAgent"
    sub                  = "$context.authorizer.claims.sub"
    requestTime          = "$context.requestTime"
    httpMethod           = "$context.httpMethod"
    route                = "$context.resourcePath"
    path                 = "$context.path"
    status               = "$context.status"
    responseLength       = "$context.responseLength"
    latencyMs            = "$context.responseLatency"
    integrationLatencyMs = "$context.integration.latency"
    integrationError     = "$context.integration.error"
    authorizerError      = "$context.authorizer.error"
    xrayTraceId          = "$context.xrayTraceId"
  })
  access_log_format = coalesce(var.logging.access_log_format, local.default_access_log_format)

  paths = distinct([for key in keys(var.routes) : split(" ", key)[1]])

  # OPTIONS (every path, with cors_preflight) is the other justified exception to
  # the authorizer besides the caller's public routes: browsers never send
  # Authorization on a CORS preflight, so an authorized OPTIONS would fail every
  # cross-origin call.
  methods = merge(
    {
      for key, route in var.routes : key => {
        path        = split(" ", key)[1]
        verb        = split(" ", key)[0]
        authorized  = !route.public
        path_params = [for part in split("/", split(" ", key)[1]) : trimsuffix(trimprefix(part, "{"), "}") if startswith(part, "{")]
        cached      = var.cache.enabled && route.cached
      }
    },
    var.cors_preflight ? {
      for path in local.paths : "OPTIONS ${path}" => {
        path        = path
        verb        = "OPTIONS"
        authorized  = false
        path_params = []
        cached      = false
      }
    } : {},
  )

  # Every path prefix needs an API Gateway resource; they are created level by level
  # because a resource's parent must already be declared (paths are at most 3 deep).
  resource_paths = distinct(flatten([
    for path in local.paths : [
      for depth in range(1, length(split("/", trimprefix(path, "/"))) + 1) :
      "/${join("/", slice(split("/", trimprefix(path, "/")), 0, depth))}"
    ]
  ]))
  resource_paths_by_depth = {
    for depth in [1, 2, 3] : depth => {
      for path in local.resource_paths : path => {
        part   = reverse(split("/", path))[0]
        parent = join("/", slice(split("/", path), 0, length(split("/", path)) - 1))
      } if length(split("/", trimprefix(path, "/"))) == depth
    }
  }
  resource_ids = merge(
    { for path, r in aws_api_gateway_resource.level1 : path => r.id },
    { for path, r in aws_api_gateway_resource.level2 : path => r.id },
    { for path, r in aws_api_gateway_resource.level3 : path => r.id },
  )

  # What API Gateway applies to every method; a cached route's own settings replace
  # them for that route, so they repeat these.
  method_settings = {
    metrics_enabled = true
    logging_level   = var.logging.level
    # Never log request/response bodies: they carry tokens and user data.
    data_trace_enabled     = false
    throttling_rate_limit  = var.throttling.rate_limit
    throttling_burst_limit = var.throttling.burst_limit
  }
}

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = var.description

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags

  # Should the API ever be replaced, the old one keeps serving until the new one
  # (and its deployment) exists.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_resource" "level1" {
  for_each = local.resource_paths_by_depth[1]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.value.part
}

resource "aws_api_gateway_resource" "level2" {
  for_each = local.resource_paths_by_depth[2]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.level1[each.value.parent].id
  path_part   = each.value.part
}

resource "aws_api_gateway_resource" "level3" {
  for_each = local.resource_paths_by_depth[3]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.level2[each.value.parent].id
  path_part   = each.value.part
}

resource "aws_api_gateway_authorizer" "cognito" {
  name            = var.authorizer.name
  rest_api_id     = aws_api_gateway_rest_api.this.id
  type            = "COGNITO_USER_POOLS"
  provider_arns   = var.authorizer.user_pool_arns
  identity_source = "method.request.header.Authorization"
}

resource "aws_api_gateway_method" "this" {
  #checkov:skip=CKV2_AWS_53:Request validation is done by the function (Powertools data validation with field-level 422 errors); API Gateway models would duplicate the schema.
  for_each = local.methods

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = local.resource_ids[each.value.path]
  http_method   = each.value.verb
  authorization = each.value.authorized ? "COGNITO_USER_POOLS" : "NONE"
  authorizer_id = each.value.authorized ? aws_api_gateway_authorizer.cognito.id : null

  # Cache keys may only name declared request parameters.
  request_parameters = each.value.cached ? merge(
    { "method.request.header.Authorization" = true },
    { for p in each.value.path_params : "method.request.path.${p}" => true },
  ) : null
}

resource "aws_api_gateway_integration" "this" {
  for_each = local.methods

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_method.this[each.key].resource_id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.integration.invoke_arn

  # The cache key of a cached read: the caller's token (a different user never
  # shares it) and the path parameters. Without the Authorization header in the
  # key, the first user's answer would be served to everyone for the TTL.
  cache_key_parameters = each.value.cached ? concat(
    ["method.request.header.Authorization"],
    [for p in each.value.path_params : "method.request.path.${p}"],
  ) : null
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "Routes of ${var.name}"

  # A deployment is a snapshot: redeploy whenever a route, its authorization, its
  # cache key or its integration changes. Authorization is hashed from
  # local.methods (the intent), not read back from the methods: a method without
  # authorizer reads back authorizer_id "" instead of null, which would redeploy on
  # every plan.
  triggers = {
    redeployment = sha1(jsonencode([
      local.methods,
      local.resource_ids,
      { for key, m in aws_api_gateway_method.this : key => m.id },
      { for key, i in aws_api_gateway_integration.this : key => [i.id, i.uri] },
      [aws_api_gateway_authorizer.cognito.id, aws_api_gateway_authorizer.cognito.provider_arns],
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_integration.this]
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:Retention is the caller's per-environment decision (logging.retention_days, validated), as for the functions' logs: access logs are operational; CloudTrail is the audit trail.
  name              = "/aws/apigateway/${aws_api_gateway_rest_api.this.name}/${var.stage_name}/access"
  retention_in_days = var.logging.retention_days
  kms_key_id        = var.logging.kms_key_arn
  tags              = var.tags
}

# Execution logs (logging.level): declared here so they get a retention and the
# key; API Gateway would otherwise create this group itself, unencrypted and kept
# forever. The name is API Gateway's, not ours to choose.
resource "aws_cloudwatch_log_group" "execution" {
  #checkov:skip=CKV_AWS_338:Retention is the caller's per-environment decision (logging.retention_days, validated), as for the access logs.
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.stage_name}"
  retention_in_days = var.logging.retention_days
  kms_key_id        = var.logging.kms_key_arn
  tags              = var.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:The response cache is opt-in (cache.enabled): it costs per hour and serves answers up to cache.ttl_seconds old; when on, only the routes marked cached are, keyed per caller.
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to HTTP backends; the only backend is a Lambda proxy integration, invoked with the lambda permission below.
  #checkov:skip=CKV2_AWS_77:WAF is per environment (web_acl_arn, a modules/waf_acl ACL with the known-bad-inputs rules; prod attaches one): checkov cannot follow the ACL through the variable.
  #checkov:skip=CKV2_AWS_29:WAF is per environment (web_acl_arn, null by default, set in prod from modules/waf_acl); this check passed only because of the optional association.
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  xray_tracing_enabled = true

  cache_cluster_enabled = var.cache.enabled
  cache_cluster_size    = var.cache.enabled ? var.cache.cluster_size : null

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  tags = var.tags

  # AWS rejects a stage with logs while the account has no API Gateway CloudWatch
  # role: wait for the one this configuration registers (cloudwatch_role_arn).
  depends_on = [var.cloudwatch_role_arn]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Caching is off for every method by default (per-user data; health must be live); cache.enabled turns it on for the cached routes only (aws_api_gateway_method_settings.cached).
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = local.method_settings.metrics_enabled
    logging_level          = local.method_settings.logging_level
    data_trace_enabled     = local.method_settings.data_trace_enabled
    throttling_rate_limit  = local.method_settings.throttling_rate_limit
    throttling_burst_limit = local.method_settings.throttling_burst_limit
    caching_enabled        = false
  }

  # Execution logging starts with these settings: the group must exist first.
  depends_on = [aws_cloudwatch_log_group.execution]
}

resource "aws_api_gateway_method_settings" "cached" {
  for_each = { for key, m in local.methods : key => m if m.cached }

  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "${trimprefix(each.value.path, "/")}/${each.value.verb}"

  settings {
    metrics_enabled        = local.method_settings.metrics_enabled
    logging_level          = local.method_settings.logging_level
    data_trace_enabled     = local.method_settings.data_trace_enabled
    throttling_rate_limit  = local.method_settings.throttling_rate_limit
    throttling_burst_limit = local.method_settings.throttling_burst_limit

    caching_enabled      = true
    cache_ttl_in_seconds = var.cache.ttl_seconds
    cache_data_encrypted = true
    # A client may not bypass or flush the cache with Cache-Control: max-age=0
    # (that would need execute-api:InvalidateCache, which callers do not have).
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "SUCCEED_WITHOUT_RESPONSE_HEADER"
  }

  depends_on = [aws_api_gateway_method_settings.all]
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.web_acl_arn == null ? 0 : 1

  resource_arn = aws_api_gateway_stage.this.arn
  web_acl_arn  = var.web_acl_arn
}

# API Gateway may invoke the function only for this API's stage (any route).
resource "aws_lambda_permission" "this" {
  statement_id  = "AllowInvokeFromRestApi"
  action        = "lambda:InvokeFunction"
  function_name = var.integration.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/${var.stage_name}/*/*"
}
