output "aws_region" {
  description = "Region the environment is deployed in (clients and tests need it)."
  value       = var.aws_region
}

output "stream_name" {
  description = "Kinesis stream producers write to."
  value       = module.stream_processing.stream_name
}

output "stream_arn" {
  description = "ARN of the Kinesis stream."
  value       = module.stream_processing.stream_arn
}

output "stream_kms_key_arn" {
  description = "KMS key of the stream-processing resources."
  value       = module.stream_processing.kms_key_arn
}

output "archive_bucket_name" {
  description = "Bucket holding archived batches and quarantined records."
  value       = module.stream_processing.archive_bucket_name
}

output "archive_prefix" {
  description = "Key prefix of archived batches."
  value       = module.stream_processing.archive_prefix
}

output "quarantine_prefix" {
  description = "Key prefix of quarantined records."
  value       = module.stream_processing.quarantine_prefix
}

output "failure_queue_url" {
  description = "SQS failure destination of the stream processor."
  value       = module.stream_processing.failure_queue_url
}

output "failure_queue_arn" {
  description = "ARN of the SQS failure destination."
  value       = module.stream_processing.failure_queue_arn
}

output "processor_function_name" {
  description = "Stream processor Lambda function."
  value       = module.stream_processing.processor_function_name
}

output "processor_function_arn" {
  description = "ARN of the stream processor (list_event_source_mappings needs the ARN)."
  value       = module.stream_processing.processor_function_arn
}

output "event_source_mapping_uuid" {
  description = "UUID of the stream -> processor event source mapping."
  value       = module.stream_processing.event_source_mapping_uuid
}

output "alarm_topic_arn" {
  description = "SNS topic of the stream-processing alarms."
  value       = module.stream_processing.alarm_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the stream processing."
  value       = module.stream_processing.dashboard_name
}

output "producer_policy_json" {
  description = "IAM policy to attach to producer roles."
  value       = module.stream_processing.producer_policy_json
}
