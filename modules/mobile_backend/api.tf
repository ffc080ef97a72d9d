# ---------------------------------------------------------------------------
# mobile_api function (private subnets; DynamoDB directly or through DAX)
# ---------------------------------------------------------------------------
locals {
  mobile_api_environment = {
    NOTES_TABLE   = aws_dynamodb_table.this["notes"].name
    SHARES_TABLE  = aws_dynamodb_table.this["shares"].name
    DEVICES_TABLE = aws_dynamodb_table.this["devices"].name
    # "" = no cache: the function reads DynamoDB directly.
    DAX_ENDPOINT                 = var.create_dax ? local.dax_endpoint : ""
    USER_POOL_ID                 = module.user_pool.id
    PUSH_QUEUE_URL               = aws_sqs_queue.push.url
    PLATFORM_APPLICATIONS        = jsonencode(local.platform_application_arns)
    POWERTOOLS_SERVICE_NAME      = "mobile-api"
    POWERTOOLS_METRICS_NAMESPACE = var.powertools_metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.log_level
  }

  # Endpoint ARNs of a platform application: its ARN with "app/" turned into
  # "endpoint/", followed by the endpoint id.
  platform_endpoint_arns = [for arn in values(local.platform_application_arns) : "${replace(arn, ":app/", ":endpoint/")}/*"]

  kms_via = {
    dynamodb = "dynamodb.${local.region}.${local.dns_suffix}"
    sqs      = "sqs.${local.region}.${local.dns_suffix}"
  }
}

module "mobile_api" {
  source = "../lambda_function"

  function_name = "${local.name}-api"
  description   = "REST API of ${local.name}: notes, shares, devices, health"
  filename      = "${var.artifacts_dir}/mobile_api.zip"
  handler       = "mobile_api.handler.lambda_handler"
  runtime       = var.lambda_runtime
  architecture  = var.lambda_architecture
  layers        = var.lambda_layers
  memory_size   = var.mobile_api_memory_size
  timeout       = var.mobile_api_timeout
  tracing_mode  = var.tracing_mode

  vpc_subnet_ids         = values(aws_subnet.private)[*].id
  vpc_security_group_ids = [aws_security_group.functions.id]

  log_retention_days = var.log_retention_days
  log_kms_key_arn    = module.kms_key.arn
  kms_key_arn        = var.encrypt_environment_variables ? module.kms_key.arn : null

  environment_variables = local.mobile_api_environment

  policy_statements = concat(
    [
      {
        # One role serves every user, so owner scoping is done in code (the partition
        # key is always the authorizer's sub), not by dynamodb:LeadingKeys (which only
        # works with per-user credentials). No Scan, no table management.
        sid     = "ReadWriteOwnRows"
        actions = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
        resources = [
          aws_dynamodb_table.this["notes"].arn,
          aws_dynamodb_table.this["shares"].arn,
          aws_dynamodb_table.this["devices"].arn,
        ]
      },
      {
        # Sharing by email: ListUsers with the filter email = "...".
        sid       = "FindShareRecipient"
        actions   = ["cognito-idp:ListUsers"]
        resources = [module.user_pool.arn]
      },
      {
        # Pushes are queued: push_notifier sends them, the API stays fast.
        sid       = "QueuePush"
        actions   = ["sqs:SendMessage"]
        resources = [aws_sqs_queue.push.arn]
      },
      {
        # Tables are SSE-KMS (module key), and so is the push queue (the sender
        # needs GenerateDataKey), only through those two services. No
        # kms:DescribeKey: no call of the function's needs it.
        sid        = "UseMobileKey"
        actions    = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
        resources  = [module.kms_key.arn]
        conditions = [{ test = "StringEquals", variable = "kms:ViaService", values = values(local.kms_via) }]
      },
    ],
    var.create_dax ? [
      {
        # The same data calls, through the cache (DAX authorizes its own API).
        sid       = "ReadWriteThroughDax"
        actions   = ["dax:GetItem", "dax:BatchGetItem", "dax:Query", "dax:PutItem", "dax:UpdateItem", "dax:DeleteItem"]
        resources = [aws_dax_cluster.this[0].arn]
      },
    ] : [],
    length(local.platform_application_arns) > 0 ? [
      {
        # Device registration creates an endpoint under a configured application...
        sid       = "CreateDeviceEndpoints"
        actions   = ["sns:CreatePlatformEndpoint"]
        resources = values(local.platform_application_arns)
      },
      {
        # ...and later re-enables, re-tokens or removes it (AWS's documented
        # register/update pattern).
        sid       = "ManageDeviceEndpoints"
        actions   = ["sns:GetEndpointAttributes", "sns:SetEndpointAttributes", "sns:DeleteEndpoint"]
        resources = local.platform_endpoint_arns
      },
    ] : [],
  )

