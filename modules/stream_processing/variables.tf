# ---------------------------------------------------------------------------
# Naming
# ---------------------------------------------------------------------------
variable "name_prefix" {
  description = "Prefix of every resource name, e.g. `refarch-dev`. Lowercase letters, digits and hyphens, at most 20 characters: the derived archive bucket name `<prefix>-stream-archive-<account>-<region>` must fit S3's 63."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.name_prefix)) && !can(regex("--", var.name_prefix))
    error_message = "name_prefix must be 2-20 characters of lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen."
  }
}

# ---------------------------------------------------------------------------
# Kinesis stream
# ---------------------------------------------------------------------------
variable "stream_mode" {
  description = "Capacity mode of the stream: ON_DEMAND (scales itself, pay per GB) or PROVISIONED (fixed shard_count, cheaper at steady high throughput)."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.stream_mode)
    error_message = "stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "shard_count" {
  description = "Number of shards; required with stream_mode = PROVISIONED and must be null with ON_DEMAND (which manages shards itself)."
  type        = number
  default     = null

  validation {
    condition     = var.stream_mode == "PROVISIONED" ? try(var.shard_count >= 1 && var.shard_count <= 500 && floor(var.shard_count) == var.shard_count, false) : var.shard_count == null
    error_message = "shard_count must be a whole number from 1 to 500 with stream_mode = PROVISIONED, and null with ON_DEMAND."
  }
}

variable "stream_retention_hours" {
  description = "How long records stay readable in the stream, in hours (24-8760). Longer retention lets a stalled processor catch up without loss, at extra cost."
  type        = number
  default     = 24

  validation {
    condition     = var.stream_retention_hours >= 24 && var.stream_retention_hours <= 8760 && floor(var.stream_retention_hours) == var.stream_retention_hours
    error_message = "stream_retention_hours must be a whole number from 24 to 8760."
  }
}

variable "tag_kinesis_stream" {
  description = "Tag the Kinesis stream with `tags`. Emulator switch: moto 5.2 ignores the Tags that CreateStream carries, so every plan after an apply would show the tags being added; the local environment sets false (and uses no provider default_tags). Leave true on AWS."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------
# Processor function
# ---------------------------------------------------------------------------
variable "processor_artifact_path" {
  description = "Path of the processor's zip built by `make build` (dist/stream_processor.zip for Lambda, dist/host/stream_processor.zip for local runs)."
  type        = string
}

variable "processor_memory_size" {
  description = "Memory of the processor in MB (128-10240). Decompression and gzip are CPU bound: more memory means more CPU."
  type        = number
  default     = 512

  validation {
    condition     = var.processor_memory_size >= 128 && var.processor_memory_size <= 10240 && floor(var.processor_memory_size) == var.processor_memory_size
    error_message = "processor_memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "processor_timeout" {
  description = "Timeout of one batch in seconds (1-900). A full 10,000-record batch must finish well within it, or the whole batch is retried."
  type        = number
  default     = 60

  validation {
    condition     = var.processor_timeout >= 1 && var.processor_timeout <= 900 && floor(var.processor_timeout) == var.processor_timeout
    error_message = "processor_timeout must be a whole number of seconds between 1 and 900."
  }
}

variable "processor_reserved_concurrency" {
  description = "Reserved concurrency of the processor; null leaves it unreserved. Stream concurrency is shards x parallelization_factor, so reserve at least that or batches get throttled."
  type        = number
  default     = null

  validation {
    condition     = var.processor_reserved_concurrency == null || try(var.processor_reserved_concurrency >= 1 && floor(var.processor_reserved_concurrency) == var.processor_reserved_concurrency, false)
    error_message = "processor_reserved_concurrency must be null or a whole number >= 1 (0 would stop the processor)."
  }
}

variable "max_record_bytes" {
  description = "Largest decoded record (bytes) the processor accepts; bigger ones are quarantined, not retried. Passed as MAX_RECORD_BYTES; the default matches the processor's documented 256 KiB (functions/stream_processor/README.md)."
  type        = number
  default     = 262144

  validation {
    condition     = var.max_record_bytes >= 1 && var.max_record_bytes <= 10485760 && floor(var.max_record_bytes) == var.max_record_bytes
    error_message = "max_record_bytes must be a whole number from 1 to 10485760 (10 MiB, the largest Kinesis record)."
  }
}

variable "powertools_service_name" {
  description = "POWERTOOLS_SERVICE_NAME of the processor (service dimension of logs, metrics and traces)."
  type        = string
  default     = "stream-processor"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,64}$", var.powertools_service_name))
    error_message = "powertools_service_name must be 1-64 characters of letters, digits, '_', '.' and '-'."
  }
}

