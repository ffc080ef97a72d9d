output "site_bucket_name" {
  description = "Name of the private site bucket (index.html, assets, generated config.json)."
  value       = module.site_bucket.name
}

output "site_url" {
  description = "URL of the site: site_origin_override when set, else https://<first alias> or https://<distribution>.cloudfront.net."
  value       = local.site_url
}

output "cloudfront_distribution_id" {
  description = "Id of the CloudFront distribution (for invalidations); null when create_cloudfront_distribution = false."
  value       = one(aws_cloudfront_distribution.site[*].id)
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
  description = "Base URL of the API (the stage's invoke URL, or api.url_override with {api_id}/{stage} filled in); the same value as apiUrl in config.json."
  value       = module.api.url
}

output "user_pool_id" {
  description = "Id of the Cognito user pool."
  value       = module.user_pool.id
}

output "user_pool_client_id" {
  description = "Id of the site's public app client (no secret; SRP and refresh only)."
  value       = aws_cognito_user_pool_client.web.id
}

output "user_pool_arn" {
  description = "ARN of the Cognito user pool."
  value       = module.user_pool.arn
}

output "items_table_name" {
  description = "DynamoDB table of the users' items (owner_sub, item_id)."
  value       = aws_dynamodb_table.this["items"].name
}

output "subscribers_table_name" {
  description = "DynamoDB table of subscribers (owner_sub); its stream feeds welcome_email."
  value       = aws_dynamodb_table.this["subscribers"].name
}

output "idempotency_table_name" {
  description = "DynamoDB table of welcome_email's idempotency records (id, TTL expiration)."
  value       = aws_dynamodb_table.this["idempotency"].name
}

output "uploads_bucket_name" {
  description = "Bucket receiving browser uploads under uploads/ (and quarantined files under quarantine/)."
  value       = module.uploads_bucket.name
}

output "thumbnails_bucket_name" {
  description = "Bucket holding thumbnails under thumbnails/."
  value       = module.thumbnails_bucket.name
}

output "web_api_function_name" {
  description = "Name of the web_api function."
  value       = module.web_api.function_name
}

output "welcome_email_function_name" {
  description = "Name of the welcome_email function."
  value       = module.welcome_email.function_name
}

output "thumbnailer_function_name" {
  description = "Name of the thumbnailer function."
  value       = module.thumbnailer.function_name
}

output "welcome_failure_queue_url" {
  description = "URL of the SQS queue receiving subscriber records welcome_email gave up on."
  value       = aws_sqs_queue.failure["welcome-email"].url
}

output "thumbnail_failure_queue_url" {
  description = "URL of the SQS queue receiving S3 events the thumbnailer gave up on."
  value       = aws_sqs_queue.failure["thumbnailer"].url
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm of the web app notifies."
  value       = module.alarms.topic_arn
}

output "sender_email" {
  description = "Address welcome emails are sent from (its SES identity must be verified)."
  value       = aws_ses_email_identity.sender.email
}

output "api_gateway_cloudwatch_role_arn" {
  description = "ARN of the account's API Gateway CloudWatch role this module registers (configure_api_gateway_account); null otherwise. Pass it to other composites' api_gateway_cloudwatch_role_arn so their stages are created after it."
  value       = one(module.api_gateway_account[*].role_arn)
}
