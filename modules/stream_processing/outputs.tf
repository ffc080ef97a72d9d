output "stream_name" {
  description = "Name of the Kinesis stream producers write to."
  value       = aws_kinesis_stream.this.name
}

output "stream_arn" {
  description = "ARN of the Kinesis stream."
  value       = aws_kinesis_stream.this.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the stream, archive, failure queue, alarm topic and logs. Producers need kms:GenerateDataKey on it."
  value       = module.kms_key.arn
}

output "kms_key_alias" {
  description = "Alias of the KMS key."
  value       = module.kms_key.alias_name
}

output "archive_bucket_name" {
  description = "Name of the archive bucket (objects under archive_prefix and quarantine_prefix)."
  value       = module.archive_bucket.name
}

output "archive_bucket_arn" {
  description = "ARN of the archive bucket."
  value       = module.archive_bucket.arn
}

output "archive_prefix" {
  description = "Key prefix of archived batches."
  value       = local.archive_prefix
}

output "quarantine_prefix" {
  description = "Key prefix of quarantined (malformed) records."
  value       = local.quarantine_prefix
}

output "failed_prefix" {
  description = "Key prefix of failed ranges the failure recorder stored (replayed by `python -m clients.archive redrive`)."
  value       = local.failed_prefix
}

output "failure_queue_url" {
  description = "URL of the SQS failure destination (records that exhausted retries or maximum age)."
  value       = aws_sqs_queue.failure.url
}

output "failure_queue_arn" {
  description = "ARN of the SQS failure destination."
  value       = aws_sqs_queue.failure.arn
}

output "processor_function_name" {
  description = "Name of the processor Lambda function."
  value       = module.processor.function_name
}

output "processor_function_arn" {
  description = "ARN of the processor Lambda function (list_event_source_mappings needs the ARN)."
  value       = module.processor.function_arn
}

output "processor_role_arn" {
  description = "ARN of the processor's execution role."
  value       = module.processor.role_arn
}

output "processor_log_group_name" {
  description = "CloudWatch log group of the processor."
  value       = module.processor.log_group_name
}

output "processor_policy_json" {
  description = "The processor's permissions as rendered into its role (for review and tests)."
  value       = module.processor.policy_json
}

output "failure_recorder_function_name" {
  description = "Name of the failure recorder Lambda function."
  value       = module.failure_recorder.function_name
}

output "failure_recorder_function_arn" {
  description = "ARN of the failure recorder Lambda function."
  value       = module.failure_recorder.function_arn
}

output "failure_recorder_log_group_name" {
  description = "CloudWatch log group of the failure recorder."
  value       = module.failure_recorder.log_group_name
}

output "failure_recorder_policy_json" {
  description = "The failure recorder's permissions as rendered into its role (for review and tests)."
  value       = module.failure_recorder.policy_json
}

output "failure_recorder_mapping_uuid" {
  description = "UUID of the failure queue -> failure recorder event source mapping."
  value       = aws_lambda_event_source_mapping.failure_recorder.uuid
}

output "event_source_mapping_uuid" {
  description = "UUID of the stream -> processor event source mapping."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (subscribe on-call tooling here)."
  value       = module.alarms.topic_arn
}

output "alarm_names" {
  description = "Names of the CloudWatch alarms, by purpose (iterator-age, errors, throttles, failure-queue-depth, failure-queue-oldest-message, failed-writes, records-lost)."
  value       = module.alarms.alarm_names
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "producer_policy_json" {
  description = "IAM policy granting exactly what a producer needs (PutRecord(s) on the stream, the key for KMS-encrypted writes); attach it to producer roles."
  value = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "PutRecords"
        Effect   = "Allow"
        Action   = ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"]
        Resource = aws_kinesis_stream.this.arn
      },
      {
        Sid       = "EncryptRecords"
        Effect    = "Allow"
        Action    = "kms:GenerateDataKey"
        Resource  = module.kms_key.arn
        Condition = { StringEquals = { "kms:ViaService" = "kinesis.${local.region}.${local.dns_suffix}" } }
      },
    ]
  })
}
