# Offline tests of the pool's sender and tier (first apply in a new account): plan
# only, mocked AWS provider.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  override_during = plan

  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id  = "eu-west-1_AbCdEfGhI"
      arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI"
    }
  }
}

variables {
  name = "refarch-test-web-users"
}

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
