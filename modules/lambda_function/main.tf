# One Lambda building block for every function of the project: an execution role
# holding only the statements the caller passes in (plus the function's own
# logging/tracing), its log group, and the function itself. Packaging is not done
# here: `make build` produces a reproducible zip and this module only hashes it.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  log_group_name = "/aws/lambda/${var.function_name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  in_vpc         = length(var.vpc_subnet_ids) > 0

  ec2_arn_prefix         = "arn:${local.partition}:ec2:${local.region}:${local.account_id}"
  network_interfaces_arn = "${local.ec2_arn_prefix}:network-interface/*"
  subnet_arns            = [for id in var.vpc_subnet_ids : "${local.ec2_arn_prefix}:subnet/${id}"]
  security_group_arns    = [for id in var.vpc_security_group_ids : "${local.ec2_arn_prefix}:security-group/${id}"]

  # Policies are rendered with jsonencode rather than aws_iam_policy_document so that
  # the JSON is plain Terraform: `terraform test` with a mock provider can assert on it.
  base_statements = concat(
    [
      {
        # The log group is created by this module (not by Lambda on first run), so
        # the function needs no logs:CreateLogGroup, only writing its own streams.
        Sid      = "WriteOwnLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${local.log_group_arn}:*"]
      },
      {
        # X-Ray write APIs do not support resource-level permissions: "*" is the
        # only valid resource (same as the AWSXRayDaemonWriteAccess managed policy).
        Sid      = "WriteXRayTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = ["*"]
      },
    ],
    [for statement in [
      {
        # Lambda's Hyperplane ENI management runs with this role. Describe* has no
        # resource-level permissions ("*" is the only valid resource).
        Sid      = "DescribeVpcNetworkInterfaces"
        Effect   = "Allow"
        Action   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
        Resource = ["*"]
      },
      {
        # Narrower than AWSLambdaVPCAccessExecutionRole ("*"): an interface may only be
        # created in the function's own subnets with its own security groups.
        Sid      = "CreateVpcNetworkInterfaces"
        Effect   = "Allow"
        Action   = ["ec2:CreateNetworkInterface"]
        Resource = concat([local.network_interfaces_arn], local.subnet_arns, local.security_group_arns)
      },
      {
        # ...and only the interfaces in those subnets may be changed or deleted.
        Sid       = "ManageVpcNetworkInterfaces"
        Effect    = "Allow"
        Action    = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
        Resource  = [local.network_interfaces_arn]
        Condition = { ArnEquals = { "ec2:Subnet" = local.subnet_arns } }
      },
    ] : statement if local.in_vpc],
  )

  caller_statements = [
    for s in var.policy_statements : merge(
      {
        Sid      = s.sid
        Effect   = s.effect
        Action   = s.actions
        Resource = s.resources
      },
      length(s.conditions) == 0 ? {} : {
        Condition = {
          for test in distinct([for c in s.conditions : c.test]) :
          test => { for c in s.conditions : c.variable => c.values if c.test == test }
        }
      },
    )
  ]

  base_policy_json = jsonencode({
    Version   = "2012-10-17"
    Statement = local.base_statements
  })

  function_policy_json = length(local.caller_statements) == 0 ? null : jsonencode({
    Version   = "2012-10-17"
    Statement = local.caller_statements
  })
}

resource "aws_iam_role" "this" {
  name        = "${var.function_name}-role"
  description = "Execution role of the ${var.function_name} Lambda function"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "LambdaAssumeRole"
        Effect    = "Allow"
        Principal = { Service = "lambda.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
  tags = var.tags
}

# Inline policies (not managed ones): they live and die with the role, so no policy
# can be left behind or attached elsewhere by mistake.
resource "aws_iam_role_policy" "base" {
  name   = "logs-and-tracing"
  role   = aws_iam_role.this.id
  policy = local.base_policy_json
}

resource "aws_iam_role_policy" "function" {
  count = local.function_policy_json == null ? 0 : 1

  name   = "function-permissions"
  role   = aws_iam_role.this.id
  policy = local.function_policy_json
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is the caller's per-environment decision (log_retention_days, validated): function logs are operational, not an audit trail (CloudTrail is); prod sets 365+, dev/local keep days to limit cost.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:No dead_letter_config by design: asynchronous/stream callers use on-failure destinations (set on the event source mapping), which carry the failure context a DLQ drops.
  #checkov:skip=CKV_AWS_117:A VPC is per function (vpc_subnet_ids): only functions that reach private resources (the mobile backend's DAX) run in one; the others call AWS APIs only, and would need NAT or interface endpoints in a VPC. This check passed only because of the optional block.
  #checkov:skip=CKV_AWS_272:Code signing is not used: artifacts are built reproducibly by `make build` and their SHA-256 is pinned via source_code_hash.
  #checkov:skip=CKV_AWS_50:X-Ray is always on: tracing_config is unconditional and tracing_mode is validated to be Active or PassThrough (what this check asks; terraform test asserts it). Callers pass it from their typed settings object, whose optional() defaults checkov does not evaluate.
  function_name = var.function_name
  description   = var.description
  role          = aws_iam_role.this.arn

  filename         = var.filename
  source_code_hash = filebase64sha256(var.filename)
  handler          = var.handler
  runtime          = var.runtime
  architectures    = [var.architecture]
  layers           = length(var.layers) == 0 ? null : var.layers
  publish          = var.publish

  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions == null ? -1 : var.reserved_concurrent_executions
  kms_key_arn                    = var.kms_key_arn

  dynamic "environment" {
    for_each = length(var.environment_variables) == 0 ? [] : [1]
    content {
      variables = var.environment_variables
    }
  }

  tracing_config {
    mode = var.tracing_mode
  }

  dynamic "vpc_config" {
    for_each = local.in_vpc ? [1] : []
    content {
      subnet_ids         = var.vpc_subnet_ids
      security_group_ids = var.vpc_security_group_ids
    }
  }

  tags = var.tags

  # The log group must exist first (otherwise Lambda creates one with no retention
  # on first invocation and Terraform then fails to create it), and the role's
  # policies must be in place before anything invokes the function.
  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.base,
    aws_iam_role_policy.function,
  ]
}
