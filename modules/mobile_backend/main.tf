# Mobile backend: Cognito sign-in (user pool) and per-user storage (identity pool
# credentials reaching only the caller's private/<identity id>/ folder), a REST API
# (Cognito authorizer) in front of mobile_api running in private subnets with no
# internet route, DynamoDB tables read through an optional DAX cluster, and push
# notifications: mobile_api queues them, push_notifier sends them through SNS
# platform endpoints. Resources are grouped by concern: auth.tf, network.tf,
# tables.tf (with DAX), api.tf, push.tf; this file holds the names, the module's
# KMS key and the alarms.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  dns_suffix = data.aws_partition.current.dns_suffix

  name          = "${var.name_prefix}-mobile"
  bucket_suffix = "${local.account_id}-${local.region}"

  tags = merge(var.settings.tags, { Architecture = "mobile-backend" })

  # Everything clients/mobile needs, as one JSON document (`terraform output -raw
  # mobile_client_config > mobile.json`).
  mobile_client_config = jsonencode({
    api_url             = module.api.url
    region              = local.region
    user_pool_id        = module.user_pool.id
    user_pool_client_id = aws_cognito_user_pool_client.mobile.id
    identity_pool_id    = aws_cognito_identity_pool.this.id
    user_files_bucket   = module.user_files_bucket.name
  })
}

# ---------------------------------------------------------------------------
# Encryption key: tables, push queues, broadcast and alarm topics, logs
# ---------------------------------------------------------------------------
module "kms_key" {
  source = "../kms_key"

  name                    = local.name
  description             = "Encrypts the ${local.name} tables, push queues, topics and logs"
  deletion_window_in_days = var.settings.kms_deletion_window_in_days
  # CloudWatch alarms publish to the encrypted alarm topic; without this grant they
  # fail silently. Depends only on the account, so no cycle with the topic's key.
  service_principal_statements = [module.alarms.kms_key_policy_statement]
  tags                         = local.tags
}

# ---------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------
locals {
  functions = {
    mobile-api    = module.mobile_api.function_name
    push-notifier = module.push_notifier.function_name
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
        description = "The API answered with server errors (5xx): mobile_api failed, timed out or was throttled. Check its logs and the access log."
        namespace   = "AWS/ApiGateway"
        metric_name = "5XXError"
        statistic   = "Sum"
        threshold   = var.api_5xx_alarm_threshold
        dimensions  = { ApiName = module.api.name, Stage = module.api.stage_name }
      }
      push-dlq-depth = {
        description = "Push messages push_notifier failed ${var.push_max_receive_count} times wait in ${aws_sqs_queue.push_dlq.name}: inspect them, then redrive to the push queue."
        namespace   = "AWS/SQS"
        metric_name = "ApproximateNumberOfMessagesVisible"
        statistic   = "Maximum"
        threshold   = var.dlq_alarm_threshold
        dimensions  = { QueueName = aws_sqs_queue.push_dlq.name }
      }
    },
    {
      for key, function_name in local.functions : "${key}-errors" => {
        description = "${function_name} raised unhandled errors or timed out."
        namespace   = "AWS/Lambda"
        metric_name = "Errors"
        statistic   = "Sum"
        threshold   = var.function_errors_alarm_threshold
        dimensions  = { FunctionName = function_name }
      }
    },
  )

  tags = local.tags
}
