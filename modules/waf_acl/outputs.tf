output "arn" {
  description = "ARN of the web ACL: api.web_acl_arn of web_app / mobile_backend (REGIONAL) or cloudfront_web_acl_id of web_app (CLOUDFRONT)."
  value       = aws_wafv2_web_acl.this.arn
}

output "rules" {
  description = "The ACL's rules as {name = priority}, for review and tests."
  value       = { for r in aws_wafv2_web_acl.this.rule : r.name => r.priority }
}

output "log_group_name" {
  description = "Log group of the ACL's request logs (Authorization redacted)."
  value       = aws_cloudwatch_log_group.this.name
}
