# Offline test of prod's own settings (terraform.tfvars of this directory is read):
# the production controls are on and wired into the architectures. Plan only, against
# mocked providers (the environment's region and us-east-1 for CloudFront's WAF).
#   cd infra/environments/prod && terraform init -backend=false && terraform test
# The artifacts are empty stand-ins for `make build`'s zips (one per function).

mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }
  mock_resource "aws_wafv2_web_acl" {
    defaults = { arn = "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/refarch-prod-api/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id               = "a1b2c3d4e5"
      root_resource_id = "rootres123"
      execution_arn    = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5"
    }
  }
  mock_resource "aws_api_gateway_stage" {
    defaults = {
      invoke_url = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1"
      arn        = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/v1"
    }
  }
  mock_resource "aws_cloudfront_distribution" {
    defaults = {
      id          = "EDFDVBD6EXAMPLE"
      arn         = "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"
      domain_name = "d111111abcdef8.cloudfront.net"
    }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id       = "eu-west-1_AbCdEfGhI"
      arn      = "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_AbCdEfGhI"
      endpoint = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI"
    }
  }
  mock_resource "aws_ses_email_identity" {
    defaults = { arn = "arn:aws:ses:eu-west-1:111122223333:identity/welcome@example.com" }
  }
  mock_resource "aws_dax_cluster" {
    defaults = {
      arn             = "arn:aws:dax:eu-west-1:111122223333:cache/refarch-prod-dax"
      cluster_address = "refarch-prod-dax.abc123.dax-clusters.eu-west-1.amazonaws.com"
    }
  }
}

mock_provider "aws" {
  alias           = "us_east_1"
  override_during = plan

  mock_resource "aws_wafv2_web_acl" {
    defaults = { arn = "arn:aws:wafv2:us-east-1:111122223333:global/webacl/refarch-prod-site/11111111-2222-3333-4444-555555555555" }
  }
}

# prod's tfvars leave the required contacts to the operator (no placeholder sender):
# stand-ins for the values a real deployment sets.
variables {
  artifacts_dir = "tests/fixtures/artifacts"
  alarm_email   = "oncall@corp.io"
  sender_email  = "welcome@corp.io"
  cognito_email_sender = {
    from_address     = "Corp <no-reply@corp.io>"
    ses_identity_arn = "arn:aws:ses:eu-west-1:111122223333:identity/corp.io"
  }
}

# What the environment passes to the architectures (main.tf hands these locals to
# web_app, mobile_backend and stream_processing; their own tests cover the rest).
run "production_controls_are_on_and_wired" {
  command = plan

  assert {
    condition = (
      module.api_waf[0].rules == { rate-limit-per-ip = 10, common = 20, known-bad-inputs = 30 } &&
      module.cloudfront_waf[0].rules == { rate-limit-per-ip = 10, common = 20, known-bad-inputs = 30 } &&
      local.api_web_acl_arn == "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/refarch-prod-api/11111111-2222-3333-4444-555555555555" &&
      local.cloudfront_web_acl_id == "arn:aws:wafv2:us-east-1:111122223333:global/webacl/refarch-prod-site/11111111-2222-3333-4444-555555555555"
    )
    error_message = "prod must put the regional ACL on the APIs and the us-east-1 ACL on CloudFront."
  }

  assert {
    condition = (
      local.access_log_bucket == "refarch-prod-logs-111122223333-eu-west-1" &&
      local.cloudfront_log_bucket == "refarch-prod-logs-111122223333-eu-west-1.s3.amazonaws.com"
    )
    error_message = "prod must log every bucket's and CloudFront's accesses to the log bucket."
  }

  assert {
    condition = var.data_events_trail_enabled && local.data_bucket_arns == [
      "arn:aws:s3:::refarch-prod-web-uploads-111122223333-eu-west-1",
      "arn:aws:s3:::refarch-prod-web-thumbnails-111122223333-eu-west-1",
      "arn:aws:s3:::refarch-prod-mobile-files-111122223333-eu-west-1",
      "arn:aws:s3:::refarch-prod-stream-archive-111122223333-eu-west-1",
    ]
    error_message = "prod must record the object events of the four data buckets."
  }
}

run "the_trail_needs_the_log_bucket" {
  command = plan

  variables {
    access_logging_enabled = false
  }

  expect_failures = [var.data_events_trail_enabled]
}
