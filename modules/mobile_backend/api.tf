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
    POWERTOOLS_LOG_LEVEL         = var.settings.log_level
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
  runtime       = var.settings.lambda_runtime
  architecture  = var.settings.lambda_architecture
  layers        = var.settings.lambda_layers
  memory_size   = var.mobile_api_memory_size
  timeout       = var.mobile_api_timeout
  tracing_mode  = var.settings.tracing_mode

  vpc_subnet_ids         = values(aws_subnet.private)[*].id
  vpc_security_group_ids = [aws_security_group.functions.id]

  log_retention_days = var.settings.log_retention_days
  log_kms_key_arn    = module.kms_key.arn
  kms_key_arn        = var.settings.encrypt_environment_variables ? module.kms_key.arn : null

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
# REST API (modules/rest_api): every route visible, and authorized, here
# ---------------------------------------------------------------------------
module "api" {
  source = "../rest_api"

  name        = "${local.name}-api"
  description = "${local.name}: notes, shares and push devices of signed-in app users"
  stage_name  = var.api.stage_name

  # The routes of functions/mobile_api. The one public route: GET /health, for load
  # balancers and uptime checks, which carry no user token; it returns a constant
  # and touches no data. No CORS preflight: a mobile app makes none. The cached
  # reads (api.cache.enabled) are keyed on the caller's Authorization header and
  # the note id, so one user's cached answer is never served to another.
  routes = {
    "GET /health"                 = { public = true }
    "GET /notes"                  = { cached = true }
    "POST /notes"                 = {}
    "GET /notes/{note_id}"        = { cached = true }
    "PATCH /notes/{note_id}"      = {}
    "DELETE /notes/{note_id}"     = {}
    "POST /notes/{note_id}/share" = {}
    "GET /shared"                 = {}
    "POST /devices"               = {}
    "DELETE /devices/{device_id}" = {}
  }

  integration = {
    function_name = module.mobile_api.function_name
    invoke_arn    = module.mobile_api.invoke_arn
  }
  authorizer = {
    name           = "${local.name}-cognito"
    user_pool_arns = [module.user_pool.arn]
  }
  throttling = var.api.throttling
  logging = {
    kms_key_arn       = module.kms_key.arn
    retention_days    = var.settings.log_retention_days
    level             = var.api.logging_level
    access_log_format = var.api.access_log_format
  }
  cache = var.api.cache

  web_acl_arn = var.api.web_acl_arn
  # Access logs need the account's API Gateway CloudWatch role in place: registered
  # here (configure_api_gateway_account), by another module of the configuration
  # (api_gateway_cloudwatch_role_arn, e.g. web_app's) or earlier by another stack.
  cloudwatch_role_arn = var.configure_api_gateway_account ? module.api_gateway_account[0].role_arn : var.api_gateway_cloudwatch_role_arn
  url_override        = var.api.url_override

  tags = local.tags
}

# The account-wide API Gateway -> CloudWatch Logs role: one per account and region,
# see configure_api_gateway_account.
module "api_gateway_account" {
  source = "../api_gateway_account"
  count  = var.configure_api_gateway_account ? 1 : 0

  role_name = "${local.name}-apigateway-cloudwatch"
  tags      = local.tags
}
