variable "name" {
  description = "Name of the key's alias, without the `alias/` prefix, e.g. `refarch-dev-web`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9/_-]{1,250}$", var.name)) && !startswith(var.name, "aws/")
    error_message = "name must be 1-250 characters of letters, digits and /_- and must not start with aws/ (reserved for AWS managed keys)."
  }
}

variable "description" {
  description = "Description of the key: what it encrypts, e.g. `Encrypts the refarch-dev-web tables and logs`."
  type        = string

  validation {
    condition     = length(var.description) <= 8192
    error_message = "description must be at most 8192 characters."
  }
}

variable "deletion_window_in_days" {
  description = "Waiting period (7-30 days) before the key is deleted after destroy; while it runs the deletion can be cancelled and the data recovered."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30 && floor(var.deletion_window_in_days) == var.deletion_window_in_days
    error_message = "deletion_window_in_days must be a whole number from 7 to 30."
  }
}

variable "service_principal_statements" {
  description = "Key-policy statements (jsonencode-ready, AWS spelling) granting AWS service principals use of the key, appended after the root and CloudWatch Logs statements, e.g. modules/alarms' `kms_key_policy_statement`. Each needs a Condition (e.g. aws:SourceAccount) so no other account's use of the service can reach the key."
  type = list(object({
    Sid       = string
    Effect    = string
    Principal = map(string)
    Action    = list(string)
    Resource  = string
    Condition = map(map(string))
  }))
  default = []

  validation {
    condition = alltrue([
      for s in var.service_principal_statements :
      length(s.Principal) == 1 && contains(keys(s.Principal), "Service") && length(s.Condition) > 0 && s.Effect == "Allow"
    ])
    error_message = "Each service_principal_statements entry must be an Allow with Principal = { Service = \"...\" } only and a non-empty Condition."
  }

  validation {
    condition = length(distinct(concat(
      ["AccountAdministration", "CloudWatchLogsEncryption"],
      [for s in var.service_principal_statements : s.Sid],
    ))) == length(var.service_principal_statements) + 2
    error_message = "service_principal_statements Sids must be unique and not AccountAdministration or CloudWatchLogsEncryption (the module's own statements)."
  }
}

variable "tags" {
  description = "Tags applied to the key."
  type        = map(string)
  default     = {}
}
