# A WAFv2 web ACL for an API stage (scope REGIONAL) or a CloudFront distribution
# (scope CLOUDFRONT, which AWS only accepts in us-east-1: give this module a provider
# for that region). Rules, in evaluation order: a rate limit per client IP, then
# AWS's managed common rule set and known-bad-inputs rule set (Log4j, and other
# exploit patterns). Requests are allowed unless a rule blocks them. Every rule
# reports metrics and sampled requests; the ACL logs to its own log group.

locals {
  # CloudWatch metric names allow letters, digits, hyphens and underscores.
  metric_prefix = replace(var.name, "/[^A-Za-z0-9_-]/", "-")

}

resource "aws_wafv2_web_acl" "this" {
  name        = var.name
  description = var.description
  scope       = var.scope

  default_action {
    allow {}
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 10

    action {
      block {}
    }

    statement {
      rate_based_statement {
        # Requests per client IP in any 5-minute window.
        limit              = var.rate_limit_per_5_minutes
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}-rate-limit-per-ip"
      sampled_requests_enabled   = true
    }
  }

  # The managed groups keep their own (blocking) actions: "none" overrides nothing.
  # Written out rather than generated, so that scanners (checkov's Log4j check) see them.
  rule {
    name     = "common"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"

        # Rules of the set that only count (e.g. SizeRestrictions_BODY for an API that
        # takes larger bodies): a per-deployment exception, none by default.
        dynamic "rule_action_override" {
          for_each = var.common_rules_count_only
          content {
            name = rule_action_override.value
            action_to_use {
              count {}
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "known-bad-inputs"
    priority = 30

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = local.metric_prefix
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

# WAF logs only to log groups named aws-waf-logs-*.
resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is the caller's per-environment decision (log_retention_days, validated), as for every log group of this repository.
  #checkov:skip=CKV_AWS_158:A CLOUDFRONT ACL logs in us-east-1, where the architectures have no key; pass log_kms_key_arn (a key in the ACL's region) to use a customer managed key. CloudWatch Logs encrypts at rest either way, and Authorization headers are redacted.
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.this.arn]

  # Bearer tokens (Cognito ID tokens) must never reach a log.
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }
}
