# The project's one alarm block: a KMS-encrypted SNS topic, an optional email
# subscription, and one CloudWatch alarm per entry of `alarms`, all notifying the
# topic. Every architecture describes what to watch; how alarms are wired lives here.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  topic_name = "${var.name}-alarms"

  # The key policy statement the caller's key needs so CloudWatch can publish to the
  # encrypted topic (without it alarms fail silently). Exported rather than applied:
  # the key belongs to the caller, who also encrypts other things with it.
  kms_key_policy_statement = {
    Sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
    Effect    = "Allow"
    Principal = { Service = "cloudwatch.${data.aws_partition.current.dns_suffix}" }
    Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
    Resource  = "*"
    Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
  }
}

resource "aws_sns_topic" "this" {
  name              = local.topic_name
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

# Replaces SNS's default topic policy: CloudWatch alarms of this account may publish
# (the default policy allowed that through AWS:SourceOwner), and nothing is accepted
# over plain HTTP. Same-account principals are decided by their IAM policies.
resource "aws_sns_topic_policy" "this" {
  count = var.deny_insecure_transport ? 1 : 0

  arn = aws_sns_topic.this.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.${data.aws_partition.current.dns_suffix}" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this.arn
        Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "sns:*"
        Resource  = aws_sns_topic.this.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = var.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  period              = var.period_seconds
  evaluation_periods  = each.value.evaluation_periods
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  # Every alarm here counts bad things (errors, age, queued failures): no data
  # means no traffic, which is healthy.
  treat_missing_data = "notBreaching"
  alarm_actions      = [aws_sns_topic.this.arn]
  ok_actions         = [aws_sns_topic.this.arn]
  tags               = var.tags
}
