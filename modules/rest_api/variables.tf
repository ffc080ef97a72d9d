# The interface every API block of this repository shares (a future HTTP API module
# takes the same shape): name, routes, integration, authorizer, throttling, logging.

variable "name" {
  description = "Name of the REST API (also the access log group's path)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,128}$", var.name))
    error_message = "name must be 1-128 letters, digits, dots, underscores or hyphens."
  }
}

variable "description" {
  description = "Description of the REST API."
  type        = string
  default     = null
}

variable "stage_name" {
  description = "Name of the API stage (the first path segment of the invoke URL)."
  type        = string
  default     = "v1"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_]{1,64}$", var.stage_name))
    error_message = "stage_name must be 1-64 letters, digits or underscores."
  }
}

variable "routes" {
  description = "Routes of the API, keyed \"VERB /path\" (paths at most 3 segments deep, `{name}` for a path parameter). Every route uses the authorizer unless `public` (justify it where the route is declared); `cached` routes (GET only) are cached per caller when `cache.enabled`."
  type = map(object({
    public = optional(bool, false)
    cached = optional(bool, false)
  }))

  validation {
    condition = alltrue([
      for key in keys(var.routes) :
      can(regex("^(GET|POST|PUT|PATCH|DELETE|HEAD) (/[A-Za-z0-9._{}-]+){1,3}$", key))
    ])
    error_message = "Every route key must be \"VERB /path\" with VERB one of GET, POST, PUT, PATCH, DELETE, HEAD and a path of 1-3 segments (OPTIONS comes from cors_preflight)."
  }

  validation {
    condition     = alltrue([for key, route in var.routes : !route.cached || startswith(key, "GET ")])
    error_message = "Only GET routes may be cached."
  }
}

variable "cors_preflight" {
  description = "Add an OPTIONS method to every path for the browser's CORS preflight. It is open (browsers never send Authorization on a preflight) and answered by the integration, which pins the allowed origin."
  type        = bool
  default     = false
}

variable "integration" {
  description = "The Lambda function behind every route (proxy integration): its name (for the invoke permission) and invoke ARN."
  type = object({
    function_name = string
    invoke_arn    = string
  })
}

variable "authorizer" {
  description = "Cognito user pool authorizer of every route that is not public: its name and the user pool ARNs whose ID or access tokens it accepts in the Authorization header."
  type = object({
    name           = string
    user_pool_arns = list(string)
  })

  validation {
    condition     = length(var.authorizer.user_pool_arns) > 0 && alltrue([for arn in var.authorizer.user_pool_arns : can(regex("^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:[0-9]{12}:userpool/", arn))])
    error_message = "authorizer.user_pool_arns must list at least one Cognito user pool ARN."
  }
}

variable "throttling" {
  description = "Stage-wide throttling of every method: steady-state requests per second (the account limit still applies) and the burst above it."
  type = object({
    rate_limit  = optional(number, 50)
    burst_limit = optional(number, 100)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.throttling.rate_limit > 0 && var.throttling.rate_limit <= 10000
    error_message = "throttling.rate_limit must be greater than 0 and at most 10000 requests per second."
  }

  validation {
    condition     = var.throttling.burst_limit >= 1 && var.throttling.burst_limit <= 5000 && floor(var.throttling.burst_limit) == var.throttling.burst_limit && var.throttling.burst_limit >= var.throttling.rate_limit
    error_message = "throttling.burst_limit must be a whole number from 1 to 5000 and not below throttling.rate_limit."
  }
}

variable "logging" {
  description = <<-EOT
    Logs of the stage: access logs (JSON, one object per request) and execution logs, both in log groups declared here with `retention_days` and encrypted with `kms_key_arn`.
    - `level`: execution logging, INFO (every request) or ERROR (failures only). Request and response bodies are never logged.
    - `access_log_format`: JSON using $context variables; null logs request id, client IP, caller, Cognito user sub, route, status and latencies (never tokens or bodies).
  EOT
  type = object({
    kms_key_arn       = string
    retention_days    = number
    level             = optional(string, "ERROR")
    access_log_format = optional(string)
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.logging.kms_key_arn))
    error_message = "logging.kms_key_arn must be a KMS key ARN (CloudWatch Logs needs the ARN, not an alias or id)."
  }

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.logging.retention_days)
    error_message = "logging.retention_days must be a CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }

  validation {
    condition     = contains(["INFO", "ERROR"], var.logging.level)
    error_message = "logging.level must be INFO or ERROR."
  }

  validation {
    condition     = var.logging.access_log_format == null || (can(jsondecode(var.logging.access_log_format)) && strcontains(coalesce(var.logging.access_log_format, "-"), "$context.requestId"))
    error_message = "logging.access_log_format must be a JSON object that includes $context.requestId."
  }
}

variable "cache" {
  description = "Per-caller response cache of the `cached` routes: a cache cluster (billed per hour by size: 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118 or 237 GB) whose key includes the caller's Authorization header and the path parameters, so users never see each other's answers; answers may be up to ttl_seconds (1-3600) old after a change."
  type = object({
    enabled      = optional(bool, false)
    cluster_size = optional(string, "0.5")
    ttl_seconds  = optional(number, 30)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"], var.cache.cluster_size)
    error_message = "cache.cluster_size must be one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237."
  }

  validation {
    condition     = var.cache.ttl_seconds >= 1 && var.cache.ttl_seconds <= 3600 && floor(var.cache.ttl_seconds) == var.cache.ttl_seconds
    error_message = "cache.ttl_seconds must be a whole number from 1 to 3600."
  }
}

variable "web_acl_arn" {
  description = "ARN of a regional WAFv2 web ACL to associate with the stage; null associates none."
  type        = string
  default     = null

  validation {
    condition     = var.web_acl_arn == null || can(regex("^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional/webacl/", var.web_acl_arn))
    error_message = "web_acl_arn must be a regional WAFv2 web ACL ARN or null."
  }
}

variable "cloudwatch_role_arn" {
  description = "ARN of the account's API Gateway CloudWatch role when the same configuration registers it (e.g. `module.api_gateway_account[0].role_arn`): the stage, whose logs AWS rejects without that role, is then created after it. Only the stage waits. null when another stack registered it earlier."
  type        = string
  default     = null

  validation {
    condition     = var.cloudwatch_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.cloudwatch_role_arn))
    error_message = "cloudwatch_role_arn must be an IAM role ARN or null."
  }
}

variable "url_override" {
  description = "Base URL returned as `url` instead of the stage's invoke URL, e.g. `http://127.0.0.1:8787/{api_id}/{stage}` for the local runtime; `{api_id}` and `{stage}` are replaced with the deployed values. null uses the invoke URL."
  type        = string
  default     = null

  validation {
    condition     = var.url_override == null || can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^*\\s]*)?$", var.url_override))
    error_message = "url_override must be an http(s) URL, optionally with {api_id} and {stage} placeholders in its path."
  }
}

variable "tags" {
  description = "Tags of every taggable resource."
  type        = map(string)
  default     = {}
}
