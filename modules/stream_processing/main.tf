# Stream processing: producers -> Kinesis (KMS) -> event source mapping -> processor
# Lambda -> archive bucket (archive/ or quarantine/). Ranges that exhaust their retries
# or age go to an encrypted SQS failure queue, whose recorder Lambda reads them back
# from the stream into failed/ of the same bucket before retention drops them; alarms
# on an encrypted topic. Every record ends in exactly one of: archive, quarantine,
# failed/ (from where `python -m clients.archive redrive` replays it).

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  dns_suffix = data.aws_partition.current.dns_suffix

  name                = "${var.name_prefix}-stream"
  stream_name         = "${var.name_prefix}-stream-events"
  processor_name      = "${var.name_prefix}-stream-processor"
  recorder_name       = "${var.name_prefix}-stream-failure-recorder"
  failure_queue_name  = "${var.name_prefix}-stream-processor-failures"
  dashboard_name      = "${var.name_prefix}-stream-processing"
  archive_bucket_name = coalesce(var.archive_bucket_name, "${var.name_prefix}-stream-archive-${local.account_id}-${local.region}")

  # The processor writes only under these two prefixes; the same values feed its
  # environment and its IAM policy so they cannot disagree.
  archive_prefix    = "archive/"
  quarantine_prefix = "quarantine/"
  # The recorder writes only here; the redrive reads and tags it.
  failed_prefix = "failed/"

  recorder_service_name = "${var.powertools_service_name}-failure-recorder"

  # SQS's maximum: give operators two weeks to inspect and redrive failed records.
  failure_queue_retention_seconds = 1209600

  tags = merge(var.settings.tags, { Architecture = "stream-processing" })
}

# ---------------------------------------------------------------------------
# Encryption key shared by the stream, archive, failure queue, alarm topic and logs
# ---------------------------------------------------------------------------
module "kms_key" {
  source = "../kms_key"

  name                    = local.name
  description             = "Encrypts the ${local.name} stream, archive bucket, failure queue, alarm topic and logs"
  deletion_window_in_days = var.settings.kms_deletion_window_in_days
  # CloudWatch alarms publish to the encrypted alarm topic; without this grant they
  # fail silently. Depends only on the account, so no cycle with the topic's key.
  service_principal_statements = [module.alarms.kms_key_policy_statement]
  tags                         = local.tags
}

# ---------------------------------------------------------------------------
# Kinesis stream
# ---------------------------------------------------------------------------
resource "aws_kinesis_stream" "this" {
  name             = local.stream_name
  shard_count      = var.stream_mode == "PROVISIONED" ? var.shard_count : null
  retention_period = var.stream_retention_hours
  encryption_type  = "KMS"
  kms_key_id       = module.kms_key.arn

  # Registered enhanced fan-out consumers would otherwise block deletion.
  enforce_consumer_deletion = true

  stream_mode_details {
    stream_mode = var.stream_mode
  }

  # See var.tag_kinesis_stream: moto drops the tags CreateStream carries.
  tags = var.tag_kinesis_stream ? local.tags : {}
}

# ---------------------------------------------------------------------------
# Failure destination: records the processor gave up on (retries or age exhausted)
# ---------------------------------------------------------------------------
resource "aws_sqs_queue" "failure" {
  name                      = local.failure_queue_name
  message_retention_seconds = local.failure_queue_retention_seconds
  # Lambda requires at least the recorder's timeout and recommends six times it, so a
  # message is not handed out again while an invocation still works on it.
  visibility_timeout_seconds        = 6 * var.failure_recorder_timeout
  kms_master_key_id                 = module.kms_key.arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = local.tags
}