variable "powertools_metrics_namespace" {
  description = "POWERTOOLS_METRICS_NAMESPACE: CloudWatch namespace of the processor's custom metrics (records archived, quarantined, failed)."
  type        = string
  default     = "RefArch/StreamProcessing"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.#:/-]{1,255}$", var.powertools_metrics_namespace)) && !startswith(var.powertools_metrics_namespace, "AWS/")
    error_message = "powertools_metrics_namespace must be 1-255 characters of letters, digits and . - _ / # : and must not start with AWS/."
  }
}

# ---------------------------------------------------------------------------
# Event source mapping (stream -> processor)
# ---------------------------------------------------------------------------
variable "batch_size" {
  description = "Largest number of records per invocation (1-10000)."
  type        = number
  default     = 100

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number from 1 to 10000."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "How long Lambda gathers records before invoking with a partial batch (0-300 s): larger windows mean fewer, bigger archive objects but more latency."
  type        = number
  default     = 5

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300 && floor(var.maximum_batching_window_in_seconds) == var.maximum_batching_window_in_seconds
    error_message = "maximum_batching_window_in_seconds must be a whole number from 0 to 300."
  }
}

variable "parallelization_factor" {
  description = "Concurrent batches per shard (1-10); ordering is kept per partition key."
  type        = number
  default     = 1

  validation {
    condition     = var.parallelization_factor >= 1 && var.parallelization_factor <= 10 && floor(var.parallelization_factor) == var.parallelization_factor
    error_message = "parallelization_factor must be a whole number from 1 to 10."
  }
}

variable "starting_position" {
  description = "Where a new mapping starts reading: TRIM_HORIZON (oldest record kept, nothing missed) or LATEST (only new records)."
  type        = string
  default     = "TRIM_HORIZON"

  validation {
    condition     = contains(["TRIM_HORIZON", "LATEST"], var.starting_position)
    error_message = "starting_position must be TRIM_HORIZON or LATEST."
  }
}

variable "bisect_batch_on_function_error" {
  description = "Split a failing batch in two and retry each half, isolating a poison record instead of retrying the whole batch."
  type        = bool
  default     = true
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch before its records go to the failure queue (-1 = until they expire, 0-10000). A failed S3 write keeps retrying for archive_write_retry_seconds inside each attempt, so the default 30 rides out an S3 outage of up to ~(30 + 1) x 20 s (measured: 570 s) while a record that fails without touching S3 (a bug) reaches the failure queue within seconds instead of blocking its shard."
  type        = number
  default     = 30

  validation {
    condition     = var.maximum_retry_attempts >= -1 && var.maximum_retry_attempts <= 10000 && floor(var.maximum_retry_attempts) == var.maximum_retry_attempts
    error_message = "maximum_retry_attempts must be a whole number from -1 to 10000."
  }
}

variable "maximum_record_age_in_seconds" {
  description = "Records older than this are sent to the failure queue instead of processed (-1 = no limit, else 60-604800)."
  type        = number
  default     = 3600

  validation {
    condition     = floor(var.maximum_record_age_in_seconds) == var.maximum_record_age_in_seconds && (var.maximum_record_age_in_seconds == -1 || (var.maximum_record_age_in_seconds >= 60 && var.maximum_record_age_in_seconds <= 604800))
    error_message = "maximum_record_age_in_seconds must be -1 or a whole number from 60 to 604800."
  }
}

