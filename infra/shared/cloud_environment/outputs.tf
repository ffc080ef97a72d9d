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

# ---- web-app ----

output "site_url" {
  description = "URL of the site: site_origin_override when set, else https://<first alias> or https://<distribution>.cloudfront.net."
  value       = module.web_app.site_url
}

output "site_bucket_name" {
  description = "Name of the private site bucket (index.html, assets, generated config.json)."
  value       = module.web_app.site_bucket_name
}

output "cloudfront_distribution_id" {
  description = "Id of the CloudFront distribution (for invalidations); null when create_cloudfront_distribution = false."
  value       = module.web_app.cloudfront_distribution_id
}

output "api_id" {
  description = "Id of the REST API."
  value       = module.web_app.api_id
}

output "api_stage_name" {
  description = "Name of the API stage."
  value       = module.web_app.api_stage_name
}

output "api_url" {
  description = "Base URL of the API (the stage's invoke URL, or api_url_override with {api_id}/{stage} filled in); the same value as apiUrl in config.json."
  value       = module.web_app.api_url
}

output "user_pool_id" {
  description = "Id of the Cognito user pool."
  value       = module.web_app.user_pool_id
}

output "user_pool_client_id" {
  description = "Id of the site's public app client (no secret; SRP and refresh only)."
  value       = module.web_app.user_pool_client_id
}

output "items_table_name" {
  description = "DynamoDB table of the users' items (owner_sub, item_id)."
  value       = module.web_app.items_table_name
}

output "subscribers_table_name" {
  description = "DynamoDB table of subscribers (owner_sub); its stream feeds welcome_email."
  value       = module.web_app.subscribers_table_name
}

output "idempotency_table_name" {
  description = "DynamoDB table of welcome_email's idempotency records (id, TTL expiration)."
  value       = module.web_app.idempotency_table_name
}

output "uploads_bucket_name" {
  description = "Bucket receiving browser uploads under uploads/ (and quarantined files under quarantine/)."
  value       = module.web_app.uploads_bucket_name
}

output "thumbnails_bucket_name" {
  description = "Bucket holding thumbnails under thumbnails/."
  value       = module.web_app.thumbnails_bucket_name
}

output "web_api_function_name" {
  description = "Name of the web_api function."
  value       = module.web_app.web_api_function_name
}

output "welcome_email_function_name" {
  description = "Name of the welcome_email function."
  value       = module.web_app.welcome_email_function_name
}

output "thumbnailer_function_name" {
  description = "Name of the thumbnailer function."
  value       = module.web_app.thumbnailer_function_name
}

output "welcome_failure_queue_url" {
  description = "URL of the SQS queue receiving subscriber records welcome_email gave up on."
  value       = module.web_app.welcome_failure_queue_url
}

output "thumbnail_failure_queue_url" {
  description = "URL of the SQS queue receiving S3 events the thumbnailer gave up on."
  value       = module.web_app.thumbnail_failure_queue_url
}

output "web_alarm_topic_arn" {
  description = "SNS topic of the web-app alarms."
  value       = module.web_app.alarm_topic_arn
}

output "sender_email" {
  description = "Address welcome emails are sent from (its SES identity must be verified)."
  value       = module.web_app.sender_email
}
