# ---------------------------------------------------------------------------
# web_api function
# ---------------------------------------------------------------------------
module "web_api" {
  source = "../lambda_function"

  function_name = "${local.name}-api"
  description   = "REST API of ${local.name}: items, subscriptions, uploads, health"
  filename      = "${var.artifacts_dir}/web_api.zip"
  handler       = "web_api.handler.lambda_handler"
  runtime       = var.settings.lambda_runtime
  architecture  = var.settings.lambda_architecture
  layers        = var.settings.lambda_layers
  memory_size   = var.web_api_memory_size
  timeout       = var.web_api_timeout
  tracing_mode  = var.settings.tracing_mode

  log_retention_days = var.settings.log_retention_days
  log_kms_key_arn    = module.kms_key.arn
  kms_key_arn        = var.settings.encrypt_environment_variables ? module.kms_key.arn : null

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
    POWERTOOLS_LOG_LEVEL         = var.settings.log_level
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
# REST API (modules/rest_api): every route visible, and authorized, here
# ---------------------------------------------------------------------------
module "api" {
  source = "../rest_api"

  name        = "${local.name}-api"
  description = "${local.name}: items, subscriptions and uploads of signed-in users"
  stage_name  = var.api.stage_name

  # The routes of functions/web_api (its OpenAPI document is generated from the
  # same list in code). The one public route: GET /health, for load balancers and
  # uptime checks, which carry no user token.
  routes = {
    "GET /health"                         = { public = true }
    "GET /openapi.json"                   = {}
    "GET /items"                          = {}
    "POST /items"                         = {}
    "GET /items/{item_id}"                = {}
    "PATCH /items/{item_id}"              = {}
    "DELETE /items/{item_id}"             = {}
    "POST /subscriptions"                 = {}
    "POST /uploads"                       = {}
    "GET /uploads/{upload_id}/thumbnails" = {}
  }
  # The browser calls the API cross-origin: OPTIONS on every path, answered by the
  # function with the pinned origin only.
  cors_preflight = true

  integration = {
    function_name = module.web_api.function_name
    invoke_arn    = module.web_api.invoke_arn
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
  # No response cache: every authorized response is per-user data, and health must
  # be live.

  web_acl_arn = var.api.web_acl_arn
  # Access logs need the account's API Gateway CloudWatch role in place: registered
  # here (configure_api_gateway_account), by another module of the configuration
  # (api_gateway_cloudwatch_role_arn) or earlier by another stack.
  cloudwatch_role_arn = var.configure_api_gateway_account ? module.api_gateway_account[0].role_arn : var.api_gateway_cloudwatch_role_arn
  url_override        = var.api.url_override

  tags = local.tags
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
