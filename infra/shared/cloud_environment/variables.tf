variable "environment" {
  description = "Environment name, used in resource names and tags."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits, starting with a letter."
  }
}

variable "aws_region" {
  description = "AWS region to deploy to."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region code such as eu-west-1."
  }
}

variable "allowed_account_ids" {
  description = "AWS account IDs this environment may be applied to; the provider refuses any other. Empty = no check (not recommended outside sandboxes)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.allowed_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "allowed_account_ids must be 12-digit AWS account IDs."
  }
}

variable "artifacts_dir" {
  description = "Directory holding the Lambda zips built by `make build` (dist/<name>.zip). null = <repo>/dist."
  type        = string
  default     = null
}

variable "lambda_architecture" {
  description = "Architecture of the functions (arm64 | x86_64); must match the platform `make build` targeted (LAMBDA_ARCH)."
  type        = string
  default     = "arm64"
}

variable "alarm_email" {
  description = "Email address subscribed to the alarm topics (must confirm); null = none."
  type        = string
  default     = null
}

# --- stream processing -------------------------------------------------------
variable "stream_mode" {
  description = "Kinesis capacity mode: ON_DEMAND or PROVISIONED."
  type        = string
}

variable "shard_count" {
  description = "Shards with PROVISIONED; null with ON_DEMAND."
  type        = number
  default     = null
}

variable "stream_retention_hours" {
  description = "Kinesis retention in hours."
  type        = number
}

variable "processor_memory_size" {
  description = "Processor memory in MB."
  type        = number
}

variable "processor_timeout" {
  description = "Processor timeout in seconds."
  type        = number
}

variable "processor_reserved_concurrency" {
  description = "Processor reserved concurrency; null = unreserved."
  type        = number
  default     = null
}

variable "batch_size" {
  description = "Records per processor invocation."
  type        = number
}

variable "maximum_batching_window_in_seconds" {
  description = "Batching window in seconds."
  type        = number
}

variable "parallelization_factor" {
  description = "Concurrent batches per shard."
  type        = number
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch before the failure queue."
  type        = number
}

variable "maximum_record_age_in_seconds" {
  description = "Maximum record age before the failure queue (-1 = none)."
  type        = number
}

variable "log_level" {
  description = "Processor log level."
  type        = string
}

variable "log_retention_days" {
  description = "Processor log retention in days."
  type        = number
}

variable "archive_expiration_days" {
  description = "Days after which archived objects expire; null = keep forever."
  type        = number
  default     = null
}

variable "iterator_age_alarm_threshold_ms" {
  description = "Iterator age (ms) above which the processor is considered behind."
  type        = number
}

variable "sender_email" {
  description = "Address the web-app's welcome emails come from; its SES identity must be confirmed by its owner after the first apply."
  type        = string
}

variable "site_certificate_arn" {
  description = "ACM certificate (us-east-1) for a custom site domain; null serves the site on its CloudFront domain."
  type        = string
  default     = null
}

variable "site_aliases" {
  description = "Custom domain names of the site (need site_certificate_arn)."
  type        = list(string)
  default     = []
}

variable "site_route53_zone_id" {
  description = "Route 53 zone in which to create alias records for site_aliases; null creates none."
  type        = string
  default     = null
}

variable "fcm_server_key" {
  description = "Firebase Cloud Messaging server key for the mobile backend's push (pass as TF_VAR_fcm_server_key; null: no FCM platform application)."
  type        = string
  default     = null
  sensitive   = true
}

variable "apns_certificate" {
  description = "APNs certificate (PEM) for the mobile backend's push (pass as TF_VAR_apns_certificate; null: no APNs platform application)."
  type        = string
  default     = null
  sensitive   = true
}

variable "apns_private_key" {
  description = "Private key (PEM) of apns_certificate."
  type        = string
  default     = null
  sensitive   = true
}
