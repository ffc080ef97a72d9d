# Offline tests of the cloud root's settings (dev, staging and prod link these files):
# what a first apply in a new account needs is refused at plan time with a clear error.
# Plan only, mocked AWS provider.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/refarch-prod-role" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:refarch-prod-alarms" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:123456789012:refarch-prod-queue" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/refarch-prod" }
  }
}

# CloudFront's web ACL lives in us-east-1 (controls.tf).
mock_provider "aws" {
  alias           = "us_east_1"
  override_during = plan
}

# A valid environment plans: the failures below come from the settings alone.
run "valid_settings_plan" {
  command = plan
}

variables {
  environment                   = "prod"
  aws_region                    = "eu-west-1"
  artifacts_dir                 = "tests/fixtures/artifacts"
  configure_api_gateway_account = true
  alarm_email                   = "oncall@corp.io"
  sender_email                  = "welcome@corp.io"
  cognito_email_sender = {
    from_address     = "Corp <no-reply@corp.io>"
    ses_identity_arn = "arn:aws:ses:eu-west-1:123456789012:identity/corp.io"
  }

  stream_mode                        = "PROVISIONED"
  shard_count                        = 4
  stream_retention_hours             = 168
  processor_memory_size              = 1769
  processor_timeout                  = 120
  batch_size                         = 1000
  maximum_batching_window_in_seconds = 10
  parallelization_factor             = 2
  maximum_retry_attempts             = 10
  maximum_record_age_in_seconds      = 86400
  log_level                          = "INFO"
  log_retention_days                 = 365
  iterator_age_alarm_threshold_ms    = 60000
}

run "environment_name_fits_the_dax_cluster_name" {
  command = plan

  variables {
    environment = "preprod01"
  }

  # refarch-preprod01-dax is 21 characters: DAX allows 20.
  expect_failures = [var.environment]
}

run "placeholder_sender_is_refused" {
  command = plan

  variables {
    sender_email = "welcome@example.com"
  }

  expect_failures = [var.sender_email]
}

run "placeholder_cognito_sender_is_refused" {
  command = plan

  variables {
    cognito_email_sender = {
      from_address     = "no-reply@example.org"
      ses_identity_arn = "arn:aws:ses:eu-west-1:123456789012:identity/example.org"
    }
  }

  expect_failures = [var.cognito_email_sender]
}

run "placeholder_alarm_email_is_refused" {
  command = plan

  variables {
    alarm_email = "oncall@example.com"
  }

  expect_failures = [var.alarm_email]
}
