# The settings every composite shares, as ONE typed object validated here once (in
# the spirit of Cloud Posse's `context`). This file is the composites' own
# `settings.tf` (a symbolic link to it in modules/web_app, modules/mobile_backend and
# modules/stream_processing), so the type, the defaults and the checks exist once.

variable "settings" {
  description = <<-EOT
    What every composite and each of its functions share; every attribute is optional:
    - `lambda_runtime` (python3.x, default python3.12), `lambda_architecture` (arm64 or x86_64, the build's: default arm64), `lambda_layers` (layer version ARNs, default none)
    - `log_level` (DEBUG, INFO, WARNING, ERROR or CRITICAL: POWERTOOLS_LOG_LEVEL, default INFO), `log_retention_days` (a CloudWatch Logs retention period; the functions' and the API's log groups, default 30), `tracing_mode` (X-Ray of the functions, Active or PassThrough; API stages always trace)
    - `alarm_email` (subscribed to the alarm topic, the owner confirms; null: nobody), `alarm_period_seconds` (every alarm's statistic period: 60 or a multiple of 60, checked by modules/alarms)
    - `kms_deletion_window_in_days` (7-30, default 30)
    - `encrypt_environment_variables` (the functions' environments with the module key; keep true on AWS, the local environment sets false: moto 5.2 drops a function's KMSKeyArn, a change on every plan)
    - `deny_insecure_transport` (the TLS-only deny on buckets, queues and topics; keep true on AWS, the local environment sets false: moto serves plain http)
    - `deletion_protection` (tables and user pools; keep true outside throwaway environments), `force_destroy_buckets` (let destroy delete buckets with their objects: throwaway environments only)
    - `tags` (on every taggable resource; each composite adds its Architecture tag)
  EOT
  type = object({
    lambda_runtime                = optional(string, "python3.12")
    lambda_architecture           = optional(string, "arm64")
    lambda_layers                 = optional(list(string), [])
    log_level                     = optional(string, "INFO")
    log_retention_days            = optional(number, 30)
    tracing_mode                  = optional(string, "Active")
    alarm_email                   = optional(string)
    alarm_period_seconds          = optional(number, 60)
    kms_deletion_window_in_days   = optional(number, 30)
    encrypt_environment_variables = optional(bool, true)
    deny_insecure_transport       = optional(bool, true)
    deletion_protection           = optional(bool, true)
    force_destroy_buckets         = optional(bool, false)
    tags                          = optional(map(string), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = can(regex("^python3\\.[0-9]+$", var.settings.lambda_runtime))
    error_message = "settings.lambda_runtime must be a Python 3 runtime such as python3.12."
  }

  validation {
    condition     = contains(["arm64", "x86_64"], var.settings.lambda_architecture)
    error_message = "settings.lambda_architecture must be arm64 or x86_64."
  }

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], var.settings.log_level)
    error_message = "settings.log_level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL."
  }

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.settings.log_retention_days)
    error_message = "settings.log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }

  validation {
    condition     = contains(["Active", "PassThrough"], var.settings.tracing_mode)
    error_message = "settings.tracing_mode must be Active or PassThrough."
  }

  validation {
    condition     = var.settings.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", coalesce(var.settings.alarm_email, "-")))
    error_message = "settings.alarm_email must be an email address, or null."
  }

  validation {
    condition     = var.settings.kms_deletion_window_in_days >= 7 && var.settings.kms_deletion_window_in_days <= 30 && floor(var.settings.kms_deletion_window_in_days) == var.settings.kms_deletion_window_in_days
    error_message = "settings.kms_deletion_window_in_days must be a whole number from 7 to 30."
  }
}
