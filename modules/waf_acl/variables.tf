variable "name" {
  description = "Name of the web ACL (and of its log group, aws-waf-logs-<name>), e.g. `refarch-prod-api`."
  type        = string

  validation {
    # WAF names: 1-128 of letters, digits, hyphens and underscores; the log group
    # prefix leaves 114.
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,113}$", var.name))
    error_message = "name must be 1-114 letters, digits, hyphens or underscores."
  }
}

variable "description" {
  description = "Description of the web ACL."
  type        = string
  default     = "Rate limit per IP, AWS managed common and known-bad-inputs rules"
}

variable "scope" {
  description = "REGIONAL for API Gateway stages (in their region), CLOUDFRONT for distributions (the provider must be in us-east-1)."
  type        = string
  default     = "REGIONAL"

  validation {
    condition     = contains(["REGIONAL", "CLOUDFRONT"], var.scope)
    error_message = "scope must be REGIONAL or CLOUDFRONT."
  }
}

variable "rate_limit_per_5_minutes" {
  description = "Requests one client IP may make in any 5-minute window before it is blocked (until its rate drops). Size it above the busiest legitimate client (e.g. a NAT gateway in front of many users)."
  type        = number
  default     = 2000

  validation {
    condition     = var.rate_limit_per_5_minutes >= 10 && var.rate_limit_per_5_minutes <= 2000000000 && floor(var.rate_limit_per_5_minutes) == var.rate_limit_per_5_minutes
    error_message = "rate_limit_per_5_minutes must be a whole number from 10 to 2,000,000,000 (WAF's limits)."
  }
}

variable "common_rules_count_only" {
  description = "Rules of AWSManagedRulesCommonRuleSet that only count instead of blocking (e.g. [\"SizeRestrictions_BODY\"] for an API taking bodies over 8 KB). Empty: every rule blocks."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for r in var.common_rules_count_only : can(regex("^[A-Za-z0-9_]+$", r))])
    error_message = "common_rules_count_only must hold rule names such as SizeRestrictions_BODY."
  }
}

variable "log_retention_days" {
  description = "Retention of the WAF log group in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ..., 3653)."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key (in the ACL's region) encrypting the WAF log group; null: CloudWatch Logs' own encryption."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN or null."
  }
}

variable "tags" {
  description = "Tags of the web ACL and its log group."
  type        = map(string)
  default     = {}
}
