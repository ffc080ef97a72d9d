output "bucket_name" {
  description = "Name of the log bucket: access_log_bucket of the architectures (S3 server access logs)."
  value       = module.bucket.name
}

output "bucket_domain_name" {
  description = "Domain name of the log bucket as CloudFront standard logging wants it: web_app's cloudfront_log_bucket."
  value       = "${module.bucket.name}.s3.${data.aws_partition.current.dns_suffix}"
}

output "policy_json" {
  description = "The log bucket's policy, for review and tests."
  value       = module.bucket.policy_json
}

output "trail_arn" {
  description = "ARN of the data-events trail; null without data_event_bucket_arns."
  value       = one(aws_cloudtrail.data_events[*].arn)
}
