# ---------------------------------------------------------------------------
# SNS: a platform application per configured push service (nothing is created
# for a service without credentials) and a broadcast topic
# ---------------------------------------------------------------------------
resource "aws_sns_platform_application" "fcm" {
  # Whether a credential is given is not secret (the credential is).
  count = nonsensitive(var.fcm_server_key != null) ? 1 : 0

  name                = "${local.name}-fcm"
  platform            = "GCM" # SNS's name for Firebase Cloud Messaging
  platform_credential = var.fcm_server_key
}

resource "aws_sns_platform_application" "apns" {
  count = nonsensitive(var.apns_certificate != null) ? 1 : 0

  name                = "${local.name}-apns"
  platform            = var.apns_platform
  platform_principal  = var.apns_certificate
  platform_credential = var.apns_private_key
}

locals {
  # {"fcm": arn, "apns": arn}, keys only for configured services (PLATFORM_APPLICATIONS).
  platform_application_arns = merge(
    { for a in aws_sns_platform_application.fcm : "fcm" => a.arn },
    { for a in aws_sns_platform_application.apns : "apns" => a.arn },
  )
}

# Fan-out to every subscriber (e.g. an announcement to all devices subscribed by an
# operator); user-to-user pushes go through the push queue instead.
resource "aws_sns_topic" "broadcast" {
  name              = "${local.name}-broadcast"
  kms_master_key_id = module.kms_key.arn
  tags              = local.tags
}

# Only TLS on the topic and the queues: a request over plain HTTP is refused, whoever
# makes it. Same-account senders and consumers are allowed by their IAM policies.
locals {
  tls_only_statement = {
    Sid       = "DenyInsecureTransport"
    Effect    = "Deny"
    Principal = { AWS = "*" }
    Condition = { Bool = { "aws:SecureTransport" = "false" } }
  }
}

resource "aws_sns_topic_policy" "broadcast_tls_only" {
  count = var.settings.deny_insecure_transport ? 1 : 0

  arn = aws_sns_topic.broadcast.arn
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [merge(local.tls_only_statement, { Action = "sns:*", Resource = aws_sns_topic.broadcast.arn })]
  })
}

resource "aws_sqs_queue_policy" "tls_only" {
  for_each = var.settings.deny_insecure_transport ? { push = aws_sqs_queue.push, push-dlq = aws_sqs_queue.push_dlq } : {}

  queue_url = each.value.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [merge(local.tls_only_statement, { Action = "sqs:*", Resource = each.value.arn })]
  })
}

# ---------------------------------------------------------------------------
# Push queue -> push_notifier. A message failing push_max_receive_count times
# moves to the dead-letter queue (alarmed).
# ---------------------------------------------------------------------------
resource "aws_sqs_queue" "push_dlq" {
  name = "${local.name}-push-dlq"
  # SQS's maximum: two weeks to inspect and redrive.
  message_retention_seconds         = 1209600
  kms_master_key_id                 = module.kms_key.arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = local.tags
}

resource "aws_sqs_queue" "push" {
  name = "${local.name}-push"
  # AWS's advice for a Lambda source: at least six times the function timeout, so a
  # batch still being retried by the poller is not delivered twice.
  visibility_timeout_seconds        = 6 * var.push_notifier_timeout
  message_retention_seconds         = 345600 # 4 days: a push older than that is pointless
  kms_master_key_id                 = module.kms_key.arn
  kms_data_key_reuse_period_seconds = 300

  tags = local.tags

  # The redrive policy is owned (and drift-checked) by aws_sqs_queue_redrive_policy
  # below; the queue reads the same attribute back, so it must not manage it too.
  lifecycle {
    ignore_changes = [redrive_policy]
  }
}

# A separate resource: moto 5.2 returns the policy re-serialized with spaces, which
# the queue resource (unlike this one) reports as a change on every plan.
resource "aws_sqs_queue_redrive_policy" "push" {
  queue_url = aws_sqs_queue.push.id
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.push_dlq.arn
    maxReceiveCount     = var.push_max_receive_count
  })
}

module "push_notifier" {
  source = "../lambda_function"

  function_name = "${local.name}-push-notifier"
  description   = "Sends the queued pushes of ${local.name} to the recipients' devices"
  filename      = "${var.artifacts_dir}/push_notifier.zip"
  handler       = "push_notifier.handler.lambda_handler"
  runtime       = var.settings.lambda_runtime
  architecture  = var.settings.lambda_architecture
  layers        = var.settings.lambda_layers
  memory_size   = var.push_notifier_memory_size
  timeout       = var.push_notifier_timeout
  tracing_mode  = var.settings.tracing_mode

  vpc_subnet_ids         = values(aws_subnet.private)[*].id
  vpc_security_group_ids = [aws_security_group.functions.id]

  log_retention_days = var.settings.log_retention_days
  log_kms_key_arn    = module.kms_key.arn
  kms_key_arn        = var.settings.encrypt_environment_variables ? module.kms_key.arn : null

  environment_variables = {
    DEVICES_TABLE                = aws_dynamodb_table.this["devices"].name
    DEAD_LETTER_QUEUE_URL        = aws_sqs_queue.push_dlq.url
    POWERTOOLS_SERVICE_NAME      = "push-notifier"
    POWERTOOLS_METRICS_NAMESPACE = var.powertools_metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.settings.log_level
  }

  policy_statements = concat(
    [
      {
        # The recipient's devices, and removal of those whose endpoint is gone.
        sid       = "FindAndPruneDevices"
        actions   = ["dynamodb:Query", "dynamodb:DeleteItem"]
        resources = [aws_dynamodb_table.this["devices"].arn]
      },
      {
        # What the Lambda SQS poller needs (it runs with the function's role).
        sid       = "ConsumePushQueue"
        actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
        resources = [aws_sqs_queue.push.arn]
      },
      {
        # A message that can never become a push goes to the DLQ at once, with its
        # reason, instead of being received push_max_receive_count times first.
        sid       = "DeadLetterInvalidMessages"
        actions   = ["sqs:SendMessage"]
        resources = [aws_sqs_queue.push_dlq.arn]
      },
      {
        # Queued pushes are SSE-KMS: Decrypt to receive, GenerateDataKey to send to the
        # (SSE-KMS) dead-letter queue. No kms:DescribeKey: no call needs it.
        sid        = "UseMobileKey"
        actions    = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources  = [module.kms_key.arn]
        conditions = [{ test = "StringEquals", variable = "kms:ViaService", values = values(local.kms_via) }]
      },
    ],
    length(local.platform_application_arns) > 0 ? [
      {
        # Publish to a device endpoint; delete it when SNS reports it disabled or gone.
        sid       = "PushToDeviceEndpoints"
        actions   = ["sns:Publish", "sns:DeleteEndpoint"]
        resources = local.platform_endpoint_arns
      },
    ] : [],
  )

  tags = local.tags
}

resource "aws_lambda_event_source_mapping" "push" {
  event_source_arn = aws_sqs_queue.push.arn
  # The ARN, not the name: list_event_source_mappings matches on what was given.
  function_name = module.push_notifier.function_arn

  batch_size                         = var.push_batch_size
  maximum_batching_window_in_seconds = var.push_maximum_batching_window_seconds

  # The function reports the messages that failed transiently; only those return
  # to the queue (and reach the dead-letter queue after push_max_receive_count).
  function_response_types = ["ReportBatchItemFailures"]

  tags = local.tags
}
