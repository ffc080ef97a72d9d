output "arn" {
  description = "ARN of the key (for kms_key_id / kms_master_key_id arguments and IAM policies)."
  value       = aws_kms_key.this.arn
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