  tags = local.tags
}

# ---------------------------------------------------------------------------
# REST API: explicit resources and methods (no {proxy+}), so every route is
# visible, and authorized, in this file
# ---------------------------------------------------------------------------
locals {
  # The routes of functions/mobile_api. No OPTIONS: a mobile app makes no CORS
  # preflight, so nothing else needs to be open.
  routes = {
    "/health"                = ["GET"]
    "/notes"                 = ["GET", "POST"]
    "/notes/{note_id}"       = ["GET", "PATCH", "DELETE"]
    "/notes/{note_id}/share" = ["POST"]
    "/shared"                = ["GET"]
    "/devices"               = ["POST"]
    "/devices/{device_id}"   = ["DELETE"]
  }

  # The one justified exception to the Cognito authorizer: GET /health, for load
  # balancers and uptime checks, which carry no user token. It returns a constant
  # and touches no data.
  public_routes = ["GET /health"]

  # Read routes API Gateway may cache (api_cache_enabled), keyed on the caller's
  # Authorization header (and the path's note_id) so one user's cached answer is
  # never served to another.
  cached_routes = ["GET /notes", "GET /notes/{note_id}"]

  methods = merge([
    for path, verbs in local.routes : {
      for verb in verbs : "${verb} ${path}" => {
        path        = path
        verb        = verb
        authorized  = !contains(local.public_routes, "${verb} ${path}")
        path_params = [for part in split("/", path) : trimsuffix(trimprefix(part, "{"), "}") if startswith(part, "{")]
        cached      = var.api_cache_enabled && contains(local.cached_routes, "${verb} ${path}")
      }
    }
  ]...)

  # Every path prefix needs an API Gateway resource; they are created level by level
  # because a resource's parent must already be declared (paths are at most 3 deep).
  resource_paths = distinct(flatten([
    for path in keys(local.routes) : [
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
}

resource "aws_api_gateway_rest_api" "this" {
  name        = "${local.name}-api"
  description = "${local.name}: notes, shares and push devices of signed-in app users"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = local.tags

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
  name            = "${local.name}-cognito"
  rest_api_id     = aws_api_gateway_rest_api.this.id
  type            = "COGNITO_USER_POOLS"
  provider_arns   = [module.user_pool.arn]
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
  uri                     = module.mobile_api.invoke_arn

  # The cache key of a cached read: the caller's token (a different user never
  # shares it) and the note id. Without the Authorization header in the key, the
  # first user's notes would be served to everyone for the TTL.
  cache_key_parameters = each.value.cached ? concat(
    ["method.request.header.Authorization"],
    [for p in each.value.path_params : "method.request.path.${p}"],
  ) : null
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "Routes of ${local.name}"

  # A deployment is a snapshot: redeploy whenever a route, its authorization, its
  # cache key or its integration changes. Authorization is hashed from
  # local.methods (the intent), not read back from the methods: a method without
  # authorizer reads back authorizer_id "" instead of null.
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

resource "aws_cloudwatch_log_group" "api_access" {
  #checkov:skip=CKV_AWS_338:Retention is the caller's per-environment decision (log_retention_days, validated), as for the functions' logs: access logs are operational; CloudTrail is the audit trail.
  name              = "/aws/apigateway/${aws_api_gateway_rest_api.this.name}/${var.api_stage_name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = module.kms_key.arn
  tags              = local.tags
}

# Execution logs (api_logging_level): declared here so they get a retention and the
# module key; API Gateway would otherwise create this group itself, unencrypted and
# kept forever. The name is API Gateway's, not ours to choose.
resource "aws_cloudwatch_log_group" "api_execution" {
  #checkov:skip=CKV_AWS_338:Retention is the caller's per-environment decision (log_retention_days, validated), as for the access logs.
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.api_stage_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = module.kms_key.arn
  tags              = local.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:The response cache is opt-in (api_cache_enabled): it costs per hour and serves answers up to api_cache_ttl_seconds old; when on, only GET /notes and GET /notes/{note_id} are cached, keyed per caller.
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to HTTP backends; the only backend is a Lambda proxy integration, invoked with the lambda permission below.
  #checkov:skip=CKV2_AWS_77:WAF is per environment (api_web_acl_arn, a modules/waf_acl ACL with the known-bad-inputs rules; prod attaches one): checkov cannot follow the ACL through the variable.
  #checkov:skip=CKV2_AWS_29:WAF is per environment (api_web_acl_arn, null by default, set in prod from modules/waf_acl); this check passed only because of the optional association.
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.api_stage_name
  xray_tracing_enabled = true

  cache_cluster_enabled = var.api_cache_enabled
  cache_cluster_size    = var.api_cache_enabled ? var.api_cache_cluster_size : null

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format          = var.api_access_log_format
  }

  tags = local.tags

  # Access logs need the account's API Gateway CloudWatch role in place: registered
  # here (configure_api_gateway_account), by another module of the configuration
  # (api_gateway_cloudwatch_role_arn, e.g. web_app's) or earlier by another stack.
  depends_on = [module.api_gateway_account, var.api_gateway_cloudwatch_role_arn]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Caching is off for every method by default (per-user data; health must be live); api_cache_enabled turns it on for the two read routes only (aws_api_gateway_method_settings.cached).
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled = true
    logging_level   = var.api_logging_level
    # Never log request/response bodies: they carry tokens and user data.
    data_trace_enabled     = false
    throttling_rate_limit  = var.api_throttling_rate_limit
    throttling_burst_limit = var.api_throttling_burst_limit
    caching_enabled        = false
  }

  # Execution logging starts with these settings: the group must exist first.
  depends_on = [aws_cloudwatch_log_group.api_execution]
}

# Per-route settings replace the stage-wide ones for that route, so they repeat
# the throttling, logging and metrics.
resource "aws_api_gateway_method_settings" "cached" {
  for_each = { for key, m in local.methods : key => m if m.cached }

  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "${trimprefix(each.value.path, "/")}/${each.value.verb}"

  settings {
    metrics_enabled        = true
    logging_level          = var.api_logging_level
    data_trace_enabled     = false
    throttling_rate_limit  = var.api_throttling_rate_limit
    throttling_burst_limit = var.api_throttling_burst_limit

    caching_enabled      = true
    cache_ttl_in_seconds = var.api_cache_ttl_seconds
    cache_data_encrypted = true
    # A client may not bypass or flush the cache with Cache-Control: max-age=0
    # (that would need execute-api:InvalidateCache, which app users do not have).
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "SUCCEED_WITHOUT_RESPONSE_HEADER"
  }

  depends_on = [aws_api_gateway_method_settings.all]
}

resource "aws_wafv2_web_acl_association" "api" {
  count = var.api_web_acl_arn == null ? 0 : 1

  resource_arn = aws_api_gateway_stage.this.arn
  web_acl_arn  = var.api_web_acl_arn
}

# API Gateway may invoke the function only for this API's stage (any route).
resource "aws_lambda_permission" "api" {
  statement_id  = "AllowInvokeFromRestApi"
  action        = "lambda:InvokeFunction"
  function_name = module.mobile_api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/${var.api_stage_name}/*/*"
}

# The account-wide API Gateway -> CloudWatch Logs role: one per account and region,
# see configure_api_gateway_account.
module "api_gateway_account" {
  source = "../api_gateway_account"
  count  = var.configure_api_gateway_account ? 1 : 0

  role_name = "${local.name}-apigateway-cloudwatch"
  tags      = local.tags
}
