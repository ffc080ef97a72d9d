# A Cognito user pool for email sign-in: users sign in with their auto-verified,
# case-insensitive email; passwords need all four character classes, MFA is by TOTP
# app, recovery by verified email. The app clients stay with the callers: each picks
# its own auth flows (SRP in this repository) and token lifetimes.

resource "aws_cognito_user_pool" "this" {
  name = var.name

  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  username_configuration {
    case_sensitive = false
  }

  # ---- Verified identities (an email change waits for its code) --------------------
  # Without it UpdateUserAttributes replaces `email` at once, unverified, and the ID
  # token carries the new address: anyone could set someone else's. With it Cognito
  # keeps the old, verified address (and sign-in with it) until the code sent to the
  # new one is confirmed, so the token's email is always one the user proved to own.
  user_attribute_update_settings {
    attributes_require_verification_before_update = ["email"]
  }
  # ---- end verified identities ------------------------------------------------------

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  mfa_configuration = var.mfa_configuration
  dynamic "software_token_mfa_configuration" {
    for_each = var.mfa_configuration == "OFF" ? [] : [1]
    content {
      enabled = true
    }
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  admin_create_user_config {
    allow_admin_create_user_only = !var.allow_self_sign_up
  }

  # Advanced security (compromised-credential and adaptive-authentication checks) is
  # billed per active user: off unless asked for.
  dynamic "user_pool_add_ons" {
    for_each = var.advanced_security_mode == "OFF" ? [] : [var.advanced_security_mode]
    content {
      advanced_security_mode = user_pool_add_ons.value
    }
  }

  deletion_protection = var.deletion_protection ? "ACTIVE" : "INACTIVE"

  tags = var.tags
}
