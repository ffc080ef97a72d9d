# Offline tests of the account-level API Gateway logging role: plan only, mocked AWS.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/refarch-test-apigateway-cloudwatch" }
  }
}

variables {
  role_name = "refarch-test-apigateway-cloudwatch"
}

run "only_api_gateway_of_this_account_assumes_the_role" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role.this.assume_role_policy).Statement == [{
      Sid       = "ApiGatewayAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }]
    error_message = "Only apigateway.amazonaws.com, for this account, may assume the role."
  }
}

run "writes_only_this_accounts_log_groups_in_this_region" {
  command = plan

  assert {
    condition = alltrue([
      for statement in jsondecode(aws_iam_role_policy.this.policy).Statement :
      statement.Resource == "arn:aws:logs:eu-west-1:123456789012:log-group:*" && alltrue([
        for action in statement.Action : startswith(action, "logs:") && !strcontains(action, "*")
      ])
    ])
    error_message = "The role may only use named logs: actions on this account's log groups in this region."
  }

  assert {
    condition     = aws_api_gateway_account.this.cloudwatch_role_arn == "arn:aws:iam::123456789012:role/refarch-test-apigateway-cloudwatch"
    error_message = "The account setting must point at this role."
  }
}

run "rejects_an_invalid_role_name" {
  command = plan

  variables {
    role_name = "has spaces/and slashes"
  }

  expect_failures = [var.role_name]
}
