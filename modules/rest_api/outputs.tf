output "id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "name" {
  description = "Name of the REST API (the ApiName dimension of its CloudWatch metrics)."
  value       = aws_api_gateway_rest_api.this.name
}

output "stage_name" {
  description = "Name of the deployed stage (the Stage dimension of its CloudWatch metrics)."
  value       = aws_api_gateway_stage.this.stage_name
}

output "stage_arn" {
  description = "ARN of the stage (what a WAF web ACL is associated with)."
  value       = aws_api_gateway_stage.this.arn
}

output "url" {
  description = "Base URL of the API: the stage's invoke URL, or url_override with {api_id}/{stage} filled in."
  value       = var.url_override != null ? replace(replace(var.url_override, "{api_id}", aws_api_gateway_rest_api.this.id), "{stage}", aws_api_gateway_stage.this.stage_name) : aws_api_gateway_stage.this.invoke_url
}

output "origin" {
  description = "scheme://host[:port] the API answers on, e.g. for a Content-Security-Policy. Known from the API alone, before the stage: a function behind the API may be configured with it without a cycle."
  value       = var.url_override != null ? regex("^https?://[^/]+", replace(var.url_override, "{api_id}", aws_api_gateway_rest_api.this.id)) : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${data.aws_region.current.name}.${data.aws_partition.current.dns_suffix}"
}

output "methods" {
  description = "Every method of the API, keyed \"VERB /path\": whether it uses the authorizer and whether it is cached."
  value       = { for key, m in local.methods : key => { authorized = m.authorized, cached = m.cached } }
}

output "access_log_group_name" {
  description = "Name of the access log group."
  value       = aws_cloudwatch_log_group.access.name
}

output "execution_log_group_name" {
  description = "Name of the execution log group (API Gateway's name)."
  value       = aws_cloudwatch_log_group.execution.name
}

output "web_acl_arn" {
  description = "ARN of the WAFv2 web ACL associated with the stage; null when none is."
  value       = one(aws_wafv2_web_acl_association.this[*].web_acl_arn)
}