# Only TLS: a request over plain HTTP is refused, whoever makes it. Same-account
# senders and readers are allowed by their IAM policies.
resource "aws_sqs_queue_policy" "failure_tls_only" {
  count = var.settings.deny_insecure_transport ? 1 : 0

  queue_url = aws_sqs_queue.failure.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.failure.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

# ---------------------------------------------------------------------------
# Archive bucket
# ---------------------------------------------------------------------------
module "archive_bucket" {
  source = "../secure_bucket"

  bucket_name       = local.archive_bucket_name
  force_destroy     = var.settings.force_destroy_buckets
  kms_key_arn       = module.kms_key.arn
  access_log_bucket = var.archive_access_log_bucket

  attach_deny_insecure_transport_policy = var.archive_deny_insecure_transport

  lifecycle_rules = [
    {
      # Whole bucket (archive/ and quarantine/): both are written once, read rarely.
      id = "tier-and-expire"
      transitions = concat(
        var.archive_transition_to_standard_ia_days == null ? [] : [{ days = var.archive_transition_to_standard_ia_days, storage_class = "STANDARD_IA" }],
        var.archive_transition_to_glacier_ir_days == null ? [] : [{ days = var.archive_transition_to_glacier_ir_days, storage_class = "GLACIER_IR" }],
      )
      expiration_days                        = var.archive_expiration_days
      noncurrent_version_expiration_days     = var.archive_noncurrent_version_expiration_days
      abort_incomplete_multipart_upload_days = 7
    },
  ]

  tags = local.tags
}

# ---------------------------------------------------------------------------
# Processor function
# ---------------------------------------------------------------------------
locals {
  # Both functions decrypt stream records and SQS messages and encrypt S3 objects
  # (SSE-KMS) and failure messages; only when the call comes through those services.
  use_stream_processing_key_statement = {
    sid       = "UseStreamProcessingKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms_key.arn]
    conditions = [
      {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values = [
          "kinesis.${local.region}.${local.dns_suffix}",
          "s3.${local.region}.${local.dns_suffix}",
          "sqs.${local.region}.${local.dns_suffix}",
        ]
      },
    ]
  }
}

module "processor" {
  source = "../lambda_function"

  function_name = local.processor_name
  description   = "Archives records of ${local.stream_name}; quarantines malformed ones"
  filename      = var.processor_artifact_path
  handler       = "stream_processor.handler.lambda_handler"
  runtime       = var.settings.lambda_runtime
  architecture  = var.settings.lambda_architecture
  memory_size   = var.processor_memory_size
  timeout       = var.processor_timeout
  layers        = var.settings.lambda_layers
  tracing_mode  = var.settings.tracing_mode

  reserved_concurrent_executions = var.processor_reserved_concurrency

  log_retention_days = var.settings.log_retention_days
  log_kms_key_arn    = module.kms_key.arn
  kms_key_arn        = var.settings.encrypt_environment_variables ? module.kms_key.arn : null

  environment_variables = {
    ARCHIVE_BUCKET               = module.archive_bucket.name
    ARCHIVE_PREFIX               = local.archive_prefix
    QUARANTINE_PREFIX            = local.quarantine_prefix
    MAX_RECORD_BYTES             = tostring(var.max_record_bytes)
    WRITE_RETRY_SECONDS          = tostring(var.archive_write_retry_seconds)
    POWERTOOLS_SERVICE_NAME      = var.powertools_service_name
    POWERTOOLS_METRICS_NAMESPACE = var.powertools_metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.settings.log_level
  }

  policy_statements = [
    {
      # What the Lambda stream poller needs (it runs with the function's role).
      # Not ListStreams (account-wide, not needed for one known stream) nor
      # SubscribeToShard (enhanced fan-out is not used).
      sid = "ReadEventStream"
      actions = [
        "kinesis:DescribeStream",
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
      ]
      resources = [aws_kinesis_stream.this.arn]
    },
    {
      # Write-only, and only under the two prefixes: the processor never reads,
      # lists or deletes archive data.
      sid       = "WriteArchiveAndQuarantine"
      actions   = ["s3:PutObject"]
      resources = ["${module.archive_bucket.arn}/${local.archive_prefix}*", "${module.archive_bucket.arn}/${local.quarantine_prefix}*"]
    },
    {
      # The on-failure destination is delivered with the function's role.
      sid       = "SendToFailureQueue"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.failure.arn]
    },
    local.use_stream_processing_key_statement,
  ]

  tags = local.tags
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn = aws_kinesis_stream.this.arn
  # The ARN, not the name: list_event_source_mappings (used by the local runtime and
  # by tests) matches on what was given here.
  function_name = module.processor.function_arn
  enabled       = var.event_source_mapping_enabled

  starting_position                  = var.starting_position
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  parallelization_factor             = var.parallelization_factor
  bisect_batch_on_function_error     = var.bisect_batch_on_function_error
  maximum_retry_attempts             = var.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.maximum_record_age_in_seconds

  # Always: the processor reports the first failed sequence number so Lambda retries
  # from there, instead of re-running (and re-archiving) the whole batch.
  function_response_types = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failure.arn
    }
  }

  tags = local.tags

  dynamic "filter_criteria" {
    for_each = length(var.filter_patterns) == 0 ? [] : [1]
    content {
      dynamic "filter" {
        for_each = var.filter_patterns
        content {
          pattern = filter.value
        }
      }
    }
  }
}

