# ---------------------------------------------------------------------------
# Naming
# ---------------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix of every resource name, e.g. `refarch-dev` (resources are `<prefix>-mobile-*`). Lowercase letters, digits and hyphens, at most 20 characters: the bucket name `<prefix>-mobile-files-<account>-<region>` must fit S3's 63."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.name_prefix)) && !can(regex("--", var.name_prefix))
    error_message = "name_prefix must be 2-20 characters of lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "artifacts_dir" {
  description = "Directory of the zips written by `make build`: mobile_api.zip and push_notifier.zip (dist/ for Lambda, dist/host/ for local runs)."
  type        = string
}

# ---------------------------------------------------------------------------
# Cognito: user pool and identity pool
# ---------------------------------------------------------------------------

variable "password_minimum_length" {
  description = "Minimum password length (12-99); upper, lower case, digits and symbols are always required."
  type        = number
  default     = 12

  validation {
    condition     = var.password_minimum_length >= 12 && var.password_minimum_length <= 99 && floor(var.password_minimum_length) == var.password_minimum_length
    error_message = "password_minimum_length must be a whole number from 12 to 99."
  }
}

variable "mfa_configuration" {
  description = "Multi-factor authentication with a TOTP app: OFF, OPTIONAL (users may enrol) or ON (required for everyone; cannot be switched on for an existing pool)."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be OFF, OPTIONAL or ON."
  }
}

variable "allow_self_sign_up" {
  description = "Let visitors create their own account (email verified by code). false: only administrators create users."
  type        = bool
  default     = true
}

variable "access_token_validity_minutes" {
  description = "Lifetime of access tokens in minutes (5-1440)."
  type        = number
  default     = 60

  validation {
    condition     = var.access_token_validity_minutes >= 5 && var.access_token_validity_minutes <= 1440 && floor(var.access_token_validity_minutes) == var.access_token_validity_minutes
    error_message = "access_token_validity_minutes must be a whole number from 5 to 1440."
  }
}

variable "id_token_validity_minutes" {
  description = "Lifetime of ID tokens (what the app sends to the API) in minutes (5-1440)."
  type        = number
  default     = 60

  validation {
    condition     = var.id_token_validity_minutes >= 5 && var.id_token_validity_minutes <= 1440 && floor(var.id_token_validity_minutes) == var.id_token_validity_minutes
    error_message = "id_token_validity_minutes must be a whole number from 5 to 1440."
  }
}

variable "refresh_token_validity_days" {
  description = "Lifetime of refresh tokens in days (1-3650): how long a user stays signed in without entering the password."
  type        = number
  default     = 30

  validation {
    condition     = var.refresh_token_validity_days >= 1 && var.refresh_token_validity_days <= 3650 && floor(var.refresh_token_validity_days) == var.refresh_token_validity_days
    error_message = "refresh_token_validity_days must be a whole number from 1 to 3650."
  }
}

variable "allow_unauthenticated_identities" {
  description = "Let the identity pool hand out identity ids to guests (not signed in). They get no role from this module, hence no AWS credentials; keep false unless a guest identity is needed elsewhere."
  type        = bool
  default     = false
}

variable "attach_identity_pool_roles" {
  description = "Attach the authenticated role to the identity pool (without it, GetCredentialsForIdentity has no role to hand out). Keep true on AWS. Emulator switch: the local environment sets false because moto 5.2 does not implement SetIdentityPoolRoles (it returns credentials without a role anyway); terraform test covers the attachment."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "IPv4 range of the module's VPC (/16 to /24). The two private subnets take its first two quarters, one per availability zone."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24, false)
    error_message = "vpc_cidr must be an IPv4 CIDR block from /16 to /24, e.g. 10.20.0.0/16."
  }
}

