output "arn" {
  description = "ARN of the key (for kms_key_id / kms_master_key_id arguments and IAM policies)."
  value       = aws_kms_key.this.arn

  # KMS is eventually consistent: a key created in this apply can briefly be refused by
  # CloudWatch Logs ("The specified KMS key does not exist or is not allowed"). Only the
  # aws provider is available (no time_sleep), so every consumer of the ARN (log groups
  # first) waits for the alias instead: the provider's CreateAlias retries until KMS
  # resolves the new key, which proves the key visible before Logs is asked to use it.
  depends_on = [aws_kms_alias.this]
}

output "key_id" {
  description = "Id of the key."
  value       = aws_kms_key.this.key_id
}

output "alias_name" {
  description = "Name of the key's alias, `alias/<name>`."
  value       = aws_kms_alias.this.name
}

output "policy" {
  description = "The key policy as applied (JSON)."
  value       = aws_kms_key.this.policy
}