# ---------------------------------------------------------------------------
# Failure recorder: the failure queue's messages name ranges, not records; this
# function reads each range back from the stream (while retention still holds it)
# and stores it under failed/ for the redrive.
# ---------------------------------------------------------------------------
module "failure_recorder" {
  source = "../lambda_function"

  function_name = local.recorder_name
  description   = "Reads ranges of ${local.stream_name} the processor gave up on into failed/ of the archive bucket"
  filename      = var.failure_recorder_artifact_path
  handler       = "failure_recorder.handler.lambda_handler"
  runtime       = var.settings.lambda_runtime
  architecture  = var.settings.lambda_architecture
  memory_size   = var.failure_recorder_memory_size
  timeout       = var.failure_recorder_timeout
  tracing_mode  = var.settings.tracing_mode

  log_retention_days = var.settings.log_retention_days
  log_kms_key_arn    = module.kms_key.arn
  kms_key_arn        = var.settings.encrypt_environment_variables ? module.kms_key.arn : null

  environment_variables = {
    ARCHIVE_BUCKET               = module.archive_bucket.name
    FAILED_PREFIX                = local.failed_prefix
    POWERTOOLS_SERVICE_NAME      = local.recorder_service_name
    POWERTOOLS_METRICS_NAMESPACE = var.powertools_metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.settings.log_level
  }

  policy_statements = [
    {
      # Only what reading a known range needs: no DescribeStream/ListShards (the
      # message names the shard), no SubscribeToShard.
      sid       = "ReadFailedRanges"
      actions   = ["kinesis:GetRecords", "kinesis:GetShardIterator"]
      resources = [aws_kinesis_stream.this.arn]
    },
    {
      # What the SQS poller needs (it runs with the function's role).
      sid       = "ConsumeFailureQueue"
      actions   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
      resources = [aws_sqs_queue.failure.arn]
    },
    {
      # Write-only, and only under failed/: the recorder never reads the archive.
      sid       = "WriteFailedRanges"
      actions   = ["s3:PutObject"]
      resources = ["${module.archive_bucket.arn}/${local.failed_prefix}*"]
    },
    local.use_stream_processing_key_statement,
  ]

  tags = local.tags
}

resource "aws_lambda_event_source_mapping" "failure_recorder" {
  event_source_arn = aws_sqs_queue.failure.arn
  function_name    = module.failure_recorder.function_arn
  enabled          = var.event_source_mapping_enabled
  batch_size       = 10

  # Each message is one range: one that cannot be stored now is redelivered alone.
  function_response_types = ["ReportBatchItemFailures"]

  tags = local.tags
}

# ---------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------
module "alarms" {
  source = "../alarms"

  name        = local.name
  kms_key_arn = module.kms_key.arn
  alarm_email = var.settings.alarm_email

  deny_insecure_transport = var.settings.deny_insecure_transport
  period_seconds          = var.settings.alarm_period_seconds

