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

output "public_access_block" {
  description = "The bucket's public access block settings as applied (all four always true), for the callers' tests."
  value = {
    block_public_acls       = aws_s3_bucket_public_access_block.this.block_public_acls
    block_public_policy     = aws_s3_bucket_public_access_block.this.block_public_policy
    ignore_public_acls      = aws_s3_bucket_public_access_block.this.ignore_public_acls
    restrict_public_buckets = aws_s3_bucket_public_access_block.this.restrict_public_buckets
  }
}

output "object_ownership" {
  description = "Object ownership of the bucket (BucketOwnerEnforced, ACLs disabled, unless object_ownership says otherwise), for the callers' tests."
  value       = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership
}

output "access_log_bucket" {
  description = "Bucket receiving this bucket's server access logs; null when none."
  value       = one(aws_s3_bucket_logging.this[*].target_bucket)
}
