# Web app: a private site bucket served only through CloudFront (Origin Access
# Control), a Cognito user pool, a REST API (Cognito authorizer on every route but
# health) in front of the web_api function and DynamoDB, image uploads through a
# presigned POST turned into thumbnails by an S3-triggered function, and a welcome
# email sent from the subscribers table's stream. Resources are grouped by concern:
# site.tf, auth.tf, api.tf, tables.tf, thumbnails.tf, welcome_email.tf; this file
# holds the names, the module's KMS key and the alarms.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  dns_suffix = data.aws_partition.current.dns_suffix

  name          = "${var.name_prefix}-web"
  bucket_suffix = "${local.account_id}-${local.region}"

  tags = merge(var.settings.tags, { Architecture = "web-app" })

  # Where the browser finds the site, the API and Cognito. The overrides exist for
  # the local runtime (localhost); on AWS they stay null and the values come from
  # the resources. See variables.tf for the formats.
  cloudfront_url = var.create_cloudfront_distribution ? (
    length(var.aliases) > 0 ? "https://${var.aliases[0]}" : "https://${aws_cloudfront_distribution.site[0].domain_name}"
  ) : null
  site_url = var.site_origin_override != null ? var.site_origin_override : local.cloudfront_url
  # scheme://host[:port] only: what browsers send in Origin, hence what CORS compares.
  site_origin = regex("^https?://[^/]+", local.site_url)

  cognito_endpoint = var.cognito_endpoint_override != null ? var.cognito_endpoint_override : "https://cognito-idp.${local.region}.${local.dns_suffix}"
}

# ---------------------------------------------------------------------------
# Encryption key: tables, uploads and thumbnails, failure queues, alarm topic, logs
# ---------------------------------------------------------------------------
module "kms_key" {
  source = "../kms_key"

  name                    = local.name
  description             = "Encrypts the ${local.name} tables, upload and thumbnail buckets, failure queues, alarm topic and logs"
  deletion_window_in_days = var.settings.kms_deletion_window_in_days
  # CloudWatch alarms publish to the encrypted alarm topic; without this grant they
  # fail silently. Depends only on the account, so no cycle with the topic's key.
  service_principal_statements = [module.alarms.kms_key_policy_statement]
  tags                         = local.tags
}

# ---------------------------------------------------------------------------
# Failure queues: S3 events the thumbnailer gave up on (async on-failure
# destination) and subscriber records the welcome email gave up on (stream mapping)
# ---------------------------------------------------------------------------
resource "aws_sqs_queue" "failure" {
  for_each = toset(["thumbnailer", "welcome-email"])

  name = "${local.name}-${each.key}-failures"
  # SQS's maximum: two weeks to inspect and redrive.
  message_retention_seconds         = 1209600
  kms_master_key_id                 = module.kms_key.arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = local.tags
}

# Only TLS: a request over plain HTTP is refused, whoever makes it. Same-account
# senders (the functions' roles) are allowed by their IAM policies.
resource "aws_sqs_queue_policy" "failure_tls_only" {
  for_each = var.settings.deny_insecure_transport ? aws_sqs_queue.failure : {}

  queue_url = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "sqs:*"
      Resource  = each.value.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

# ---------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------
locals {
  functions = {
    web-api       = module.web_api.function_name
    welcome-email = module.welcome_email.function_name
    thumbnailer   = module.thumbnailer.function_name
  }
}

module "alarms" {
  source = "../alarms"

  name        = local.name
  kms_key_arn = module.kms_key.arn
  alarm_email = var.settings.alarm_email

  deny_insecure_transport = var.settings.deny_insecure_transport
  period_seconds          = var.settings.alarm_period_seconds

  alarms = merge(
    {
      api-5xx = {
        description = "The API answered with server errors (5xx): the web_api function failed, timed out or was throttled. Check its logs and the access log."
        namespace   = "AWS/ApiGateway"
        metric_name = "5XXError"
        statistic   = "Sum"
        threshold   = var.api_5xx_alarm_threshold
        dimensions  = { ApiName = module.api.name, Stage = module.api.stage_name }
      }
    },
    {
      for key, function_name in local.functions : "${key}-errors" => {
        description = "${function_name} raised unhandled errors or timed out; the invocations are being retried or failed."
        namespace   = "AWS/Lambda"
        metric_name = "Errors"
        statistic   = "Sum"
        threshold   = var.function_errors_alarm_threshold
        dimensions  = { FunctionName = function_name }
      }
    },
    {
      for key, queue in aws_sqs_queue.failure : "${key}-failure-queue-depth" => {
        description = "Events ${key} gave up on (retries or maximum age exhausted) wait in ${queue.name}: inspect and redrive them."
        namespace   = "AWS/SQS"
        metric_name = "ApproximateNumberOfMessagesVisible"
        statistic   = "Maximum"
        threshold   = var.failure_queue_alarm_threshold
        dimensions  = { QueueName = queue.name }
      }
    },
  )

  tags = local.tags
}
