# ---------------------------------------------------------------------------
# Naming
# ---------------------------------------------------------------------------
variable "name_prefix" {
  description = "Prefix of every resource name, e.g. `refarch-dev` (resources are `<prefix>-web-*`). Lowercase letters, digits and hyphens, at most 20 characters: the bucket name `<prefix>-web-thumbnails-<account>-<region>` must fit S3's 63."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.name_prefix)) && !can(regex("--", var.name_prefix))
    error_message = "name_prefix must be 2-20 characters of lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen."
  }
}

# ---------------------------------------------------------------------------
# Site and CloudFront
# ---------------------------------------------------------------------------
variable "site_source_dir" {
  description = "Directory of the static site (the repository's web/ folder): every file in it is uploaded to the site bucket with a Content-Type by extension, except config.json, which this module generates from the deployed resources."
  type        = string

  validation {
    condition     = fileexists("${var.site_source_dir}/index.html")
    error_message = "site_source_dir must be a directory containing index.html (the site's entry page)."
  }
}

variable "create_cloudfront_distribution" {
  description = "Serve the site through CloudFront (distribution, Origin Access Control, security headers, optional Route 53 aliases) and grant only that distribution read access to the site bucket. Keep true on AWS. Emulator switch: the local environment sets false (moto 5.2 does not read back the origin's OAC id nor the viewer certificate as applied, so every plan shows changes; the local runtime serves the site bucket itself) and must then set site_origin_override."
  type        = bool
  default     = true
}

variable "wait_for_deployment" {
  description = "Wait until CloudFront has deployed the distribution (several minutes on AWS) before apply finishes. false returns as soon as the change is accepted."
  type        = bool
  default     = true
}

variable "price_class" {
  description = "CloudFront price class: PriceClass_100 (North America and Europe, cheapest), PriceClass_200, or PriceClass_All (every edge location)."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "acm_certificate_arn" {
  description = "ARN of an ACM certificate in us-east-1 covering every name in aliases (custom domain); null serves the site on its *.cloudfront.net name with CloudFront's certificate."
  type        = string
  default     = null

  validation {
    condition     = var.acm_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/", var.acm_certificate_arn))
    error_message = "acm_certificate_arn must be an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there), or null."
  }
}

variable "aliases" {
  description = "Custom domain names of the site (CNAMEs), e.g. [\"app.example.com\"]; the first one becomes the site URL and the allowed CORS origin. Requires acm_certificate_arn."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.aliases : can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", a))])
    error_message = "aliases must be lowercase DNS names such as app.example.com."
  }

  validation {
    condition     = (length(var.aliases) == 0) == (var.acm_certificate_arn == null)
    error_message = "aliases and acm_certificate_arn must be given together (both empty/null for the default CloudFront name and certificate)."
  }
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone in which to create A/AAAA alias records for every name in aliases; null creates no records (DNS managed elsewhere)."
  type        = string
  default     = null

  validation {
    condition     = var.route53_zone_id == null || (can(regex("^Z[A-Z0-9]{1,31}$", var.route53_zone_id)) && length(var.aliases) > 0)
    error_message = "route53_zone_id must be a hosted zone id (Z...) and needs aliases to create records for."
  }
}

variable "cloudfront_web_acl_id" {
  description = "ARN of a WAFv2 web ACL (scope CLOUDFRONT, in us-east-1) to attach to the distribution; null attaches none."
  type        = string
  default     = null
}

variable "access_log_bucket" {
  description = "Name of a bucket receiving the S3 server access logs of the site, uploads and thumbnails buckets (e.g. modules/access_logs); null logs none."
  type        = string
  default     = null
}

variable "cloudfront_log_bucket" {
  description = "Domain name of a bucket for CloudFront standard logs (e.g. modules/access_logs' bucket_domain_name: CloudFront grants itself with an ACL, which that bucket allows); null disables them."
  type        = string
  default     = null
}

