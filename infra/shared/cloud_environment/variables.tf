variable "environment" {
  description = "Environment name, used in resource names and tags (2-8 characters: see the validation)."
  type        = string

  # The longest derived names: the DAX cluster `refarch-<env>-dax` (DAX allows 20
  # characters, so env <= 8); the buckets `refarch-<env>-stream-archive-<account>-<region>`
  # and `refarch-<env>-web-thumbnails-<account>-<region>` (37 + env + region <= 63:
  # with env <= 8, any region of up to 18 characters fits); IAM roles
  # `refarch-<env>-mobile-apigateway-cloudwatch` (37 + env <= 64).
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,7}$", var.environment))
    error_message = "environment must be 2-8 lowercase letters or digits, starting with a letter: `refarch-<environment>-dax` must fit DAX's 20-character cluster names."
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
  description = "Email address subscribed to the alarm topics; its owner confirms the subscription after the first apply. Required: set `alarm_email = null` explicitly to opt out (the alarms then notify nobody)."
  type        = string

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", var.alarm_email))
    error_message = "alarm_email must be an email address, or null to opt out explicitly."
  }

  validation {
    condition     = var.alarm_email == null || !can(regex("@(.+\\.)?example\\.(com|net|org)$", lower(var.alarm_email)))
    error_message = "alarm_email is a placeholder (example.com/net/org never receive mail): set the on-call address."
  }
}

variable "configure_api_gateway_account" {
  description = "Whether this environment registers the account's API Gateway CloudWatch role (modules/api_gateway_account, through web_app). AWS keeps ONE such role per account and region: exactly one environment of each account/region sets true; the others set false and are applied after it (`make preflight` checks that the role is there)."
  type        = bool
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
  description = "Address the web-app's welcome emails come from, at your domain; the apply creates its SES identity and its owner confirms it afterwards. No default: a placeholder can never be verified."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", var.sender_email))
    error_message = "sender_email must be an email address."
  }

  validation {
    condition     = !can(regex("@(.+\\.)?example\\.(com|net|org)$", lower(var.sender_email)))
    error_message = "sender_email is a placeholder (example.com/net/org can never be verified in SES): set an address of your domain."
  }
}

variable "cognito_email_sender" {
  description = "Sender of both user pools' mail (sign-up codes, password resets): an SES identity verified BEFORE the apply (Cognito refuses an unverified one), e.g. { from_address = \"Example <no-reply@example.org>\", ses_identity_arn = \"arn:aws:ses:eu-west-1:111122223333:identity/example.org\" }. Required: Cognito's default sender has a daily limit AWS documents as too low for production (only the local environment uses it)."
  type = object({
    from_address     = string
    ses_identity_arn = string
    reply_to_address = optional(string)
  })

  validation {
    condition     = !can(regex("(@|identity/)(.+\\.)?example\\.(com|net|org)>?$", lower(var.cognito_email_sender.from_address))) && !can(regex("identity/(.+\\.)?example\\.(com|net|org)$", lower(var.cognito_email_sender.ses_identity_arn)))
    error_message = "cognito_email_sender is a placeholder (example.com/net/org can never be verified in SES): use a verified identity of your domain."
  }
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
