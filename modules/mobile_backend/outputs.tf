output "user_pool_id" {
  description = "Id of the Cognito user pool."
  value       = module.user_pool.id
}

output "user_pool_client_id" {
  description = "Id of the app's public client (no secret; SRP and refresh only)."
  value       = aws_cognito_user_pool_client.mobile.id
}

output "identity_pool_id" {
  description = "Id of the Cognito identity pool (GetId / GetCredentialsForIdentity with the user pool's ID token)."
  value       = aws_cognito_identity_pool.this.id
}

output "authenticated_role_arn" {
  description = "ARN of the identity pool's authenticated role (own private/<identity id>/ folder of the user-files bucket only)."
  value       = aws_iam_role.authenticated.arn
}

output "authenticated_role_policy_json" {
  description = "The authenticated role's permissions as rendered into its inline policy, for review and tests (policy evaluation of own, other and root prefixes)."
  value       = local.authenticated_role_policy_json
}

output "user_files_bucket_name" {
  description = "Private bucket of the users' files, each under private/<identity id>/."
  value       = module.user_files_bucket.name
}

output "api_id" {
  description = "Id of the REST API."
  value       = module.api.id
}

output "api_stage_name" {
  description = "Name of the API stage."
  value       = module.api.stage_name
}

output "api_url" {
  description = "Base URL of the API (the stage's invoke URL, or api.url_override with {api_id}/{stage} filled in)."
  value       = module.api.url
}

output "notes_table_name" {
  description = "DynamoDB table of the users' notes (owner_sub, note_id)."
  value       = aws_dynamodb_table.this["notes"].name
}

output "shares_table_name" {
  description = "DynamoDB table of notes shared with a user (recipient_sub, note_key = owner_sub#note_id)."
  value       = aws_dynamodb_table.this["shares"].name
}

output "devices_table_name" {
  description = "DynamoDB table of push devices (owner_sub, device_id)."
  value       = aws_dynamodb_table.this["devices"].name
}

output "dax_cluster_endpoint" {
  description = "TLS endpoint of the DAX cluster for the amazon-dax-client (daxs://<cluster address>, the function's DAX_ENDPOINT); null when create_dax = false."
  value       = local.dax_endpoint
}

output "push_queue_url" {
  description = "URL of the SQS queue of pushes waiting for push_notifier."
  value       = aws_sqs_queue.push.url
}

output "push_dlq_url" {
  description = "URL of the dead-letter queue of pushes push_notifier gave up on."
  value       = aws_sqs_queue.push_dlq.url
}

output "broadcast_topic_arn" {
  description = "ARN of the KMS-encrypted SNS topic for broadcasts."
  value       = aws_sns_topic.broadcast.arn
}

output "platform_application_arns" {
  description = "SNS platform application ARNs by push service ({fcm = ..., apns = ...}, only the configured ones); the same map as the function's PLATFORM_APPLICATIONS."
  value       = local.platform_application_arns
}

output "mobile_api_function_name" {
  description = "Name of the mobile_api function."
  value       = module.mobile_api.function_name
}

output "push_notifier_function_name" {
  description = "Name of the push_notifier function."
  value       = module.push_notifier.function_name
}

output "vpc_id" {
  description = "Id of the module's VPC."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "Ids of the two private subnets (one per AZ) the functions and DAX run in."
  value       = values(aws_subnet.private)[*].id
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm of the mobile backend notifies."
  value       = module.alarms.topic_arn
}

output "mobile_client_config" {
  description = "JSON configuration of clients/mobile: {api_url, region, user_pool_id, user_pool_client_id, identity_pool_id, user_files_bucket}."
  value       = local.mobile_client_config
}
