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

output "failed_prefix" {
  description = "Key prefix of failed ranges in the archive bucket (python -m clients.archive redrive)."
  value       = module.stream_processing.failed_prefix
}

output "failure_recorder_function_arn" {
  description = "ARN of the failure recorder (failure queue -> failed/)."
  value       = module.stream_processing.failure_recorder_function_arn
}

output "failure_recorder_mapping_uuid" {
  description = "UUID of the failure queue -> failure recorder event source mapping."
  value       = module.stream_processing.failure_recorder_mapping_uuid
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
  description = "Base URL of the API (the stage's invoke URL, or api.url_override with {api_id}/{stage} filled in); the same value as apiUrl in config.json."
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

# ---- mobile-backend ----

output "mobile_user_pool_id" {
  description = "Id of the Cognito user pool."
  value       = module.mobile_backend.user_pool_id
}

output "mobile_user_pool_client_id" {
  description = "Id of the app's public client (no secret; SRP and refresh only)."
  value       = module.mobile_backend.user_pool_client_id
}

output "identity_pool_id" {
  description = "Id of the Cognito identity pool (GetId / GetCredentialsForIdentity with the user pool's ID token)."
  value       = module.mobile_backend.identity_pool_id
}

output "authenticated_role_policy_json" {
  description = "The authenticated role's permissions as rendered into its inline policy, for review and tests (policy evaluation of own, other and root prefixes)."
  value       = module.mobile_backend.authenticated_role_policy_json
}

output "user_files_bucket_name" {
  description = "Private bucket of the users' files, each under private/<identity id>/."
  value       = module.mobile_backend.user_files_bucket_name
}

output "mobile_api_url" {
  description = "Base URL of the API (the stage's invoke URL, or api.url_override with {api_id}/{stage} filled in)."
  value       = module.mobile_backend.api_url
}

output "mobile_api_id" {
  description = "Id of the REST API."
  value       = module.mobile_backend.api_id
}

output "notes_table_name" {
  description = "DynamoDB table of the users' notes (owner_sub, note_id)."
  value       = module.mobile_backend.notes_table_name
}

output "shares_table_name" {
  description = "DynamoDB table of notes shared with a user (recipient_sub, note_key = owner_sub#note_id)."
  value       = module.mobile_backend.shares_table_name
}

output "devices_table_name" {
  description = "DynamoDB table of push devices (owner_sub, device_id)."
  value       = module.mobile_backend.devices_table_name
}

output "dax_cluster_endpoint" {
  description = "TLS endpoint of the DAX cluster for the amazon-dax-client (daxs://<cluster address>, the function's DAX_ENDPOINT); null when create_dax = false."
  value       = module.mobile_backend.dax_cluster_endpoint
}

output "push_queue_url" {
  description = "URL of the SQS queue of pushes waiting for push_notifier."
  value       = module.mobile_backend.push_queue_url
}

output "push_dlq_url" {
  description = "URL of the dead-letter queue of pushes push_notifier gave up on."
  value       = module.mobile_backend.push_dlq_url
}

output "broadcast_topic_arn" {
  description = "ARN of the KMS-encrypted SNS topic for broadcasts."
  value       = module.mobile_backend.broadcast_topic_arn
}

output "platform_application_arns" {
  description = "SNS platform application ARNs by push service ({fcm = ..., apns = ...}, only the configured ones); the same map as the function's PLATFORM_APPLICATIONS."
  value       = module.mobile_backend.platform_application_arns
}

output "mobile_api_function_name" {
  description = "Name of the mobile_api function."
  value       = module.mobile_backend.mobile_api_function_name
}

output "push_notifier_function_name" {
  description = "Name of the push_notifier function."
  value       = module.mobile_backend.push_notifier_function_name
}

output "mobile_vpc_id" {
  description = "Id of the module's VPC."
  value       = module.mobile_backend.vpc_id
}

output "mobile_alarm_topic_arn" {
  description = "SNS topic of the mobile-backend alarms."
  value       = module.mobile_backend.alarm_topic_arn
}

output "mobile_client_config" {
  description = "JSON configuration of clients/mobile: {api_url, region, user_pool_id, user_pool_client_id, identity_pool_id, user_files_bucket}."
  value       = module.mobile_backend.mobile_client_config
}