variable "geo_restriction_type" {
  description = "CloudFront geo restriction: none, whitelist or blacklist (of geo_restriction_locations)."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "whitelist", "blacklist"], var.geo_restriction_type)
    error_message = "geo_restriction_type must be none, whitelist or blacklist."
  }
}

variable "geo_restriction_locations" {
  description = "ISO 3166-1 alpha-2 country codes for geo_restriction_type whitelist/blacklist; empty with none."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.geo_restriction_locations : can(regex("^[A-Z]{2}$", c))]) && ((var.geo_restriction_type == "none") == (length(var.geo_restriction_locations) == 0))
    error_message = "geo_restriction_locations must be upper-case two-letter country codes, given exactly when geo_restriction_type is whitelist or blacklist."
  }
}

variable "site_origin_override" {
  description = "URL the site is served at instead of CloudFront, e.g. `http://127.0.0.1:8787/site/` for the local runtime; null uses the distribution (or the first alias). It becomes the site_url output and SITE_URL, and its origin (scheme://host[:port]) becomes ALLOWED_ORIGIN of the API and the uploads bucket's CORS origin. Required when create_cloudfront_distribution = false."
  type        = string
  default     = null

  validation {
    condition     = var.site_origin_override == null || can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^*\\s]*)?$", var.site_origin_override))
    error_message = "site_origin_override must be an http(s) URL such as http://127.0.0.1:8787/site/ (no wildcard: CORS must name one origin)."
  }

  validation {
    condition     = var.create_cloudfront_distribution || var.site_origin_override != null
    error_message = "Without a CloudFront distribution the site URL must come from site_origin_override."
  }
}

variable "cognito_endpoint_override" {
  description = "Cognito endpoint written to config.json instead of https://cognito-idp.<region>.amazonaws.com, e.g. the emulator's URL in local; null uses the regional endpoint."
  type        = string
  default     = null

  validation {
    condition     = var.cognito_endpoint_override == null || can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$", var.cognito_endpoint_override))
    error_message = "cognito_endpoint_override must be an http(s) origin such as http://127.0.0.1:5000."
  }
}

# ---------------------------------------------------------------------------
# Buckets
# ---------------------------------------------------------------------------

variable "noncurrent_version_expiration_days" {
  description = "Days after which overwritten or deleted object versions are removed from the three buckets."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number >= 1."
  }
}

variable "quarantine_expiration_days" {
  description = "Days after which quarantined uploads (non-images, corrupt files, with their reason) are deleted."
  type        = number
  default     = 30

  validation {
    condition     = var.quarantine_expiration_days >= 1 && floor(var.quarantine_expiration_days) == var.quarantine_expiration_days
    error_message = "quarantine_expiration_days must be a whole number >= 1."
  }
}

# ---------------------------------------------------------------------------
# Uploads and thumbnails
# ---------------------------------------------------------------------------
variable "max_upload_bytes" {
  description = "Largest upload the presigned POST accepts (content-length-range), in bytes (MAX_UPLOAD_BYTES)."
  type        = number
  default     = 10485760

  validation {
    condition     = var.max_upload_bytes >= 1 && var.max_upload_bytes <= 104857600 && floor(var.max_upload_bytes) == var.max_upload_bytes
    error_message = "max_upload_bytes must be a whole number from 1 to 104857600 (100 MiB)."
  }
}

variable "upload_url_expiry_seconds" {
  description = "Lifetime of a presigned upload (POST) or thumbnail (GET) URL in seconds (UPLOAD_URL_EXPIRY_SECONDS)."
  type        = number
  default     = 300

  validation {
    condition     = var.upload_url_expiry_seconds >= 10 && var.upload_url_expiry_seconds <= 3600 && floor(var.upload_url_expiry_seconds) == var.upload_url_expiry_seconds
    error_message = "upload_url_expiry_seconds must be a whole number from 10 to 3600."
  }
}

