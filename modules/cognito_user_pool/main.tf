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

  # ---- Sending and tier (first apply in a new account) -----------------------------
  # Threat protection (advanced_security_mode AUDIT/ENFORCED) exists only on the PLUS
  # tier: on the default ESSENTIALS tier AWS answers FeatureUnavailableInTierException.
  # null leaves the tier AWS chose (ESSENTIALS for new pools); switching back to OFF
  # keeps PLUS until it is lowered on purpose.
  user_pool_tier = var.advanced_security_mode == "OFF" ? null : "PLUS"

  # Without it Cognito sends with its default sender, whose daily limit AWS documents
  # as too low for production: sign-up codes stop arriving.
  dynamic "email_configuration" {
    for_each = var.email_configuration == null ? [] : [var.email_configuration]
    content {
      email_sending_account  = "DEVELOPER"
      source_arn             = email_configuration.value.ses_identity_arn
      from_email_address     = email_configuration.value.from_address
      reply_to_email_address = email_configuration.value.reply_to_address
    }
  }
  # ---- end sending and tier ---------------------------------------------------------

  tags = var.tags
}
