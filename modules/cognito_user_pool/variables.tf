variable "name" {
  description = "Name of the user pool, e.g. `refarch-dev-web-users`."
  type        = string

  validation {
    condition     = can(regex("^[\\w\\s+=,.@-]{1,128}$", var.name))
    error_message = "name must be 1-128 characters of letters, digits, spaces and _+=,.@-."
  }
}

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

# ---- Sending (first apply in a new account) ----------------------------------------
variable "email_configuration" {
  description = "How the pool mails sign-up codes and password resets: a verified SES identity in DEVELOPER mode (from_address, e.g. `Example <no-reply@example.org>`; ses_identity_arn of that address or its domain, in the pool's region or us-east-1/us-west-2/eu-west-1; optional reply_to_address). Cognito refuses an unverified identity. null = Cognito's default sender, whose daily limit is too low for production: for local and throwaway pools only."
  type = object({
    from_address     = string
    ses_identity_arn = string
    reply_to_address = optional(string)
  })
  default = null

  validation {
    condition     = var.email_configuration == null || can(regex("^arn:aws[a-z-]*:ses:[a-z0-9-]+:[0-9]{12}:identity/[^/]+$", var.email_configuration.ses_identity_arn))
    error_message = "email_configuration.ses_identity_arn must be an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<address or domain>)."
  }

  validation {
    condition     = var.email_configuration == null || can(regex("@", var.email_configuration.from_address))
    error_message = "email_configuration.from_address must be an email address (optionally `Name <address>`)."
  }
}
# ---- end sending ------------------------------------------------------------------

variable "allow_self_sign_up" {
  description = "Let visitors create their own account (email verified by code). false: only administrators create users."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Deletion protection of the pool (a destroy or replacement fails until it is switched off). Keep true outside throwaway environments."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to the pool."
  type        = map(string)
  default     = {}
}
