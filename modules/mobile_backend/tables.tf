# ---------------------------------------------------------------------------
# DynamoDB: one definition, three tables with the same secure defaults. Keys are
# always the authorizer's sub (never a body field), so one user's queries cannot
# reach another user's rows.
# ---------------------------------------------------------------------------
locals {
  tables = {
    # The caller's notes (read-heavy: cached by DAX when create_dax).
    notes = { hash_key = "owner_sub", range_key = "note_id" }
    # Notes shared with a user: note_key = "<owner_sub>#<note_id>".
    shares = { hash_key = "recipient_sub", range_key = "note_key" }
    # Push devices: device_id = sha256 hex of platform + token.
    devices = { hash_key = "owner_sub", range_key = "device_id" }
  }
  # The tables mobile_api reads through DAX (devices are always read directly:
  # push_notifier runs outside the cache path and deletes stale rows).
  dax_tables = ["notes", "shares"]
}

resource "aws_dynamodb_table" "this" {
  for_each = local.tables

  name         = "${local.name}-${each.key}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = each.value.hash_key
  range_key    = each.value.range_key

  dynamic "attribute" {
    for_each = [each.value.hash_key, each.value.range_key]
    content {
      name = attribute.value
      type = "S"
    }
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = module.kms_key.arn
  }

  deletion_protection_enabled = var.settings.deletion_protection

  tags = local.tags
}

# ---------------------------------------------------------------------------
# DAX: a write-through cache of notes and shares in the private subnets, encrypted
# at rest and in transit (clients connect with daxs:// on 9111)
# ---------------------------------------------------------------------------
locals {
  dax_cluster_name = coalesce(var.dax_cluster_name, "${var.name_prefix}-dax")
  # The amazon-dax-client URL of the cluster's TLS endpoint ("" without DAX: the
  # function then reads DynamoDB directly).
  dax_endpoint = var.create_dax ? "daxs://${aws_dax_cluster.this[0].cluster_address}" : null
}

resource "aws_iam_role" "dax" {
  count = var.create_dax ? 1 : 0

  name        = "${local.name}-dax"
  description = "Lets the ${local.dax_cluster_name} DAX cluster read and write the notes and shares tables"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DaxAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "dax.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "dax" {
  count = var.create_dax ? 1 : 0

  name = "notes-and-shares"
  role = aws_iam_role.dax[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # DAX forwards exactly what mobile_api sends it (see its DAX statement) and
        # describes the tables to learn their keys.
        Sid    = "CachedTables"
        Effect = "Allow"
        Action = [
          "dynamodb:DescribeTable",
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:Query",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
        ]
        Resource = [for t in local.dax_tables : aws_dynamodb_table.this[t].arn]
      },
      {
        Sid      = "UseMobileKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
        Resource = [module.kms_key.arn]
        Condition = {
          StringEquals = { "kms:ViaService" = ["dynamodb.${local.region}.${local.dns_suffix}"] }
        }
      },
    ]
  })
}

resource "aws_dax_subnet_group" "this" {
  count = var.create_dax ? 1 : 0

  name        = local.dax_cluster_name
  description = "Private subnets of ${local.name}"
  subnet_ids  = values(aws_subnet.private)[*].id
}

resource "aws_dax_parameter_group" "this" {
  count = var.create_dax ? 1 : 0

  name        = local.dax_cluster_name
  description = "Cache TTLs of ${local.name}"

  # Item cache (GetItem/BatchGetItem) and query cache (Query/Scan) lifetimes. Writes
  # through DAX refresh the item cache at once, but not the query cache: a note list
  # can be up to query-ttl-millis old after a change.
  parameters {
    name  = "record-ttl-millis"
    value = tostring(var.dax_record_ttl_ms)
  }
  parameters {
    name  = "query-ttl-millis"
    value = tostring(var.dax_query_ttl_ms)
  }
}

resource "aws_security_group" "dax" {
  count = var.create_dax ? 1 : 0

  name        = "${local.name}-dax"
  description = "DAX cluster: TLS port 9111 from the functions only"
  vpc_id      = aws_vpc.this.id
  tags        = merge(local.tags, { Name = "${local.name}-dax" })
}

resource "aws_security_group_rule" "dax_from_functions" {
  count = var.create_dax ? 1 : 0

  security_group_id        = aws_security_group.dax[0].id
  type                     = "ingress"
  description              = "DAX over TLS (daxs://) from the functions"
  protocol                 = "tcp"
  from_port                = 9111
  to_port                  = 9111
  source_security_group_id = aws_security_group.functions.id
}

resource "aws_security_group_rule" "functions_to_dax" {
  count = var.create_dax ? 1 : 0

  security_group_id        = aws_security_group.functions.id
  type                     = "egress"
  description              = "DAX over TLS (daxs://)"
  protocol                 = "tcp"
  from_port                = 9111
  to_port                  = 9111
  source_security_group_id = aws_security_group.dax[0].id
}

resource "aws_dax_cluster" "this" {
  count = var.create_dax ? 1 : 0

  cluster_name       = local.dax_cluster_name
  description        = "Read cache of the ${local.name} notes and shares"
  iam_role_arn       = aws_iam_role.dax[0].arn
  node_type          = var.dax_node_type
  replication_factor = var.dax_node_count

  subnet_group_name    = aws_dax_subnet_group.this[0].name
  parameter_group_name = aws_dax_parameter_group.this[0].name
  security_group_ids   = [aws_security_group.dax[0].id]
  # No availability_zones: DAX spreads the nodes over the subnet group's AZs.

  server_side_encryption {
    enabled = true
  }
  # Clients must use TLS (daxs://, port 9111); plaintext 8111 is closed.
  cluster_endpoint_encryption_type = "TLS"

  tags = local.tags

  lifecycle {
    precondition {
      condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", local.dax_cluster_name)) && !endswith(local.dax_cluster_name, "-") && !strcontains(local.dax_cluster_name, "--")
      error_message = "The DAX cluster name \"${local.dax_cluster_name}\" is longer than DAX's 20 characters (or invalid): set dax_cluster_name."
    }
  }

  depends_on = [aws_iam_role_policy.dax]
}
