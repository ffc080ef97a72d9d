# Offline tests of the user pool: plan only, mocked AWS provider.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  override_during = plan

  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id       = "eu-west-1_AbCdEfGhI"
      arn      = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI"
      endpoint = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI"
    }
  }
}

variables {
  name = "refarch-test-web-users"
}

run "secure_defaults" {
  command = plan

  assert {
    condition = (
      one(aws_cognito_user_pool.this.user_attribute_update_settings).attributes_require_verification_before_update == toset(["email"])
    )
    error_message = "An email change must wait for its verification code (else a token can carry anyone's address)."
  }

  assert {
    condition = (
      aws_cognito_user_pool.this.name == "refarch-test-web-users" &&
      aws_cognito_user_pool.this.username_attributes == toset(["email"]) &&
      aws_cognito_user_pool.this.auto_verified_attributes == toset(["email"]) &&
      one(aws_cognito_user_pool.this.username_configuration).case_sensitive == false
    )
    error_message = "Users sign in with their auto-verified, case-insensitive email."
  }

  assert {
    condition = (
      one(aws_cognito_user_pool.this.password_policy).minimum_length == 12 &&
      one(aws_cognito_user_pool.this.password_policy).require_symbols &&
      one(aws_cognito_user_pool.this.password_policy).require_numbers &&
      one(aws_cognito_user_pool.this.password_policy).require_uppercase &&
      one(aws_cognito_user_pool.this.password_policy).require_lowercase
    )
    error_message = "Passwords: at least 12 characters of all four classes."
  }

  assert {
    condition     = aws_cognito_user_pool.this.mfa_configuration == "OPTIONAL" && length(aws_cognito_user_pool.this.software_token_mfa_configuration) == 1
    error_message = "TOTP MFA must be offered by default."
  }

  assert {
    condition     = one(one(aws_cognito_user_pool.this.account_recovery_setting).recovery_mechanism).name == "verified_email"
    error_message = "Account recovery must go through the verified email only."
  }

  assert {
    condition = (
      one(aws_cognito_user_pool.this.admin_create_user_config).allow_admin_create_user_only == false &&
      length(aws_cognito_user_pool.this.user_pool_add_ons) == 0 &&
      output.deletion_protection == "ACTIVE"
    )
    error_message = "Defaults: self sign-up, no billed threat protection, deletion protection on."
  }

  assert {
    condition     = output.arn == "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI" && output.endpoint == "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI"
    error_message = "arn and endpoint must be the pool's."
  }
}

run "options" {
  command = plan

  variables {
    password_minimum_length = 16
    mfa_configuration       = "OFF"
    advanced_security_mode  = "ENFORCED"
    allow_self_sign_up      = false
    deletion_protection     = false
  }

  assert {
    condition = (
      one(aws_cognito_user_pool.this.password_policy).minimum_length == 16 &&
      aws_cognito_user_pool.this.mfa_configuration == "OFF" &&
      length(aws_cognito_user_pool.this.software_token_mfa_configuration) == 0 &&
      one(aws_cognito_user_pool.this.user_pool_add_ons).advanced_security_mode == "ENFORCED" &&
      one(aws_cognito_user_pool.this.admin_create_user_config).allow_admin_create_user_only &&
      aws_cognito_user_pool.this.deletion_protection == "INACTIVE"
    )
    error_message = "Every input must reach the pool."
  }
}

run "rejects_short_passwords" {
  command = plan

  variables {
    password_minimum_length = 8
  }

  expect_failures = [var.password_minimum_length]
}

run "rejects_unknown_mfa" {
  command = plan

  variables {
    mfa_configuration = "SMS"
  }

  expect_failures = [var.mfa_configuration]
}

run "rejects_unknown_security_mode" {
  command = plan

  variables {
    advanced_security_mode = "STRICT"
  }

  expect_failures = [var.advanced_security_mode]
}

run "rejects_bad_name" {
  command = plan

  variables {
    name = "users/with/slashes"
  }

  expect_failures = [var.name]
}

# ---- Sender and tier (first apply in a new account) ----

run "default_sender_when_not_asked" {
  command = plan

  assert {
    condition     = length(aws_cognito_user_pool.this.email_configuration) == 0
    error_message = "Without email_configuration the pool keeps Cognito's default sender (local and throwaway pools)."
  }
}

run "ses_identity_in_developer_mode" {
  command = plan

  variables {
    email_configuration = {
      from_address     = "Corp <no-reply@corp.io>"
      ses_identity_arn = "arn:aws:ses:eu-west-1:123456789012:identity/corp.io"
    }
  }

  assert {
    condition = (
      one(aws_cognito_user_pool.this.email_configuration).email_sending_account == "DEVELOPER" &&
      one(aws_cognito_user_pool.this.email_configuration).source_arn == "arn:aws:ses:eu-west-1:123456789012:identity/corp.io" &&
      one(aws_cognito_user_pool.this.email_configuration).from_email_address == "Corp <no-reply@corp.io>"
    )
    error_message = "email_configuration must send through the given SES identity in DEVELOPER mode."
  }
}

run "advanced_security_needs_the_plus_tier" {
  command = plan

  variables {
    advanced_security_mode = "AUDIT"
  }

  assert {
    condition     = aws_cognito_user_pool.this.user_pool_tier == "PLUS"
    error_message = "AUDIT/ENFORCED fail on ESSENTIALS (FeatureUnavailableInTierException): the tier must be PLUS."
  }
}

run "rejects_a_non_ses_identity_arn" {
  command = plan

  variables {
    email_configuration = {
      from_address     = "no-reply@corp.io"
      ses_identity_arn = "arn:aws:iam::123456789012:role/corp"
    }
  }

  expect_failures = [var.email_configuration]
}

run "rejects_a_from_address_without_at" {
  command = plan

  variables {
    email_configuration = {
      from_address     = "corp.io"
      ses_identity_arn = "arn:aws:ses:eu-west-1:123456789012:identity/corp.io"
    }
  }

  expect_failures = [var.email_configuration]
}
