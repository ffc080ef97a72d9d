# ---------------------------------------------------------------------------
# DynamoDB: one definition, three tables with the same secure defaults
# ---------------------------------------------------------------------------
locals {
  tables = {
    # The caller's items: partition key is the Cognito sub from the authorizer,
    # never a body field, so one user's queries cannot reach another's items.
    items = {
      hash_key  = "owner_sub"
      range_key = "item_id"
      stream    = null
      ttl       = null
    }
    # One row per subscriber; its INSERT on the stream triggers the welcome email.
    subscribers = {
      hash_key  = "owner_sub"
      range_key = null
      stream    = "NEW_IMAGE"
      ttl       = null
    }
    # Powertools idempotency records of welcome_email; expired ones are removed by TTL.
    idempotency = {
      hash_key  = "id"
      range_key = null
      stream    = null
      ttl       = "expiration"
    }
  }
}

resource "aws_dynamodb_table" "this" {
  for_each = local.tables

  name         = "${local.name}-${each.key}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = each.value.hash_key
  range_key    = each.value.range_key

  dynamic "attribute" {
    for_each = compact([each.value.hash_key, each.value.range_key])
    content {
      name = attribute.value
      type = "S"
    }
  }

  stream_enabled   = each.value.stream != null
  stream_view_type = each.value.stream

  dynamic "ttl" {
    for_each = each.value.ttl == null ? [] : [each.value.ttl]
    content {
      attribute_name = ttl.value
      enabled        = true
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
