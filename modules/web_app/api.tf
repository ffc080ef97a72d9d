# ---------------------------------------------------------------------------
# web_api function
# ---------------------------------------------------------------------------
module "web_api" {
  source = "../lambda_function"

  function_name = "${local.name}-api"
  description   = "REST API of ${local.name}: items, subscriptions, uploads, health"
  filename      = "${var.artifacts_dir}/web_api.zip"
  handler       = "web_api.handler.lambda_handler"
  runtime       = var.lambda_runtime
  architecture  = var.lambda_architecture
  layers        = var.lambda_layers
  memory_size   = var.web_api_memory_size
  timeout       = var.web_api_timeout
  tracing_mode  = var.tracing_mode

  log_retention_days = var.log_retention_days
  log_kms_key_arn    = module.kms_key.arn
  kms_key_arn        = var.encrypt_environment_variables ? module.kms_key.arn : null

  environment_variables = {
    ITEMS_TABLE                  = aws_dynamodb_table.this["items"].name
    SUBSCRIBERS_TABLE            = aws_dynamodb_table.this["subscribers"].name
    UPLOADS_BUCKET               = module.uploads_bucket.name
    THUMBNAILS_BUCKET            = module.thumbnails_bucket.name
    ALLOWED_ORIGIN               = local.site_origin
    MAX_UPLOAD_BYTES             = tostring(var.max_upload_bytes)
    UPLOAD_URL_EXPIRY_SECONDS    = tostring(var.upload_url_expiry_seconds)
    THUMBNAIL_SIZES              = join(",", var.thumbnail_sizes)
    THUMBNAIL_FORMAT             = var.thumbnail_format
    POWERTOOLS_SERVICE_NAME      = "web-api"
    POWERTOOLS_METRICS_NAMESPACE = var.powertools_metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.log_level
  }

  policy_statements = [
    {
      # The API serves every user from one role, so the owner scoping is done in
      # code (partition key = the authorizer's sub), not by dynamodb:LeadingKeys
      # (which only works with per-user credentials). Scoped to the table: no
      # Scan, no batch or table management.
      sid       = "ReadWriteItems"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]
      resources = [aws_dynamodb_table.this["items"].arn]
    },
    {
      # Subscribe is a conditional PutItem; the existing row comes back with the
      # condition failure (ReturnValuesOnConditionCheckFailure), so no GetItem.
      sid       = "Subscribe"
      actions   = ["dynamodb:PutItem"]
      resources = [aws_dynamodb_table.this["subscribers"].arn]
    },
    {
      # The browser uploads with a presigned POST signed by this role: S3 checks
      # the signer's right to PutObject, limited here to the uploads/ prefix (the
      # POST policy further pins the exact key, size and content type).
      sid       = "PresignUploads"
      actions   = ["s3:PutObject"]
      resources = ["${module.uploads_bucket.arn}/${local.uploads_prefix}*"]
    },
    {
      # "Does this caller's upload exist?" (GET /uploads/{id}/thumbnails answers 404
      # only when it does not): the extension is unknown, so list its prefix.
      sid        = "ListOwnUploads"
      actions    = ["s3:ListBucket"]
      resources  = [module.uploads_bucket.arn]
      conditions = [{ test = "StringLike", variable = "s3:prefix", values = ["${local.uploads_prefix}*"] }]
    },
    {
      # Thumbnails are shown through presigned GETs signed by this role.
      sid       = "ReadThumbnails"
      actions   = ["s3:GetObject"]
      resources = ["${module.thumbnails_bucket.arn}/${local.thumbnails_prefix}*"]
    },
    {
      sid        = "ListThumbnails"
      actions    = ["s3:ListBucket"]
      resources  = [module.thumbnails_bucket.arn]
      conditions = [{ test = "StringLike", variable = "s3:prefix", values = ["${local.thumbnails_prefix}*"] }]
    },
    {
      # SSE-KMS of the tables and of the upload/thumbnail objects (presigned
      # requests are made with this role's credentials), only through those services.
      # No kms:DescribeKey: no call of the function's needs it.
      sid       = "UseWebAppKey"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = [module.kms_key.arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${local.region}.${local.dns_suffix}", "s3.${local.region}.${local.dns_suffix}"]
      }]
    },
  ]

  tags = local.tags
}

