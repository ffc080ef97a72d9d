# Offline tests of the web ACL block: plan only, mocked AWS provider.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  override_during = plan

  mock_resource "aws_wafv2_web_acl" {
    defaults = { arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/refarch-test-api/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-refarch-test-api" }
  }
}

variables {
  name = "refarch-test-api"
}

run "rate_limit_then_managed_rule_groups" {
  command = plan

  assert {
    condition     = { for r in aws_wafv2_web_acl.this.rule : r.name => r.priority } == { rate-limit-per-ip = 10, common = 20, known-bad-inputs = 30 }
    error_message = "The ACL must rate-limit first, then apply the common and known-bad-inputs rule groups."
  }

  assert {
    condition = {
      for r in aws_wafv2_web_acl.this.rule : r.name => one(one(r.statement).managed_rule_group_statement).name
      if length(one(r.statement).managed_rule_group_statement) > 0
    } == { common = "AWSManagedRulesCommonRuleSet", known-bad-inputs = "AWSManagedRulesKnownBadInputsRuleSet" }
    error_message = "The managed rule groups must be AWS's common and known-bad-inputs sets."
  }

  assert {
    condition = [
      for r in aws_wafv2_web_acl.this.rule : one(one(r.statement).rate_based_statement)
      if length(one(r.statement).rate_based_statement) > 0
    ][0].limit == 2000
    error_message = "The default rate limit is 2000 requests per IP per 5 minutes."
  }

  assert {
    condition = alltrue([
      for r in aws_wafv2_web_acl.this.rule : length(one(r.override_action).none) == 1 if length(r.override_action) > 0
    ]) && alltrue([for r in aws_wafv2_web_acl.this.rule : one(r.visibility_config).cloudwatch_metrics_enabled])
    error_message = "Managed groups keep their own (blocking) actions; every rule reports metrics."
  }

  assert {
    condition = (
      aws_wafv2_web_acl.this.scope == "REGIONAL" &&
      length(one(aws_wafv2_web_acl.this.default_action).allow) == 1 &&
      aws_cloudwatch_log_group.this.name == "aws-waf-logs-refarch-test-api" &&
      one(aws_wafv2_web_acl_logging_configuration.this.redacted_fields).single_header[0].name == "authorization"
    )
    error_message = "A regional ACL, allowing by default, logging to aws-waf-logs-<name> with Authorization redacted."
  }
}

run "cloudfront_scope_and_count_only_rules" {
  command = plan

  variables {
    scope                    = "CLOUDFRONT"
    rate_limit_per_5_minutes = 500
    common_rules_count_only  = ["SizeRestrictions_BODY"]
  }

  assert {
    condition = aws_wafv2_web_acl.this.scope == "CLOUDFRONT" && [
      for r in aws_wafv2_web_acl.this.rule : one(one(r.statement).managed_rule_group_statement).rule_action_override[0].name
      if r.name == "common"
    ] == ["SizeRestrictions_BODY"]
    error_message = "CLOUDFRONT scope, and the listed common rules only count."
  }
}

run "rejects_unknown_scope" {
  command = plan

  variables {
    scope = "GLOBAL"
  }

  expect_failures = [var.scope]
}

run "rejects_rate_limit_below_waf_minimum" {
  command = plan

  variables {
    rate_limit_per_5_minutes = 5
  }

  expect_failures = [var.rate_limit_per_5_minutes]
}