  alarms = {
    iterator-age = {
      description        = "The processor is falling behind the stream: records wait longer than ${var.iterator_age_alarm_threshold_ms} ms and risk expiring."
      namespace          = "AWS/Lambda"
      metric_name        = "IteratorAge"
      statistic          = "Maximum"
      threshold          = var.iterator_age_alarm_threshold_ms
      evaluation_periods = var.iterator_age_alarm_evaluation_periods
      dimensions         = { FunctionName = module.processor.function_name }
    }
    errors = {
      description = "The processor failed whole batches (unhandled errors or timeouts); they are being retried."
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      statistic   = "Sum"
      threshold   = var.errors_alarm_threshold
      dimensions  = { FunctionName = module.processor.function_name }
    }
    throttles = {
      description = "The processor was throttled: raise its reserved concurrency or the account limit."
      namespace   = "AWS/Lambda"
      metric_name = "Throttles"
      statistic   = "Sum"
      threshold   = var.throttles_alarm_threshold
      dimensions  = { FunctionName = module.processor.function_name }
    }
    failure-queue-depth = {
      description = "The processor gave up on a range after its retries or maximum age; the failure recorder is copying it into ${local.failed_prefix}."
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      statistic   = "Maximum"
      threshold   = var.failure_queue_alarm_threshold
      dimensions  = { QueueName = aws_sqs_queue.failure.name }
    }
    failure-queue-oldest-message = {
      description = "A failed range has waited over ${var.failure_queue_oldest_message_alarm_seconds} s in ${local.failure_queue_name}: the failure recorder cannot store it (see its logs) and the stream's retention is running."
      namespace   = "AWS/SQS"
      metric_name = "ApproximateAgeOfOldestMessage"
      statistic   = "Maximum"
      threshold   = var.failure_queue_oldest_message_alarm_seconds
      dimensions  = { QueueName = aws_sqs_queue.failure.name }
    }
    failed-writes = {
      description = "Records were written to ${local.failed_prefix} of ${local.archive_bucket_name}: once the cause is fixed, run `python -m clients.archive --bucket ${local.archive_bucket_name} redrive`."
      namespace   = var.powertools_metrics_namespace
      metric_name = "FailedObjectsWritten"
      statistic   = "Sum"
      threshold   = 0
      dimensions  = { service = local.recorder_service_name }
    }
    records-lost = {
      description = "Retention dropped records of a failed range before the recorder read them: they are lost (a tombstone under ${local.failed_prefix} counts them)."
      namespace   = var.powertools_metrics_namespace
      metric_name = "RecordsLost"
      statistic   = "Sum"
      threshold   = 0
      dimensions  = { service = local.recorder_service_name }
    }
  }

  tags = local.tags
}

# ---------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------
locals {
  fn = module.processor.function_name

  dashboard_widgets = [
    {
      title   = "Stream: incoming records and throttled writes"
      metrics = [["AWS/Kinesis", "IncomingRecords", "StreamName", local.stream_name, { stat = "Sum" }], [".", "WriteProvisionedThroughputExceeded", ".", ".", { stat = "Sum", yAxis = "right" }]]
    },
    {
      title   = "Processor: iterator age (ms)"
      metrics = [["AWS/Lambda", "IteratorAge", "FunctionName", local.fn, { stat = "Maximum" }]]
    },
    {
      title   = "Processor: invocations, errors, throttles"
      metrics = [["AWS/Lambda", "Invocations", "FunctionName", local.fn, { stat = "Sum" }], [".", "Errors", ".", ".", { stat = "Sum" }], [".", "Throttles", ".", ".", { stat = "Sum" }]]
    },
    {
      title   = "Processor: duration (ms)"
      metrics = [["AWS/Lambda", "Duration", "FunctionName", local.fn, { stat = "p99" }], ["...", { stat = "Average" }]]
    },
    {
      title   = "Failure queue: ranges given up on, and the oldest one's age (s)"
      metrics = [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.failure.name, { stat = "Maximum" }], [".", "ApproximateAgeOfOldestMessage", ".", ".", { stat = "Maximum", yAxis = "right" }]]
    },
    {
      title   = "Failure recorder: objects written to failed/, records lost"
      metrics = [[var.powertools_metrics_namespace, "FailedObjectsWritten", "service", local.recorder_service_name, { stat = "Sum" }], [".", "RecordsLost", ".", ".", { stat = "Sum" }]]
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = local.dashboard_name
  dashboard_body = jsonencode({
    widgets = [
      for i, w in local.dashboard_widgets : {
        type   = "metric"
        x      = (i % 2) * 12
        y      = floor(i / 2) * 6
        width  = 12
        height = 6
        properties = {
          title   = w.title
          region  = local.region
          view    = "timeSeries"
          stacked = false
          period  = var.settings.alarm_period_seconds
          metrics = w.metrics
        }
      }
    ]
  })
}
