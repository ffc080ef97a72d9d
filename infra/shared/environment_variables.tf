# The inputs every environment root takes, the local one and the cloud ones alike:
# one file, linked into infra/shared/cloud_environment (and so dev, staging, prod)
# and infra/environments/local. Each is checked where it is used (modules/settings,
# modules/stream_processing); the tfvars of each environment set them.

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

# --- every composite (modules/settings) ------------------------------------
variable "log_level" {
  description = "Log level of every function (settings.log_level of each composite, validated by modules/settings)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of every log group of the composites (settings.log_retention_days, validated by modules/settings)."
  type        = number
}
