output "id" {
  description = "Name of the bucket (the provider's id for it)."
  value       = aws_s3_bucket.this.id
}

output "name" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "ARN of the bucket; append `/*` for its objects."
  value       = aws_s3_bucket.this.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket, e.g. for a CloudFront S3 origin."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "policy_json" {
  description = "The bucket policy as applied (TLS-only deny plus the caller's statements); null when it has no statement."
  value       = local.policy_json
}