variable "thumbnail_sizes" {
  description = "Longest edge in pixels of each thumbnail size (THUMBNAIL_SIZES), e.g. [128, 512]."
  type        = list(number)
  default     = [128, 512]

  validation {
    condition     = length(var.thumbnail_sizes) >= 1 && length(var.thumbnail_sizes) <= 8 && length(distinct(var.thumbnail_sizes)) == length(var.thumbnail_sizes) && alltrue([for s in var.thumbnail_sizes : s >= 16 && s <= 4096 && floor(s) == s])
    error_message = "thumbnail_sizes must be 1-8 distinct whole numbers from 16 to 4096."
  }
}

variable "thumbnail_format" {
  description = "Output format of thumbnails (THUMBNAIL_FORMAT): WEBP or JPEG."
  type        = string
  default     = "WEBP"

  validation {
    condition     = contains(["WEBP", "JPEG"], var.thumbnail_format)
    error_message = "thumbnail_format must be WEBP or JPEG."
  }
}

variable "max_image_pixels" {
  description = "Decompression-bomb guard (MAX_IMAGE_PIXELS): images with more pixels are quarantined, never decoded."
  type        = number
  default     = 40000000

  validation {
    condition     = var.max_image_pixels >= 1000000 && var.max_image_pixels <= 200000000 && floor(var.max_image_pixels) == var.max_image_pixels
    error_message = "max_image_pixels must be a whole number from 1000000 to 200000000."
  }
}

variable "thumbnailer_maximum_event_age_seconds" {
  description = "How long an S3 event may wait for (re)delivery to the thumbnailer before it goes to the failure queue (60-21600 s)."
  type        = number
  default     = 3600

  validation {
    condition     = var.thumbnailer_maximum_event_age_seconds >= 60 && var.thumbnailer_maximum_event_age_seconds <= 21600 && floor(var.thumbnailer_maximum_event_age_seconds) == var.thumbnailer_maximum_event_age_seconds
    error_message = "thumbnailer_maximum_event_age_seconds must be a whole number from 60 to 21600."
  }
}

# ---------------------------------------------------------------------------
# Cognito
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

