# A customer managed KMS key with yearly rotation and an alias, whose policy holds
# the statements every composite of this repository needs: the account root (so IAM
# policies decide who uses the key), CloudWatch Logs (encrypted log groups) and the
# AWS service principals the caller names (e.g. CloudWatch alarms publishing to an
# encrypted topic, from modules/alarms).

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  dns_suffix = data.aws_partition.current.dns_suffix
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # Standard root statement: the account's IAM policies decide who uses the
          # key (each role grants exactly its own use); without it the key could
          # become unmanageable. "*" in a key policy means "this key".
          Sid       = "AccountAdministration"
          Effect    = "Allow"
          Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
          Action    = "kms:*"
          Resource  = "*"
        },
        {
          # CloudWatch Logs encrypts log groups with this key; scoped to this
          # account's log groups by the encryption context Logs always sends.
          Sid       = "CloudWatchLogsEncryption"
          Effect    = "Allow"
          Principal = { Service = "logs.${local.region}.${local.dns_suffix}" }
          Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
          Resource  = "*"
          Condition = {
            ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*" }
          }
        },
      ],
      var.service_principal_statements,
    )
  })
  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}
