# ---------------------------------------------------------------------------
# Welcome email: subscribers stream (INSERT) -> welcome_email -> SES
# ---------------------------------------------------------------------------
resource "aws_ses_email_identity" "sender" {
  email = var.sender_email
}

module "welcome_email" {
  source = "../lambda_function"

  function_name = "${local.name}-welcome-email"
  description   = "Sends one welcome email per new subscriber of ${local.name}"
  filename      = "${var.artifacts_dir}/welcome_email.zip"
  handler       = "welcome_email.handler.lambda_handler"
  runtime       = var.settings.lambda_runtime
  architecture  = var.settings.lambda_architecture
  layers        = var.settings.lambda_layers
  memory_size   = var.welcome_email_memory_size
  timeout       = var.welcome_email_timeout
  tracing_mode  = var.settings.tracing_mode

  log_retention_days = var.settings.log_retention_days
  log_kms_key_arn    = module.kms_key.arn
  kms_key_arn        = var.settings.encrypt_environment_variables ? module.kms_key.arn : null

  environment_variables = {
    SENDER_EMAIL                 = var.sender_email
    IDEMPOTENCY_TABLE            = aws_dynamodb_table.this["idempotency"].name
    SITE_URL                     = local.site_url
    FAILURE_QUEUE_URL            = aws_sqs_queue.failure["welcome-email"].url
    POWERTOOLS_SERVICE_NAME      = "welcome-email"
    POWERTOOLS_METRICS_NAMESPACE = var.powertools_metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.settings.log_level
  }

  policy_statements = [
    {
      # What the Lambda stream poller needs (it runs with the function's role).
      # ListStreams is never called for a named stream, but CreateEventSourceMapping
      # refuses a role without it (its error names all four actions).
      sid       = "ReadSubscribersStream"
      actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
      resources = [aws_dynamodb_table.this["subscribers"].stream_arn]
    },
    {
      # Only from the configured sender: the role cannot send as anyone else even if
      # more identities are verified in the account.
      sid        = "SendWelcomeEmail"
      actions    = ["ses:SendEmail"]
      resources  = [aws_ses_email_identity.sender.arn]
      conditions = [{ test = "StringEquals", variable = "ses:FromAddress", values = [var.sender_email] }]
    },
    {
      # Powertools idempotency: one record per subscriber, read, claimed, completed,
      # or deleted when sending failed so a retry can send.
      sid       = "IdempotencyRecords"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      resources = [aws_dynamodb_table.this["idempotency"].arn]
    },
    {
      # The mapping's on-failure destination is delivered with this role; the
      # function itself sends records that can never become an email there, with why.
      sid       = "SendToFailureQueue"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.failure["welcome-email"].arn]
    },
    {
      # Stream records and idempotency items are SSE-KMS (table key); failure
      # messages too. No kms:DescribeKey: no call of the function's needs it.
      sid       = "UseWebAppKey"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = [module.kms_key.arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${local.region}.${local.dns_suffix}", "sqs.${local.region}.${local.dns_suffix}"]
      }]
    },
  ]

  tags = local.tags
}

resource "aws_lambda_event_source_mapping" "welcome_email" {
  event_source_arn = aws_dynamodb_table.this["subscribers"].stream_arn
  # The ARN, not the name: list_event_source_mappings matches on what was given.
  function_name = module.welcome_email.function_arn

  starting_position              = "TRIM_HORIZON"
  batch_size                     = var.welcome_email_batch_size
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = var.welcome_email_maximum_retry_attempts
  maximum_record_age_in_seconds  = var.welcome_email_maximum_record_age_seconds

  # The function reports the first failed record (its SequenceNumber); Lambda
  # retries from there instead of re-sending the whole batch.
  function_response_types = ["ReportBatchItemFailures"]

  # Only new subscribers get an email; updates and deletes never reach the function.
  filter_criteria {
    filter {
      pattern = jsonencode({ eventName = ["INSERT"] })
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failure["welcome-email"].arn
    }
  }

  tags = local.tags
}
