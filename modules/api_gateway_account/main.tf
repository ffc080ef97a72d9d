# The account-wide API Gateway -> CloudWatch Logs role, needed before any stage of
# the account can write access or execution logs. API Gateway keeps ONE such role
# per account and region: exactly one stack of an account/region may use this
# module (the others depend on it being there).

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
}

resource "aws_iam_role" "this" {
  name        = var.role_name
  description = "Lets API Gateway write execution and access logs of this account's APIs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ApiGatewayAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name = "push-to-cloudwatch-logs"
  role = aws_iam_role.this.id
  # The same actions as AWS's AmazonAPIGatewayPushToCloudWatchLogs managed policy,
  # but limited to this account's log groups in this region: the role is shared by
  # every API of the account, whose log group names API Gateway chooses.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "WriteApiGatewayLogs"
      Effect = "Allow"
      Action = [
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:DescribeLogGroups",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
        "logs:GetLogEvents",
        "logs:FilterLogEvents",
      ]
      Resource = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
    }]
  })
}

resource "aws_api_gateway_account" "this" {
  cloudwatch_role_arn = aws_iam_role.this.arn
  depends_on          = [aws_iam_role_policy.this]
}
