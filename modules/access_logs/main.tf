# Where access to an environment's data is recorded: one private log bucket (the
# project's secure_bucket) receiving S3 server access logs, CloudFront standard logs
# and, when data_event_bucket_arns is given, a CloudTrail trail of the S3 data events
# (who read, wrote or deleted which object) of those buckets.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  bucket_arn = "arn:${local.partition}:s3:::${var.bucket_name}"

  trail_enabled = length(var.data_event_bucket_arns) > 0
  trail_name    = "${var.name}-data-events"
  trail_arn     = "arn:${local.partition}:cloudtrail:${data.aws_region.current.name}:${local.account_id}:trail/${local.trail_name}"
  trail_prefix  = "cloudtrail"

  s3_access_log_statements = [
    {
      # S3 server access logging (the recommended bucket-policy grant, not an ACL),
      # only for buckets of this account.
      sid        = "S3ServerAccessLogs"
      principals = [{ type = "Service", identifiers = ["logging.s3.amazonaws.com"] }]
      actions    = ["s3:PutObject"]
      resources  = ["${local.bucket_arn}/*"]
      conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = [local.account_id] }]
    },
  ]

  trail_statements = local.trail_enabled ? [
    {
      sid        = "CloudTrailAclCheck"
      principals = [{ type = "Service", identifiers = ["cloudtrail.amazonaws.com"] }]
      actions    = ["s3:GetBucketAcl"]
      resources  = [local.bucket_arn]
      conditions = [{ test = "StringEquals", variable = "aws:SourceArn", values = [local.trail_arn] }]
    },
    {
      sid        = "CloudTrailWrite"
      principals = [{ type = "Service", identifiers = ["cloudtrail.amazonaws.com"] }]
      actions    = ["s3:PutObject"]
      resources  = ["${local.bucket_arn}/${local.trail_prefix}/AWSLogs/${local.account_id}/*"]
      conditions = [
        { test = "StringEquals", variable = "aws:SourceArn", values = [local.trail_arn] },
        { test = "StringEquals", variable = "s3:x-amz-acl", values = ["bucket-owner-full-control"] },
      ]
    },
  ] : []
}

module "bucket" {
  source = "../secure_bucket"

  bucket_name   = var.bucket_name
  force_destroy = var.force_destroy
  # SSE-S3: S3 server access logging cannot write to an SSE-KMS bucket.
  kms_key_arn = null
  # CloudFront standard logging grants its log delivery an ACL; public ACLs stay blocked.
  object_ownership = "BucketOwnerPreferred"

  attach_deny_insecure_transport_policy = true
  policy_statements                     = concat(local.s3_access_log_statements, local.trail_statements)

  lifecycle_rules = [
    {
      id                                 = "expire-logs"
      expiration_days                    = var.log_expiration_days
      noncurrent_version_expiration_days = 7
    },
  ]

  tags = var.tags
}

# The trail's files are SSE-KMS with a key of their own; readers need kms:Decrypt
# on it through IAM (the key's root statement lets IAM policies decide).
module "trail_key" {
  source = "../kms_key"
  count  = local.trail_enabled ? 1 : 0

  name                    = local.trail_name
  description             = "Encrypts the files of the ${local.trail_name} CloudTrail trail"
  deletion_window_in_days = var.kms_deletion_window_in_days
  service_principal_statements = [
    {
      # Only this trail, and only for this account's trails' encryption context.
      Sid       = "CloudTrailEncryptLogs"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = ["kms:GenerateDataKey*"]
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceArn" = local.trail_arn }
        StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*" }
      }
    },
    {
      # DescribeKey carries no encryption context, hence its own statement.
      Sid       = "CloudTrailDescribeKey"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = ["kms:DescribeKey"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
    },
  ]
  tags = var.tags
}

resource "aws_cloudtrail" "data_events" {
  #checkov:skip=CKV_AWS_67:This trail records S3 data events of this region's buckets only; account-wide management events in every region belong to the organisation (or account) trail, not to each environment.
  #checkov:skip=CKV_AWS_252:No consumer reads per-file notifications; the files are queried where they are (Athena, CloudTrail Lake).
  #checkov:skip=CKV2_AWS_10:Data events can be many per second; the log bucket is the store, and CloudWatch Logs ingestion would cost more than the buckets they watch.
  count = local.trail_enabled ? 1 : 0

  name                          = local.trail_name
  s3_bucket_name                = module.bucket.name
  s3_key_prefix                 = local.trail_prefix
  include_global_service_events = false
  is_multi_region_trail         = false
  enable_log_file_validation    = true
  kms_key_id                    = module.trail_key[0].arn

  # Only object-level events of the given buckets: no management events (the
  # organisation/account trail has them) and nothing of other buckets.
  advanced_event_selector {
    name = "S3 object events of the data buckets"

    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
    field_selector {
      field       = "resources.ARN"
      starts_with = [for arn in var.data_event_bucket_arns : "${arn}/"]
    }
  }

  tags = var.tags

  # CloudTrail checks the bucket policy when the trail is created.
  depends_on = [module.bucket]
}
