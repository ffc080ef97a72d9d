output "id" {
  description = "Id of the user pool (clients, identity pools, the front end's configuration)."
  value       = aws_cognito_user_pool.this.id
}

output "arn" {
  description = "ARN of the user pool (API Gateway Cognito authorizers, IAM policies)."
  value       = aws_cognito_user_pool.this.arn
}

output "endpoint" {
  description = "Endpoint of the user pool, `cognito-idp.<region>.amazonaws.com/<pool id>` (identity pool provider name, token issuer)."
  value       = aws_cognito_user_pool.this.endpoint
}

output "deletion_protection" {
  description = "The pool's deletion protection as applied: ACTIVE or INACTIVE."
  value       = aws_cognito_user_pool.this.deletion_protection
}