# ---------------------------------------------------------------------------
# REST API: explicit resources and methods (no {proxy+}), so every route is
# visible, and authorized, in this file
# ---------------------------------------------------------------------------
locals {
  # The routes of functions/web_api (its OpenAPI document is generated from the
  # same list in code). Each path also gets OPTIONS for the CORS preflight.
  routes = {
    "/health"                         = ["GET"]
    "/openapi.json"                   = ["GET"]
    "/items"                          = ["GET", "POST"]
    "/items/{item_id}"                = ["GET", "PATCH", "DELETE"]
    "/subscriptions"                  = ["POST"]
    "/uploads"                        = ["POST"]
    "/uploads/{upload_id}/thumbnails" = ["GET"]
  }

  # The two justified exceptions to the Cognito authorizer:
  # - GET /health: load balancers and uptime checks carry no user token;
  # - OPTIONS (every path): browsers never send Authorization on a CORS preflight,
  #   so an authorized OPTIONS would fail every cross-origin call. The function
  #   answers it with the pinned origin only.
  public_routes = ["GET /health"]

  methods = merge([
    for path, verbs in local.routes : {
      for verb in concat(verbs, ["OPTIONS"]) : "${verb} ${path}" => {
        path       = path
        verb       = verb
        authorized = verb != "OPTIONS" && !contains(local.public_routes, "${verb} ${path}")
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

  api_stage_name = var.api_stage_name
}

resource "aws_api_gateway_rest_api" "this" {
  name        = "${local.name}-api"
  description = "${local.name}: items, subscriptions and uploads of signed-in users"

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
}

resource "aws_api_gateway_integration" "this" {
  for_each = local.methods

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_method.this[each.key].resource_id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = module.web_api.invoke_arn
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "Routes of ${local.name}"

  # A deployment is a snapshot: redeploy whenever a route, its authorization or its
  # integration changes. Authorization is hashed from local.methods (the intent),
  # not read back from the methods: a method without authorizer reads back
  # authorizer_id "" instead of null, which would redeploy on every plan.
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
  name              = "/aws/apigateway/${aws_api_gateway_rest_api.this.name}/${local.api_stage_name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = module.kms_key.arn
  tags              = local.tags
}

# Execution logs (api_logging_level): declared here so they get a retention and the
# module key; API Gateway would otherwise create this group itself, unencrypted and
# kept forever. The name is API Gateway's, not ours to choose.
resource "aws_cloudwatch_log_group" "api_execution" {
  #checkov:skip=CKV_AWS_338:Retention is the caller's per-environment decision (log_retention_days, validated), as for the access logs.
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${local.api_stage_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = module.kms_key.arn
  tags              = local.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:No response cache: every authorized response is per-user data, and health must be live.
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to HTTP backends; the only backend is a Lambda proxy integration, invoked with the lambda permission below.
  #checkov:skip=CKV2_AWS_77:WAF is per environment (api_web_acl_arn, a modules/waf_acl ACL with the known-bad-inputs rules; prod attaches one): checkov cannot follow the ACL through the variable.
  #checkov:skip=CKV2_AWS_29:WAF is per environment (api_web_acl_arn, null by default, set in prod from modules/waf_acl); this check passed only because of the optional association.
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = local.api_stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format          = var.api_access_log_format
  }

  tags = local.tags

  # Access logs need the account's API Gateway CloudWatch role in place: registered
  # here (configure_api_gateway_account) or by another module of the configuration.
  depends_on = [module.api_gateway_account, var.api_gateway_cloudwatch_role_arn]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:No response cache: every authorized response is per-user data (a shared cache could serve one user's items to another), and health must be live.
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

resource "aws_wafv2_web_acl_association" "api" {
  count = var.api_web_acl_arn == null ? 0 : 1

  resource_arn = aws_api_gateway_stage.this.arn
  web_acl_arn  = var.api_web_acl_arn
}

# API Gateway may invoke the function only for this API's stage (any route).
resource "aws_lambda_permission" "api" {
  statement_id  = "AllowInvokeFromRestApi"
  action        = "lambda:InvokeFunction"
  function_name = module.web_api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/${local.api_stage_name}/*/*"
}

# ---------------------------------------------------------------------------
# The account-wide API Gateway -> CloudWatch Logs role (needed for access and
# execution logs). One per account and region: see configure_api_gateway_account.
# ---------------------------------------------------------------------------
module "api_gateway_account" {
  source = "../api_gateway_account"
  count  = var.configure_api_gateway_account ? 1 : 0

  role_name = "${local.name}-apigateway-cloudwatch"
  tags      = local.tags
}

# These resources used to be declared inline here: move them into the module call
# so existing stacks keep the role and the account setting instead of recreating them.
moved {
  from = aws_iam_role.api_gateway_cloudwatch[0]
  to   = module.api_gateway_account[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.api_gateway_cloudwatch[0]
  to   = module.api_gateway_account[0].aws_iam_role_policy.this
}

moved {
  from = aws_api_gateway_account.this[0]
  to   = module.api_gateway_account[0].aws_api_gateway_account.this
}
