# ---------------------------------------------------------------------------
# Cognito: the site's users sign in with their email (SRP, never a password on
# the wire) and call the API with the ID token
# ---------------------------------------------------------------------------
module "user_pool" {
  source = "../cognito_user_pool"

  name                    = "${local.name}-users"
  password_minimum_length = var.password_minimum_length
  mfa_configuration       = var.mfa_configuration
  advanced_security_mode  = var.advanced_security_mode
  allow_self_sign_up      = var.allow_self_sign_up
  deletion_protection     = var.settings.deletion_protection
  email_configuration     = var.cognito_email_configuration
  tags                    = local.tags
}

resource "aws_cognito_user_pool_client" "web" {
  name         = "${local.name}-site"
  user_pool_id = module.user_pool.id

  # A browser cannot keep a secret: public client, SRP sign-in and refresh only
  # (no USER_PASSWORD_AUTH, no admin flows).
  generate_secret     = false
  explicit_auth_flows = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

  # The ID token carries the email the API stores for subscriptions; naming the
  # attributes also keeps any future custom attribute out of tokens by default.
  read_attributes = ["email", "email_verified"]
  # Users may change only their email, which the pool holds back until the new address
  # is verified; email_verified, and any attribute added later, stay out of their reach
  # (without the list a client may write every writable attribute).
  write_attributes = ["email"]

  # Sign-in and recovery answer the same for unknown users: emails do not leak.
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  access_token_validity  = var.access_token_validity_minutes
  id_token_validity      = var.id_token_validity_minutes
  refresh_token_validity = var.refresh_token_validity_days
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}