variable "availability_zones" {
  description = "The two availability zones of the private subnets, e.g. [\"eu-west-1a\", \"eu-west-1b\"]; null takes the region's first two regular zones."
  type        = list(string)
  default     = null

  validation {
    condition     = var.availability_zones == null || try(length(var.availability_zones) == 2 && length(distinct(var.availability_zones)) == 2 && alltrue([for z in var.availability_zones : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]$", z))]), false)
    error_message = "availability_zones must be null or two different zone names such as eu-west-1a."
  }
}

variable "interface_endpoints" {
  description = "AWS services the functions reach through interface VPC endpoints (the subnets have no internet route, and these services have no gateway endpoint): sqs (push queue), sns (device endpoints, publish), cognito-idp (share recipient lookup). Each costs about 0.01 USD per hour per AZ plus 0.01 USD per GB (3 services x 2 AZs: about 44 USD a month); dropping one breaks the calls to that service."
  type        = list(string)
  default     = ["sqs", "sns", "cognito-idp"]

  validation {
    condition     = alltrue([for s in var.interface_endpoints : can(regex("^[a-z0-9][a-z0-9.-]{1,62}$", s))]) && length(distinct(var.interface_endpoints)) == length(var.interface_endpoints)
    error_message = "interface_endpoints must be distinct service names such as sqs, sns or cognito-idp (the part after com.amazonaws.<region>.)."
  }

  validation {
    condition     = length(setintersection(var.interface_endpoints, ["dynamodb", "s3"])) == 0
    error_message = "dynamodb and s3 already have (free) gateway endpoints; do not list them in interface_endpoints."
  }
}

variable "flow_log_traffic_type" {
  description = "Which flows of the VPC are logged: ALL, ACCEPT or REJECT."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ALL", "ACCEPT", "REJECT"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be ALL, ACCEPT or REJECT."
  }
}

# ---------------------------------------------------------------------------
# DAX
# ---------------------------------------------------------------------------

variable "create_dax" {
  description = "Create the DAX cluster (subnet group, parameter group, security group, role) and let mobile_api read through it; false: mobile_api reads DynamoDB directly (DAX_ENDPOINT empty). Emulator switch: the local environment sets false because moto 5.2 implements no DAX subnet or parameter group; terraform test covers the cluster."
  type        = bool
  default     = true
}

variable "dax_cluster_name" {
  description = "Name of the DAX cluster (and its subnet and parameter groups); null uses `<name_prefix>-dax`. DAX allows at most 20 characters: set this when the prefix is longer than 16."
  type        = string
  default     = null

  validation {
    condition     = var.dax_cluster_name == null || (can(regex("^[a-z][a-z0-9-]{0,19}$", coalesce(var.dax_cluster_name, "x"))) && !endswith(coalesce(var.dax_cluster_name, "x"), "-") && !strcontains(coalesce(var.dax_cluster_name, "x"), "--"))
    error_message = "dax_cluster_name must be 1-20 characters of lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "dax_node_type" {
  description = "DAX node type, e.g. dax.t3.small (burstable, development) or dax.r5.large (production)."
  type        = string
  default     = "dax.t3.small"

  validation {
    condition     = can(regex("^dax\\.[a-z0-9]+\\.[a-z0-9]+$", var.dax_node_type))
    error_message = "dax_node_type must be a DAX node type such as dax.t3.small or dax.r5.large."
  }
}

variable "dax_node_count" {
  description = "Nodes of the DAX cluster (1-11). 3 or more spreads them over the AZs and survives a node or AZ failure; 1 is a single point of failure (the function then falls back to nothing: reads fail until the node returns)."
  type        = number
  default     = 3

  validation {
    condition     = var.dax_node_count >= 1 && var.dax_node_count <= 11 && floor(var.dax_node_count) == var.dax_node_count
    error_message = "dax_node_count must be a whole number from 1 to 11."
  }
}

variable "dax_record_ttl_ms" {
  description = "How long DAX keeps an item (GetItem/BatchGetItem results) in milliseconds (record-ttl-millis). Writes through DAX update it at once; writes that bypass DAX are seen after this."
  type        = number
  default     = 300000

  validation {
    condition     = var.dax_record_ttl_ms >= 1 && floor(var.dax_record_ttl_ms) == var.dax_record_ttl_ms
    error_message = "dax_record_ttl_ms must be a whole number of milliseconds >= 1."
  }
}

variable "dax_query_ttl_ms" {
  description = "How long DAX keeps a Query result in milliseconds (query-ttl-millis). Writes do NOT refresh cached queries: a note list can be this old after a change, so keep it short."
  type        = number
  default     = 60000

  validation {
    condition     = var.dax_query_ttl_ms >= 1 && floor(var.dax_query_ttl_ms) == var.dax_query_ttl_ms
    error_message = "dax_query_ttl_ms must be a whole number of milliseconds >= 1."
  }
}

# ---------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------

variable "api" {
  description = "The REST API (modules/rest_api, which validates every attribute; see its README): `stage_name` (default v1), `throttling` ({rate_limit, burst_limit}, default 50/100 per second), `logging_level` (ERROR or INFO), `access_log_format` (null: the module's JSON line), `web_acl_arn` (regional WAFv2 ACL, null: none) and `url_override` (the local runtime's base URL with {api_id} and {stage} placeholders; null: the stage's invoke URL). `cache` ({enabled, cluster_size, ttl_seconds}, off by default) caches GET /notes and GET /notes/{note_id} per caller."
  type = object({
    stage_name        = optional(string)
    throttling        = optional(object({ rate_limit = optional(number), burst_limit = optional(number) }), {})
    logging_level     = optional(string)
    access_log_format = optional(string)
    web_acl_arn       = optional(string)
    url_override      = optional(string)
    cache             = optional(object({ enabled = optional(bool), cluster_size = optional(string), ttl_seconds = optional(number) }), {})
  })
  default  = {}
  nullable = false
}

variable "configure_api_gateway_account" {
  description = "Create the IAM role API Gateway uses to write CloudWatch logs and register it in the account's API Gateway settings (modules/api_gateway_account; needed for access logs). One per account and region: false by default because web_app, deployed beside this module in every environment, owns it. Set true only where no other stack of the account/region manages it."
  type        = bool
  default     = false
}

variable "api_gateway_cloudwatch_role_arn" {
  description = "ARN of the account's API Gateway CloudWatch role when another module of the same configuration registers it (e.g. `module.web_app.api_gateway_cloudwatch_role_arn`): the stage, whose access logs AWS rejects without that role, is then created after it. Only the stage waits (data sources are not deferred). null when this module registers it (configure_api_gateway_account) or another stack did earlier."
  type        = string
  default     = null

  validation {
    condition     = var.api_gateway_cloudwatch_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.api_gateway_cloudwatch_role_arn))
    error_message = "api_gateway_cloudwatch_role_arn must be an IAM role ARN or null."
  }
}

