# Production controls, each a switch (off by default, on in prod's terraform.tfvars):
# WAF in front of both APIs and the site, access logs of every bucket and of the
# distribution, and a CloudTrail trail of the data buckets' object events. They cost
# per month and per request, which is why dev and staging may leave them off.
# Kept in one file so what production adds is read in one place.

variable "waf_enabled" {
  description = "Put a WAF web ACL (per-IP rate limit, AWS managed common and known-bad-inputs rules; modules/waf_acl) in front of both API stages and the CloudFront distribution."
  type        = bool
  default     = false
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Requests one client IP may make in any 5-minute window before WAF blocks it (per web ACL: the two APIs share one)."
  type        = number
  default     = 2000
}

variable "access_logging_enabled" {
  description = "Create a log bucket (modules/access_logs) and send it the S3 server access logs of every bucket and the CloudFront standard logs."
  type        = bool
  default     = false
}

variable "data_events_trail_enabled" {
  description = "Record the object-level events of the data buckets (uploads, thumbnails, user files, stream archive) with a CloudTrail trail into the log bucket (needs access_logging_enabled). Leave false when an organisation trail already records them."
  type        = bool
  default     = false

  validation {
    condition     = !var.data_events_trail_enabled || var.access_logging_enabled
    error_message = "data_events_trail_enabled needs access_logging_enabled: the trail writes to the log bucket."
  }
}

variable "access_log_expiration_days" {
  description = "Days after which access logs and trail files are deleted from the log bucket."
  type        = number
  default     = 365
}

# WAF for CloudFront exists only in us-east-1 (scope CLOUDFRONT), whatever the
# environment's region; everything else stays in var.aws_region.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  api_web_acl_arn       = var.waf_enabled ? module.api_waf[0].arn : null
  cloudfront_web_acl_id = var.waf_enabled ? module.cloudfront_waf[0].arn : null

  access_log_bucket     = var.access_logging_enabled ? module.access_logs[0].bucket_name : null
  cloudfront_log_bucket = var.access_logging_enabled ? module.access_logs[0].bucket_domain_name : null

  # The buckets holding users' and producers' data (not the site, which is public
  # content, nor the log bucket itself).
  data_bucket_arns = [
    for name in [
      module.web_app.uploads_bucket_name,
      module.web_app.thumbnails_bucket_name,
      module.mobile_backend.user_files_bucket_name,
      module.stream_processing.archive_bucket_name,
    ] : "arn:${data.aws_partition.current.partition}:s3:::${name}"
  ]
}

# One regional ACL for both REST API stages (same region, same rules).
module "api_waf" {
  source = "../../../modules/waf_acl"
  count  = var.waf_enabled ? 1 : 0

  name                     = "${local.name_prefix}-api"
  scope                    = "REGIONAL"
  rate_limit_per_5_minutes = var.waf_rate_limit_per_5_minutes
  log_retention_days       = var.log_retention_days
  tags                     = local.tags
}

module "cloudfront_waf" {
  source    = "../../../modules/waf_acl"
  count     = var.waf_enabled ? 1 : 0
  providers = { aws = aws.us_east_1 }

  name                     = "${local.name_prefix}-site"
  scope                    = "CLOUDFRONT"
  rate_limit_per_5_minutes = var.waf_rate_limit_per_5_minutes
  log_retention_days       = var.log_retention_days
  tags                     = local.tags
}

module "access_logs" {
  source = "../../../modules/access_logs"
  count  = var.access_logging_enabled ? 1 : 0

  name                   = local.name_prefix
  bucket_name            = "${local.name_prefix}-logs-${data.aws_caller_identity.current.account_id}-${var.aws_region}"
  log_expiration_days    = var.access_log_expiration_days
  data_event_bucket_arns = var.data_events_trail_enabled ? local.data_bucket_arns : []
  tags                   = local.tags
}
