# Offline tests of the Lambda building block: plan only, against a mocked AWS
# provider (no credentials, no network). Run from the module directory:
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  # Mocked values are needed during plan so that ARNs (and so the policies) render.
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
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/refarch-test-fn-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/refarch-test-fn" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn           = "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-fn"
      invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-fn/invocations"
      qualified_arn = "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-fn:$LATEST"
    }
  }
}

variables {
  function_name = "refarch-test-fn"
  filename      = "tests/fixtures/handler.zip"
  handler       = "app.handler.lambda_handler"
  policy_statements = [
    {
      sid       = "ReadTable"
      actions   = ["dynamodb:GetItem", "dynamodb:Query"]
      resources = ["arn:aws:dynamodb:eu-west-1:123456789012:table/items"]
    },
    {
      sid       = "UseKey"
      actions   = ["kms:Decrypt"]
      resources = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["dynamodb.eu-west-1.amazonaws.com"] },
        { test = "StringEquals", variable = "aws:PrincipalAccount", values = ["123456789012"] },
      ]
    },
  ]
}

run "defaults_and_caller_policy" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.12" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "Default runtime/architecture must be python3.12 on arm64."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("tests/fixtures/handler.zip")
    error_message = "source_code_hash must be the artifact's SHA-256 so an unchanged zip causes no update."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "A null reserved concurrency must leave the function unreserved (-1)."
  }

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "X-Ray tracing must default to Active."
  }

  assert {
    condition     = length(aws_lambda_function.this.vpc_config) == 0 && length(aws_lambda_function.this.dead_letter_config) == 0
    error_message = "No VPC config unless subnets are given, and never a dead_letter_config (on-failure destinations are used)."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/refarch-test-fn" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "Log group must be /aws/lambda/<name> with the default 30-day retention."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com" && length(jsondecode(aws_iam_role.this.assume_role_policy).Statement) == 1
    error_message = "Only lambda.amazonaws.com may assume the role."
  }

  # The caller's statements are rendered exactly, conditions grouped by test.
  assert {
    condition     = jsondecode(aws_iam_role_policy.function[0].policy).Statement == jsondecode(output.policy_json).Statement
    error_message = "The role's function policy must be the one exposed as policy_json."
  }

  assert {
    condition = jsondecode(output.policy_json).Statement == [
      {
        Sid      = "ReadTable"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:Query"]
        Resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/items"]
      },
      {
        Sid      = "UseKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
        Condition = {
          StringEquals = {
            "kms:ViaService"       = ["dynamodb.eu-west-1.amazonaws.com"]
            "aws:PrincipalAccount" = ["123456789012"]
          }
        }
      },
    ]
    error_message = "Caller statements must be rendered exactly as given, nothing added."
  }

  # The module's own statements: its log group only, X-Ray (which has no
  # resource-level permissions) and nothing else.
  assert {
    condition = jsondecode(output.base_policy_json).Statement == [
      {
        Sid      = "WriteOwnLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/refarch-test-fn:*"]
      },
      {
        Sid      = "WriteXRayTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = ["*"]
      },
    ]
    error_message = "Base policy must grant only own-log-group writes and X-Ray writes."
  }
}

run "vpc_adds_eni_permissions" {
  command = plan

  variables {
    vpc_subnet_ids         = ["subnet-0123456789abcdef0"]
    vpc_security_group_ids = ["sg-0123456789abcdef0"]
  }

  assert {
    condition     = length(aws_lambda_function.this.vpc_config) == 1
    error_message = "vpc_config must be set when subnets are given."
  }

  assert {
    condition     = contains([for s in jsondecode(output.base_policy_json).Statement : s.Sid], "ManageVpcNetworkInterfaces")
    error_message = "ENI permissions must be added in a VPC."
  }

  # Only Describe* keeps "*" (no resource-level permissions); creating an interface
  # is pinned to the function's subnets and security groups, changing one to its subnets.
  assert {
    condition = [for s in jsondecode(output.base_policy_json).Statement : s.Resource if s.Sid == "CreateVpcNetworkInterfaces"][0] == [
      "arn:aws:ec2:eu-west-1:123456789012:network-interface/*",
      "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0123456789abcdef0",
      "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0123456789abcdef0",
    ]
    error_message = "CreateNetworkInterface must be limited to the function's subnets and security groups."
  }

  assert {
    condition = [for s in jsondecode(output.base_policy_json).Statement : s.Condition if s.Sid == "ManageVpcNetworkInterfaces"][0] == {
      ArnEquals = { "ec2:Subnet" = ["arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0123456789abcdef0"] }
    }
    error_message = "Deleting or re-addressing interfaces must be limited to the function's subnets."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.base_policy_json).Statement : s.Resource != ["*"] || s.Sid == "WriteXRayTraces" || s.Sid == "DescribeVpcNetworkInterfaces"
    ])
    error_message = "No ENI statement may keep Resource \"*\" except the Describe calls."
  }
}

run "environment_encrypted_with_the_given_key" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_lambda_function.this.kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The environment variables must be encrypted with kms_key_arn."
  }
}

run "no_statements_no_function_policy" {
  command = plan

  variables {
    policy_statements              = []
    architecture                   = "x86_64"
    reserved_concurrent_executions = 5
  }

  assert {
    condition     = length(aws_iam_role_policy.function) == 0 && output.policy_json == null
    error_message = "No caller statements must mean no function policy at all."
  }

  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["x86_64"]) && aws_lambda_function.this.reserved_concurrent_executions == 5
    error_message = "architecture and reserved concurrency must be passed through."
  }
}

run "rejects_bad_function_name" {
  command = plan
  variables {
    function_name = "bad name!"
  }
  expect_failures = [var.function_name]
}

run "rejects_function_name_too_long_for_role" {
  command = plan
  variables {
    function_name = "a23456789012345678901234567890123456789012345678901234567890"
  }
  expect_failures = [var.function_name]
}

run "rejects_missing_artifact" {
  command = plan
  variables {
    filename = "tests/fixtures/does-not-exist.zip"
  }
  expect_failures = [var.filename]
}

run "rejects_non_python_runtime" {
  command = plan
  variables {
    runtime = "nodejs20.x"
  }
  expect_failures = [var.runtime]
}

run "rejects_memory_out_of_range" {
  command = plan
  variables {
    memory_size = 64
  }
  expect_failures = [var.memory_size]
}

run "rejects_timeout_out_of_range" {
  command = plan
  variables {
    timeout = 901
  }
  expect_failures = [var.timeout]
}

run "rejects_unsupported_log_retention" {
  command = plan
  variables {
    log_retention_days = 2
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_wildcard_actions" {
  command = plan
  variables {
    policy_statements = [{ sid = "All", actions = ["s3:*"], resources = ["arn:aws:s3:::b/*"] }]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_duplicate_sids" {
  command = plan
  variables {
    policy_statements = [
      { sid = "Same", actions = ["s3:GetObject"], resources = ["arn:aws:s3:::b/*"] },
      { sid = "Same", actions = ["s3:PutObject"], resources = ["arn:aws:s3:::b/*"] },
    ]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_subnets_without_security_groups" {
  command = plan
  variables {
    vpc_subnet_ids = ["subnet-0123456789abcdef0"]
  }
  expect_failures = [var.vpc_security_group_ids]
}

run "rejects_reserved_runtime_variables" {
  command = plan
  variables {
    environment_variables = { AWS_REGION = "us-east-1" }
  }
  expect_failures = [var.environment_variables]
}