variable "cognito_email_configuration" {
  description = "The user pool's sender: a verified SES identity in DEVELOPER mode ({ from_address, ses_identity_arn, reply_to_address }), see modules/cognito_user_pool. null = Cognito's default sender (its daily limit is too low for production: local and throwaway pools only)."
  type = object({
    from_address     = string
    ses_identity_arn = string
    reply_to_address = optional(string)
  })
  default = null
}

# ---------------------------------------------------------------------------
# Tables, buckets and deletion protection
# ---------------------------------------------------------------------------

variable "access_log_bucket" {
  description = "Name of a bucket receiving the S3 server access logs of the user-files bucket (e.g. modules/access_logs); null logs none."
  type        = string
  default     = null
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which overwritten or deleted object versions are removed from the user-files bucket."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number >= 1."
  }
}

# ---------------------------------------------------------------------------
# Push notifications
# ---------------------------------------------------------------------------

variable "fcm_server_key" {
  description = "Firebase Cloud Messaging credential (SNS platform GCM: the server key, or the service-account JSON for FCM HTTP v1). null creates no FCM application and devices cannot register for fcm."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.fcm_server_key == null || length(trimspace(coalesce(var.fcm_server_key, " "))) > 0
    error_message = "fcm_server_key must be null or a non-empty credential."
  }
}

variable "apns_certificate" {
  description = "APNs TLS certificate in PEM (SNS platform principal). Given together with apns_private_key; null creates no APNs application."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.apns_certificate == null || strcontains(coalesce(var.apns_certificate, " "), "-----BEGIN CERTIFICATE-----")
    error_message = "apns_certificate must be a PEM certificate (-----BEGIN CERTIFICATE-----) or null."
  }
}

variable "apns_private_key" {
  description = "Private key of apns_certificate in PEM (SNS platform credential)."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = (var.apns_private_key == null) == (var.apns_certificate == null)
    error_message = "apns_certificate and apns_private_key must be given together (both null for no APNs)."
  }

  validation {
    condition     = var.apns_private_key == null || strcontains(coalesce(var.apns_private_key, " "), "PRIVATE KEY-----")
    error_message = "apns_private_key must be a PEM private key (-----BEGIN ... PRIVATE KEY-----) or null."
  }
}

variable "apns_platform" {
  description = "APNS (production apps) or APNS_SANDBOX (development builds): must match the certificate."
  type        = string
  default     = "APNS"

  validation {
    condition     = contains(["APNS", "APNS_SANDBOX"], var.apns_platform)
    error_message = "apns_platform must be APNS or APNS_SANDBOX."
  }
}

