variable "name" {
  description = "Name prefix: alarms are named `<name>-<key>` and the topic `<name>-alarms`, e.g. `refarch-dev-web`."
  type        = string

  validation {
    # 255 is CloudWatch's alarm-name limit; 200 leaves room for the alarm keys and
    # keeps the topic name under SNS's 256.
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$", var.name))
    error_message = "name must be 1-200 characters of letters, digits, hyphens and underscores."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer managed KMS key encrypting the alarm topic. Its key policy must contain output.kms_key_policy_statement, or CloudWatch cannot publish (an AWS managed key cannot be used: its policy cannot grant CloudWatch)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:...)."
  }
}

variable "alarms" {
  description = <<-EOT
    Alarms by key (the key ends the alarm name). Each fires when the statistic of the
    metric over one period is greater than threshold for evaluation_periods periods:
    description (what it means and what to do), namespace, metric_name, statistic,
    threshold, evaluation_periods (default 1), dimensions.
  EOT
  type = map(object({
    description        = string
    namespace          = string
    metric_name        = string
    statistic          = string
    threshold          = number
    evaluation_periods = optional(number, 1)
    dimensions         = map(string)
  }))

  validation {
    condition     = alltrue([for k in keys(var.alarms) : can(regex("^[a-z0-9][a-z0-9-]{0,49}$", k))])
    error_message = "Alarm keys must be 1-50 characters of lowercase letters, digits and hyphens."
  }

  validation {
    condition     = alltrue([for a in var.alarms : contains(["SampleCount", "Average", "Sum", "Minimum", "Maximum"], a.statistic)])
    error_message = "statistic must be one of SampleCount, Average, Sum, Minimum, Maximum."
  }

  validation {
    condition     = alltrue([for a in var.alarms : a.evaluation_periods >= 1 && floor(a.evaluation_periods) == a.evaluation_periods && a.threshold >= 0])
    error_message = "evaluation_periods must be a whole number >= 1 and threshold >= 0."
  }

  validation {
    condition     = alltrue([for a in var.alarms : length(a.description) <= 1024])
    error_message = "An alarm description must be at most 1024 characters."
  }
}

variable "alarm_email" {
  description = "Email address subscribed to the alarm topic (the recipient must confirm); null subscribes nobody."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be a valid email address or null."
  }
}

variable "period_seconds" {
  description = "Period of every alarm's metric statistic (60 or a multiple of 60)."
  type        = number
  default     = 60

  validation {
    condition     = var.period_seconds >= 60 && var.period_seconds % 60 == 0
    error_message = "period_seconds must be 60 or a multiple of 60."
  }
}

variable "tags" {
  description = "Tags applied to the topic and the alarms."
  type        = map(string)
  default     = {}
}

variable "deny_insecure_transport" {
  description = "Attach a topic policy that refuses requests over plain HTTP (and lets this account's CloudWatch alarms publish). Keep true on AWS; the local environment sets false (the emulator is served over http)."
  type        = bool
  default     = true
}