variable "advanced_security_mode" {
  description = "Cognito threat protection (compromised credentials, adaptive authentication): OFF, AUDIT or ENFORCED. Billed per monthly active user, hence OFF by default; production pools should consider ENFORCED."
  type        = string
  default     = "OFF"

  validation {
    condition     = contains(["OFF", "AUDIT", "ENFORCED"], var.advanced_security_mode)
    error_message = "advanced_security_mode must be OFF, AUDIT or ENFORCED."
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
  description = "Lifetime of ID tokens (what the site sends to the API) in minutes (5-1440)."
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

# ---------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------

variable "api" {
  description = "The REST API (modules/rest_api, which validates every attribute; see its README): `stage_name` (default v1), `throttling` ({rate_limit, burst_limit}, default 50/100 per second), `logging_level` (ERROR or INFO), `access_log_format` (null: the module's JSON line), `web_acl_arn` (regional WAFv2 ACL, null: none) and `url_override` (the local runtime's base URL with {api_id} and {stage} placeholders; null: the stage's invoke URL)."
  type = object({
    stage_name        = optional(string)
    throttling        = optional(object({ rate_limit = optional(number), burst_limit = optional(number) }), {})
    logging_level     = optional(string)
    access_log_format = optional(string)
    web_acl_arn       = optional(string)
    url_override      = optional(string)
  })
  default  = {}
  nullable = false
}

variable "configure_api_gateway_account" {
  description = "Create the IAM role API Gateway uses to write CloudWatch logs and register it in the account's API Gateway settings (needed for access logs). This setting is one per account and region: set false when another stack (e.g. a second composite in the same account) already manages it."
  type        = bool
  default     = true
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
# Tables and deletion protection
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Welcome email
# ---------------------------------------------------------------------------
variable "sender_email" {
  description = "Address the welcome emails come from (SENDER_EMAIL); the module creates its SES identity, whose owner must confirm it. The function may send only from this address."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\\.)+[A-Za-z]{2,63}$", var.sender_email)) && length(var.sender_email) <= 254
    error_message = "sender_email must be a plain email address such as welcome@example.com (no display name)."
  }
}

variable "welcome_email_batch_size" {
  description = "Largest number of subscriber records per welcome_email invocation (1-1000)."
  type        = number
  default     = 10

  validation {
    condition     = var.welcome_email_batch_size >= 1 && var.welcome_email_batch_size <= 1000 && floor(var.welcome_email_batch_size) == var.welcome_email_batch_size
    error_message = "welcome_email_batch_size must be a whole number from 1 to 1000."
  }
}

variable "welcome_email_maximum_retry_attempts" {
  description = "Retries of a failing batch before its records go to the failure queue (0-10000; -1 is refused: a poison record must not block the stream until it expires)."
  type        = number
  default     = 3

  validation {
    condition     = var.welcome_email_maximum_retry_attempts >= 0 && var.welcome_email_maximum_retry_attempts <= 10000 && floor(var.welcome_email_maximum_retry_attempts) == var.welcome_email_maximum_retry_attempts
    error_message = "welcome_email_maximum_retry_attempts must be a whole number from 0 to 10000."
  }
}

variable "welcome_email_maximum_record_age_seconds" {
  description = "Subscriber records older than this go to the failure queue instead of being emailed (60-604800 s)."
  type        = number
  default     = 3600

  validation {
    condition     = var.welcome_email_maximum_record_age_seconds >= 60 && var.welcome_email_maximum_record_age_seconds <= 604800 && floor(var.welcome_email_maximum_record_age_seconds) == var.welcome_email_maximum_record_age_seconds
    error_message = "welcome_email_maximum_record_age_seconds must be a whole number from 60 to 604800."
  }
}

# ---------------------------------------------------------------------------
# Functions
# ---------------------------------------------------------------------------
variable "artifacts_dir" {
  description = "Directory of the zips written by `make build`: web_api.zip, welcome_email.zip and thumbnailer.zip (dist/ for Lambda, dist/host/ for local runs)."
  type        = string
}

variable "web_api_memory_size" {
  description = "Memory of web_api in MB (128-10240)."
  type        = number
  default     = 256
}

variable "web_api_timeout" {
  description = "Timeout of web_api in seconds (1-29: API Gateway stops waiting after 29 s)."
  type        = number
  default     = 10

  validation {
    condition     = var.web_api_timeout >= 1 && var.web_api_timeout <= 29 && floor(var.web_api_timeout) == var.web_api_timeout
    error_message = "web_api_timeout must be a whole number from 1 to 29 (API Gateway's integration timeout)."
  }
}

variable "thumbnailer_memory_size" {
  description = "Memory of the thumbnailer in MB (128-10240). Decoding large images needs memory and CPU: 1024+ recommended."
  type        = number
  default     = 1024
}

variable "thumbnailer_timeout" {
  description = "Timeout of the thumbnailer in seconds (1-900)."
  type        = number
  default     = 60
}

variable "welcome_email_memory_size" {
  description = "Memory of welcome_email in MB (128-10240)."
  type        = number
  default     = 256
}

variable "welcome_email_timeout" {
  description = "Timeout of one welcome_email batch in seconds (1-900)."
  type        = number
  default     = 30
}

variable "powertools_metrics_namespace" {
  description = "POWERTOOLS_METRICS_NAMESPACE of the three functions' custom metrics."
  type        = string
  default     = "RefArch/WebApp"

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

variable "failure_queue_alarm_threshold" {
  description = "Alarm when more than this many messages are visible in a failure queue (0 = any event given up on)."
  type        = number
  default     = 0

  validation {
    condition     = var.failure_queue_alarm_threshold >= 0
    error_message = "failure_queue_alarm_threshold must be >= 0."
  }
}