variable "push_batch_size" {
  description = "Largest number of push messages per push_notifier invocation (1-10000; above 10 needs push_maximum_batching_window_seconds >= 1)."
  type        = number
  default     = 10

  validation {
    condition     = var.push_batch_size >= 1 && var.push_batch_size <= 10000 && floor(var.push_batch_size) == var.push_batch_size
    error_message = "push_batch_size must be a whole number from 1 to 10000."
  }
}

variable "push_maximum_batching_window_seconds" {
  description = "How long the poller may wait to fill a batch (0-300 s); 0 sends each push as soon as it is received."
  type        = number
  default     = 0

  validation {
    condition     = var.push_maximum_batching_window_seconds >= 0 && var.push_maximum_batching_window_seconds <= 300 && floor(var.push_maximum_batching_window_seconds) == var.push_maximum_batching_window_seconds
    error_message = "push_maximum_batching_window_seconds must be a whole number from 0 to 300."
  }

  validation {
    condition     = var.push_batch_size <= 10 || var.push_maximum_batching_window_seconds >= 1
    error_message = "A push_batch_size above 10 needs push_maximum_batching_window_seconds >= 1 (an SQS rule)."
  }
}

variable "push_max_receive_count" {
  description = "Receives (failed attempts) of a push message before it moves to the dead-letter queue (1-1000)."
  type        = number
  default     = 5

  validation {
    condition     = var.push_max_receive_count >= 1 && var.push_max_receive_count <= 1000 && floor(var.push_max_receive_count) == var.push_max_receive_count
    error_message = "push_max_receive_count must be a whole number from 1 to 1000."
  }
}

# ---------------------------------------------------------------------------
# Functions
# ---------------------------------------------------------------------------

variable "mobile_api_memory_size" {
  description = "Memory of mobile_api in MB (128-10240)."
  type        = number
  default     = 256
}

variable "mobile_api_timeout" {
  description = "Timeout of mobile_api in seconds (1-29: API Gateway stops waiting after 29 s)."
  type        = number
  default     = 10

  validation {
    condition     = var.mobile_api_timeout >= 1 && var.mobile_api_timeout <= 29 && floor(var.mobile_api_timeout) == var.mobile_api_timeout
    error_message = "mobile_api_timeout must be a whole number from 1 to 29 (API Gateway's integration timeout)."
  }
}

variable "push_notifier_memory_size" {
  description = "Memory of push_notifier in MB (128-10240)."
  type        = number
  default     = 256
}

variable "push_notifier_timeout" {
  description = "Timeout of one push_notifier batch in seconds (1-900); the push queue's visibility timeout is six times this."
  type        = number
  default     = 30

  validation {
    condition     = var.push_notifier_timeout >= 1 && var.push_notifier_timeout <= 900 && floor(var.push_notifier_timeout) == var.push_notifier_timeout
    error_message = "push_notifier_timeout must be a whole number from 1 to 900."
  }
}

variable "powertools_metrics_namespace" {
  description = "POWERTOOLS_METRICS_NAMESPACE of the two functions' custom metrics."
  type        = string
  default     = "RefArch/MobileBackend"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.#:/-]{1,255}$", var.powertools_metrics_namespace)) && !startswith(var.powertools_metrics_namespace, "AWS/")
    error_message = "powertools_metrics_namespace must be 1-255 characters of letters, digits and . - _ / # : and must not start with AWS/."
  }
}

# ---------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------

variable "api_5xx_alarm_threshold" {
  description = "Alarm when the API's 5XXError sum in one period exceeds this (0 = any server error)."
  type        = number
  default     = 0

  validation {
    condition     = var.api_5xx_alarm_threshold >= 0
    error_message = "api_5xx_alarm_threshold must be >= 0."
  }
}

variable "function_errors_alarm_threshold" {
  description = "Alarm when a function's Errors sum in one period exceeds this (0 = any error)."
  type        = number
  default     = 0

  validation {
    condition     = var.function_errors_alarm_threshold >= 0
    error_message = "function_errors_alarm_threshold must be >= 0."
  }
}

variable "dlq_alarm_threshold" {
  description = "Alarm when more than this many messages are visible in the push dead-letter queue (0 = any push given up on)."
  type        = number
  default     = 0

  validation {
    condition     = var.dlq_alarm_threshold >= 0
    error_message = "dlq_alarm_threshold must be >= 0."
  }
}

