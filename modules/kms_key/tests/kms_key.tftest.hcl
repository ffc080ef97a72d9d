# Offline tests of the KMS key: plan only, mocked AWS provider.
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
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }
}

variables {
  name        = "refarch-test-web"
  description = "Encrypts the refarch-test-web tables and logs"
  service_principal_statements = [{
    Sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
    Effect    = "Allow"
    Principal = { Service = "cloudwatch.amazonaws.com" }
    Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
    Resource  = "*"
    Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
  }]
}

run "rotating_key_with_alias" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_key.this.deletion_window_in_days == 30
    error_message = "The key must rotate and keep the 30-day deletion window by default."
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/refarch-test-web" && aws_kms_alias.this.target_key_id == "11111111-2222-3333-4444-555555555555"
    error_message = "The alias must be alias/<name> and point at the key."
  }

  assert {
    condition     = output.arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "arn must be the key's ARN."
  }
}

run "policy_statements_in_order" {
  command = plan

  assert {
    condition     = [for s in jsondecode(aws_kms_key.this.policy).Statement : s.Sid] == ["AccountAdministration", "CloudWatchLogsEncryption", "CloudWatchAlarmsPublishToEncryptedTopic"]
    error_message = "The policy must hold root, CloudWatch Logs, then the caller's statements, in that order (reordering would change the applied policy)."
  }

  assert {
    condition     = jsondecode(aws_kms_key.this.policy).Statement[0].Principal == { AWS = "arn:aws:iam::123456789012:root" }
    error_message = "The root statement must name this account's root."
  }

  assert {
    condition = jsondecode(aws_kms_key.this.policy).Statement[1] == {
      Sid       = "CloudWatchLogsEncryption"
      Effect    = "Allow"
      Principal = { Service = "logs.eu-west-1.amazonaws.com" }
      Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      Resource  = "*"
      Condition = { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:eu-west-1:123456789012:log-group:*" } }
    }
    error_message = "CloudWatch Logs must be granted the key only for this account's log groups in this region."
  }

  assert {
    condition     = jsonencode(jsondecode(aws_kms_key.this.policy).Statement[2]) == jsonencode(var.service_principal_statements[0])
    error_message = "The caller's service principal statement must be applied unchanged."
  }
}

run "no_extra_statements" {
  command = plan

  variables {
    service_principal_statements = []
  }

  assert {
    condition     = length(jsondecode(aws_kms_key.this.policy).Statement) == 2
    error_message = "Without service principal statements the policy holds only root and CloudWatch Logs."
  }
}

run "rejects_reserved_alias" {
  command = plan

  variables {
    name = "aws/s3"
  }

  expect_failures = [var.name]
}

run "rejects_short_deletion_window" {
  command = plan

  variables {
    deletion_window_in_days = 6
  }

  expect_failures = [var.deletion_window_in_days]
}

run "rejects_unconditioned_service_statement" {
  command = plan

  variables {
    service_principal_statements = [{
      Sid       = "Anyone"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = ["kms:Decrypt"]
      Resource  = "*"
      Condition = {}
    }]
  }

  expect_failures = [var.service_principal_statements]
}

run "rejects_duplicate_sid" {
  command = plan

  variables {
    service_principal_statements = [{
      Sid       = "AccountAdministration"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = ["kms:Decrypt"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }]
  }

  expect_failures = [var.service_principal_statements]
}