variable "archive_write_retry_seconds" {
  description = "How long the processor keeps retrying one failed archive or quarantine write (exponential backoff with jitter) before reporting its records for the mapping's retry (WRITE_RETRY_SECONDS). With maximum_retry_attempts it sets the S3 outage the mapping rides out: (retries + 1) x this. A batch can spend it twice (a quarantine write, then the archive write), so twice this must stay below processor_timeout."
  type        = number
  default     = 20

  validation {
    condition     = var.archive_write_retry_seconds >= 0 && var.archive_write_retry_seconds * 2 < var.processor_timeout
    error_message = "archive_write_retry_seconds must be >= 0 and less than half of processor_timeout (a batch can retry two writes)."
  }
}

variable "filter_patterns" {
  description = "Optional event filter patterns (JSON strings, at most 5), e.g. `{\"data\": {\"type\": [\"order\"]}}`. Records matching none are dropped before the function sees them; empty = every record."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.filter_patterns) <= 5 && alltrue([for p in var.filter_patterns : can(jsondecode(p)) && can(keys(jsondecode(p)))])
    error_message = "filter_patterns must be at most 5 JSON object strings."
  }
}

variable "event_source_mapping_enabled" {
  description = "Whether the mapping polls the stream; set false to pause processing (records keep accumulating up to the retention)."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------
# Failure recorder (failure queue -> failed/ of the archive bucket)
# ---------------------------------------------------------------------------
variable "failure_recorder_artifact_path" {
  description = "Path of the failure recorder's zip built by `make build` (dist/failure_recorder.zip for Lambda, dist/host/failure_recorder.zip for local runs). Same runtime and architecture as the processor."
  type        = string
}

variable "failure_recorder_memory_size" {
  description = "Memory of the failure recorder in MB (128-10240). It holds one failed range (at most one 6 MB batch) at a time."
  type        = number
  default     = 256

  validation {
    condition     = var.failure_recorder_memory_size >= 128 && var.failure_recorder_memory_size <= 10240 && floor(var.failure_recorder_memory_size) == var.failure_recorder_memory_size
    error_message = "failure_recorder_memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "failure_recorder_timeout" {
  description = "Timeout of the failure recorder in seconds (1-900). The failure queue's visibility timeout is six times this, as Lambda recommends for SQS sources."
  type        = number
  default     = 60

  validation {
    condition     = var.failure_recorder_timeout >= 1 && var.failure_recorder_timeout <= 900 && floor(var.failure_recorder_timeout) == var.failure_recorder_timeout
    error_message = "failure_recorder_timeout must be a whole number of seconds between 1 and 900."
  }
}

# ---------------------------------------------------------------------------
# Archive bucket
# ---------------------------------------------------------------------------
variable "archive_bucket_name" {
  description = "Name of the archive bucket; null derives a globally unique one: `<name_prefix>-stream-archive-<account id>-<region>`."
  type        = string
  default     = null
}

variable "archive_deny_insecure_transport" {
  description = "Attach the TLS-only deny to the archive bucket policy. Keep true on AWS. Emulator switch: the local environment sets false because moto serves plain http, where the deny refuses the processor's writes (moto 5.2 answers PutObject/GetObject with 403)."
  type        = bool
  default     = true
}

variable "archive_transition_to_standard_ia_days" {
  description = "Days after which archive objects move to STANDARD_IA (>= 30, S3's minimum); null keeps them in STANDARD."
  type        = number
  default     = 30

  validation {
    condition     = var.archive_transition_to_standard_ia_days == null || try(var.archive_transition_to_standard_ia_days >= 30, false)
    error_message = "archive_transition_to_standard_ia_days must be null or >= 30 (S3 does not transition to STANDARD_IA earlier)."
  }
}

variable "archive_transition_to_glacier_ir_days" {
  description = "Days after which archive objects move to GLACIER_IR; null skips it. Must be at least 30 days after the STANDARD_IA transition (STANDARD_IA's minimum storage duration)."
  type        = number
  default     = 90

  validation {
    condition = var.archive_transition_to_glacier_ir_days == null || try(
      # coalesce, not `ia == null || ...`: Terraform 1.11 does not short-circuit ||.
      var.archive_transition_to_glacier_ir_days >= 1 &&
      var.archive_transition_to_glacier_ir_days >= coalesce(var.archive_transition_to_standard_ia_days, -30) + 30,
    false)
    error_message = "archive_transition_to_glacier_ir_days must be null or >= 1, and at least 30 days after archive_transition_to_standard_ia_days."
  }
}

variable "archive_expiration_days" {
  description = "Days after which archive objects expire (become noncurrent); null keeps them forever. Must come after every transition."
  type        = number
  default     = null

  validation {
    condition = var.archive_expiration_days == null || try(
      var.archive_expiration_days >= 1 &&
      var.archive_expiration_days > coalesce(var.archive_transition_to_glacier_ir_days, 0) &&
      var.archive_expiration_days > coalesce(var.archive_transition_to_standard_ia_days, 0),
    false)
    error_message = "archive_expiration_days must be null or greater than every transition day."
  }
}

variable "archive_noncurrent_version_expiration_days" {
  description = "Days after which overwritten/deleted archive object versions are removed (retries overwrite with identical keys, so old versions are redundant)."
  type        = number
  default     = 30

  validation {
    condition     = var.archive_noncurrent_version_expiration_days >= 1 && floor(var.archive_noncurrent_version_expiration_days) == var.archive_noncurrent_version_expiration_days
    error_message = "archive_noncurrent_version_expiration_days must be a whole number >= 1."
  }
}

variable "archive_access_log_bucket" {
  description = "Existing bucket receiving S3 server access logs of the archive bucket; null disables them."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------
# Encryption
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Alarms and dashboard
# ---------------------------------------------------------------------------

variable "iterator_age_alarm_threshold_ms" {
  description = "Alarm when the processor's maximum IteratorAge (how far behind the newest record it reads) exceeds this many milliseconds."
  type        = number
  default     = 60000

  validation {
    condition     = var.iterator_age_alarm_threshold_ms >= 0
    error_message = "iterator_age_alarm_threshold_ms must be >= 0."
  }
}

variable "iterator_age_alarm_evaluation_periods" {
  description = "Consecutive periods the iterator age must exceed its threshold before alarming (smooths out short bursts)."
  type        = number
  default     = 3

  validation {
    condition     = var.iterator_age_alarm_evaluation_periods >= 1 && floor(var.iterator_age_alarm_evaluation_periods) == var.iterator_age_alarm_evaluation_periods
    error_message = "iterator_age_alarm_evaluation_periods must be a whole number >= 1."
  }
}

variable "errors_alarm_threshold" {
  description = "Alarm when the processor's Errors sum in one period exceeds this (0 = any error)."
  type        = number
  default     = 0

  validation {
    condition     = var.errors_alarm_threshold >= 0
    error_message = "errors_alarm_threshold must be >= 0."
  }
}

variable "throttles_alarm_threshold" {
  description = "Alarm when the processor's Throttles sum in one period exceeds this (0 = any throttle)."
  type        = number
  default     = 0

  validation {
    condition     = var.throttles_alarm_threshold >= 0
    error_message = "throttles_alarm_threshold must be >= 0."
  }
}

variable "failure_queue_oldest_message_alarm_seconds" {
  description = "Alarm when a message has waited longer than this in the failure queue: the recorder normally takes seconds, so an old message means it cannot store the range while the stream's retention runs down."
  type        = number
  default     = 900

  validation {
    condition     = var.failure_queue_oldest_message_alarm_seconds >= 60 && floor(var.failure_queue_oldest_message_alarm_seconds) == var.failure_queue_oldest_message_alarm_seconds
    error_message = "failure_queue_oldest_message_alarm_seconds must be a whole number >= 60."
  }
}

variable "failure_queue_alarm_threshold" {
  description = "Alarm when more than this many messages are visible in the failure queue (0 = any record given up on)."
  type        = number
  default     = 0

  validation {
    condition     = var.failure_queue_alarm_threshold >= 0
    error_message = "failure_queue_alarm_threshold must be >= 0."
  }
}

