variable "name" {
  description = "Name prefix of what this module creates besides the bucket (the trail is `<name>-data-events`), e.g. `refarch-prod`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,115}$", var.name))
    error_message = "name must be 1-116 letters, digits, dots, hyphens or underscores (CloudTrail's 128 minus the suffix)."
  }
}

variable "bucket_name" {
  description = "Name of the log bucket (globally unique), e.g. `refarch-prod-logs-<account>-<region>`."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "log_expiration_days" {
  description = "Days after which log files are deleted (access logs and trail files alike)."
  type        = number
  default     = 365

  validation {
    condition     = var.log_expiration_days >= 1 && floor(var.log_expiration_days) == var.log_expiration_days
    error_message = "log_expiration_days must be a whole number of days, at least 1."
  }
}

variable "data_event_bucket_arns" {
  description = "Buckets whose object-level events (GetObject, PutObject, DeleteObject, ...) a trail records into the log bucket. Empty: no trail (e.g. when an organisation trail already selects these buckets' data events)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.data_event_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]+$", arn))])
    error_message = "data_event_bucket_arns must be bucket ARNs (arn:aws:s3:::name), without a key or wildcard."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period (7-30 days) before the trail's KMS key is deleted after destroy."
  type        = number
  default     = 30
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket with its logs. Only for throwaway environments."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags of the bucket and the trail."
  type        = map(string)
  default     = {}
}
