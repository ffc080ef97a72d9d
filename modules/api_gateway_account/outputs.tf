output "role_arn" {
  description = "ARN of the role registered as the account's API Gateway CloudWatch role."
  value       = aws_api_gateway_account.this.cloudwatch_role_arn
}
