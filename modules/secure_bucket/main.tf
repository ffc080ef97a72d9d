# The project's one private S3 bucket: no public access, no ACLs, encrypted by
# default, versioned, TLS only. Architectures add their own grants (e.g. a
# CloudFront OAC read) through policy_statements instead of loosening anything here.

locals {
  bucket_arn = "arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}"

  caller_statements = [
    for s in var.policy_statements : merge(
      {
        Sid       = s.sid
        Effect    = s.effect
        Principal = { for p in s.principals : p.type => p.identifiers }
        Action    = s.actions
        Resource  = s.resources
      },
      length(s.conditions) == 0 ? {} : {
        Condition = {
          for test in distinct([for c in s.conditions : c.test]) :
          test => { for c in s.conditions : c.variable => c.values if c.test == test }
        }
      },
    )
  ]

  tls_only_statements = var.attach_deny_insecure_transport_policy ? [
    {
      # Refuse any request over plain HTTP, whoever makes it.
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "s3:*"
      Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    },
  ] : []

  policy_statements = concat(local.tls_only_statements, local.caller_statements)

  # Rendered with jsonencode (not aws_iam_policy_document) so `terraform test` with a
  # mock provider sees the real JSON. null when there is nothing to say: S3 rejects
  # a policy without statements.
  policy_json = length(local.policy_statements) == 0 ? null : jsonencode({
    Version   = "2012-10-17"
    Statement = local.policy_statements
  })
}

data "aws_partition" "current" {}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is a per-deployment disaster-recovery decision (second region, replica key, cost); callers that need it add aws_s3_bucket_replication_configuration to this bucket.
  #checkov:skip=CKV2_AWS_62:Event notifications are wired by the architectures that need them (e.g. web-app thumbnails), not by the generic bucket.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# BucketOwnerEnforced disables ACLs altogether: access is decided by policies only.
# BucketOwnerPreferred is the one exception (object_ownership), for a log bucket that
# CloudFront standard logging writes to: CloudFront grants itself with an ACL.
resource "aws_s3_bucket_ownership_controls" "this" {
  #checkov:skip=CKV2_AWS_65:ACLs are disabled (BucketOwnerEnforced) unless object_ownership says otherwise, which only modules/access_logs does, for CloudFront standard logging; tests assert the default and refuse ObjectWriter.
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = var.object_ownership
  }
}

# SSE-KMS whenever kms_key_arn is given; SSE-S3 is the deliberate fallback for buckets
# read by principals without KMS access (CloudFront OAC) and for log buckets (S3
# server access logging can only write to SSE-S3 buckets).
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    # One data key per bucket instead of one KMS call per object: cheaper, faster,
    # and keeps busy writers under the KMS request quota.
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = var.versioning_enabled ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_policy" "this" {
  count = local.policy_json == null ? 0 : 1

  bucket = aws_s3_bucket.this.id
  policy = local.policy_json

  # The public access block must be in place before any policy is evaluated.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  #checkov:skip=CKV_AWS_300:False positive: every rule sets abort_incomplete_multipart_upload (a static block inside the dynamic rule, default 7 days, validated >= 1), which checkov cannot resolve through dynamic blocks; tests/secure_bucket.tftest.hcl asserts it.
  count = length(var.lifecycle_rules) == 0 ? 0 : 1

  bucket = aws_s3_bucket.this.id

  dynamic "rule" {
    for_each = var.lifecycle_rules
    content {
      id     = rule.value.id
      status = rule.value.enabled ? "Enabled" : "Disabled"

      filter {
        prefix = rule.value.prefix
      }

      dynamic "transition" {
        for_each = rule.value.transitions
        content {
          days          = transition.value.days
          storage_class = transition.value.storage_class
        }
      }

      dynamic "expiration" {
        for_each = rule.value.expiration_days == null ? [] : [rule.value.expiration_days]
        content {
          days = expiration.value
        }
      }

      dynamic "noncurrent_version_transition" {
        for_each = rule.value.noncurrent_version_transitions
        content {
          noncurrent_days = noncurrent_version_transition.value.days
          storage_class   = noncurrent_version_transition.value.storage_class
        }
      }

      dynamic "noncurrent_version_expiration" {
        for_each = rule.value.noncurrent_version_expiration_days == null ? [] : [rule.value.noncurrent_version_expiration_days]
        content {
          noncurrent_days = noncurrent_version_expiration.value
        }
      }

      # Always set: parts of abandoned uploads are invisible yet billed forever.
      abort_incomplete_multipart_upload {
        days_after_initiation = rule.value.abort_incomplete_multipart_upload_days
      }
    }
  }

  # Lifecycle rules on versions only make sense once versioning is configured.
  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_logging" "this" {
  count = var.access_log_bucket == null ? 0 : 1

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_log_bucket
  target_prefix = coalesce(var.access_log_prefix, "${var.bucket_name}/")
}
