output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Unqualified ARN of the Lambda function (use for event source mappings, permissions and list_event_source_mappings)."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "ARN API Gateway uses to invoke the function."
  value       = aws_lambda_function.this.invoke_arn
}

output "qualified_arn" {
  description = "ARN of the function qualified with its latest version ($LATEST unless publish = true)."
  value       = aws_lambda_function.this.qualified_arn
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "policy_json" {
  description = "The caller-provided permissions as rendered into the role's inline policy (null when none), for review and tests."
  value       = local.function_policy_json
}

output "base_policy_json" {
  description = "The module's own permissions (log group write, X-Ray, VPC ENIs when in a VPC) as rendered into the role's inline policy."
  value       = local.base_policy_json
}

output "kms_key_arn" {
  description = "KMS key encrypting the environment variables (null: the AWS managed key)."
  value       = aws_lambda_function.this.kms_key_arn
}
