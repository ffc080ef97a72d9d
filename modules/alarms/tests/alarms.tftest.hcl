# Offline tests of the alarm block: plan only, mocked AWS provider.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:refarch-test-web-alarms" }
  }
}

variables {
  name        = "refarch-test-web"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  alarms = {
    api-5xx = {
      description = "The API answered with 5xx."
      namespace   = "AWS/ApiGateway"
      metric_name = "5XXError"
      statistic   = "Sum"
      threshold   = 0
      dimensions  = { ApiName = "refarch-test-web-api", Stage = "v1" }
    }
    failure-queue-depth = {
      description        = "Events wait in the failure queue."
      namespace          = "AWS/SQS"
      metric_name        = "ApproximateNumberOfMessagesVisible"
      statistic          = "Maximum"
      threshold          = 5
      evaluation_periods = 3
      dimensions         = { QueueName = "refarch-test-web-failures" }
    }
  }
}

run "alarms_notify_the_encrypted_topic" {
  command = plan

  assert {
    condition     = aws_sns_topic.this.name == "refarch-test-web-alarms" && aws_sns_topic.this.kms_master_key_id == var.kms_key_arn
    error_message = "The topic must be <name>-alarms, encrypted with the given key."
  }

  assert {
    condition     = output.alarm_names == { api-5xx = "refarch-test-web-api-5xx", failure-queue-depth = "refarch-test-web-failure-queue-depth" }
    error_message = "One alarm per entry, named <name>-<key>."
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.this :
      a.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:refarch-test-web-alarms"]) &&
      a.ok_actions == a.alarm_actions &&
      a.comparison_operator == "GreaterThanThreshold" &&
      a.treat_missing_data == "notBreaching" &&
      a.period == 60
    ])
    error_message = "Every alarm must notify the topic on ALARM and OK, fire above its threshold, and treat no data as healthy."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["failure-queue-depth"].threshold == 5 &&
      aws_cloudwatch_metric_alarm.this["failure-queue-depth"].evaluation_periods == 3 &&
      aws_cloudwatch_metric_alarm.this["failure-queue-depth"].dimensions.QueueName == "refarch-test-web-failures" &&
      length(aws_cloudwatch_metric_alarm.this["failure-queue-depth"].dimensions) == 1 &&
      aws_cloudwatch_metric_alarm.this["api-5xx"].evaluation_periods == 1
    )
    error_message = "Thresholds, periods and dimensions must be passed through (evaluation_periods defaults to 1)."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0 && output.email_subscription_endpoint == null
    error_message = "Nobody is subscribed unless alarm_email is given."
  }

  assert {
    condition = output.kms_key_policy_statement == {
      Sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }
    error_message = "The key-policy statement must let only CloudWatch of this account use the key."
  }
}

run "email_subscription" {
  command = plan
  variables {
    alarm_email    = "oncall@example.com"
    period_seconds = 300
  }
  assert {
    condition     = aws_sns_topic_subscription.email[0].protocol == "email" && aws_sns_topic_subscription.email[0].endpoint == "oncall@example.com"
    error_message = "alarm_email must be subscribed by email."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.period == 300])
    error_message = "period_seconds must apply to every alarm."
  }
}

run "rejects_bad_email" {
  command = plan
  variables {
    alarm_email = "not-an-email"
  }
  expect_failures = [var.alarm_email]
}

run "rejects_period_not_multiple_of_60" {
  command = plan
  variables {
    period_seconds = 90
  }
  expect_failures = [var.period_seconds]
}

run "rejects_unknown_statistic" {
  command = plan
  variables {
    alarms = {
      errors = { description = "x", namespace = "AWS/Lambda", metric_name = "Errors", statistic = "p99", threshold = 0, dimensions = {} }
    }
  }
  expect_failures = [var.alarms]
}

run "rejects_bad_alarm_key" {
  command = plan
  variables {
    alarms = {
      "Errors Alarm" = { description = "x", namespace = "AWS/Lambda", metric_name = "Errors", statistic = "Sum", threshold = 0, dimensions = {} }
    }
  }
  expect_failures = [var.alarms]
}

run "rejects_non_kms_key" {
  command = plan
  variables {
    kms_key_arn = "alias/aws/sns"
  }
  expect_failures = [var.kms_key_arn]
}

run "topic_refuses_plain_http_and_lets_alarms_publish" {
  command = plan

  assert {
    condition = jsondecode(aws_sns_topic_policy.this[0].policy).Statement == [
      {
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:eu-west-1:123456789012:refarch-test-web-alarms"
        Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "sns:*"
        Resource  = "arn:aws:sns:eu-west-1:123456789012:refarch-test-web-alarms"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
    error_message = "The topic policy must let this account's alarms publish and deny plain HTTP."
  }
}

run "no_topic_policy_for_the_emulator" {
  command = plan

  variables {
    deny_insecure_transport = false
  }

  assert {
    condition     = length(aws_sns_topic_policy.this) == 0
    error_message = "deny_insecure_transport = false must leave SNS's default topic policy."
  }
}
