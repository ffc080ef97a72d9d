# Offline tests of the secure bucket: plan only, mocked AWS provider.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn                         = "arn:aws:s3:::refarch-test-bucket"
      id                          = "refarch-test-bucket"
      bucket_regional_domain_name = "refarch-test-bucket.s3.eu-west-1.amazonaws.com"
    }
  }
}

variables {
  bucket_name = "refarch-test-bucket"
}

run "secure_defaults" {
  command = plan

  assert {
    condition = (
      aws_s3_bucket_public_access_block.this.block_public_acls &&
      aws_s3_bucket_public_access_block.this.block_public_policy &&
      aws_s3_bucket_public_access_block.this.ignore_public_acls &&
      aws_s3_bucket_public_access_block.this.restrict_public_buckets
    )
    error_message = "All four public access block settings must be on."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }

  assert {
    condition     = aws_s3_bucket.this.force_destroy == false
    error_message = "force_destroy must default to false."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "Versioning must default to Enabled."
  }

  assert {
    condition = alltrue([
      for r in aws_s3_bucket_server_side_encryption_configuration.this.rule :
      one(r.apply_server_side_encryption_by_default).sse_algorithm == "AES256" && r.bucket_key_enabled
    ])
    error_message = "Without a KMS key the bucket must use SSE-S3 (AES256)."
  }

  assert {
    condition = contains(jsondecode(aws_s3_bucket_policy.this[0].policy).Statement, {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::refarch-test-bucket", "arn:aws:s3:::refarch-test-bucket/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    })
    error_message = "The bucket policy must deny every non-TLS request on the bucket and its objects."
  }

  assert {
    condition     = length(jsondecode(aws_s3_bucket_policy.this[0].policy).Statement) == 1
    error_message = "Without extra statements the policy must contain only the TLS-only deny."
  }

  assert {
    condition = alltrue([
      for r in aws_s3_bucket_lifecycle_configuration.this[0].rule :
      one(r.abort_incomplete_multipart_upload).days_after_initiation == 7
    ])
    error_message = "The default lifecycle rule must abort incomplete multipart uploads after 7 days."
  }

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 0
    error_message = "Access logging must be off unless a target bucket is given."
  }
}

run "kms_extra_statements_lifecycle_and_logging" {
  command = plan

  variables {
    kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    access_log_bucket = "refarch-test-access-logs"
    policy_statements = [
      {
        sid        = "CloudFrontOriginAccessControlRead"
        principals = [{ type = "Service", identifiers = ["cloudfront.amazonaws.com"] }]
        actions    = ["s3:GetObject"]
        resources  = ["arn:aws:s3:::refarch-test-bucket/*"]
        conditions = [{ test = "StringEquals", variable = "AWS:SourceArn", values = ["arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"] }]
      },
    ]
    lifecycle_rules = [
      {
        id                                 = "tiering"
        prefix                             = "logs/"
        transitions                        = [{ days = 30, storage_class = "STANDARD_IA" }, { days = 90, storage_class = "GLACIER_IR" }]
        expiration_days                    = 365
        noncurrent_version_expiration_days = 30
      },
    ]
  }

  assert {
    condition = alltrue([
      for r in aws_s3_bucket_server_side_encryption_configuration.this.rule :
      one(r.apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" &&
      one(r.apply_server_side_encryption_by_default).kms_master_key_id == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" &&
      r.bucket_key_enabled
    ])
    error_message = "With a KMS key the bucket must use SSE-KMS with that key and a bucket key."
  }

  assert {
    condition = jsondecode(aws_s3_bucket_policy.this[0].policy).Statement[1] == {
      Sid       = "CloudFrontOriginAccessControlRead"
      Effect    = "Allow"
      Principal = { Service = ["cloudfront.amazonaws.com"] }
      Action    = ["s3:GetObject"]
      Resource  = ["arn:aws:s3:::refarch-test-bucket/*"]
      Condition = { StringEquals = { "AWS:SourceArn" = ["arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"] } }
    }
    error_message = "Extra statements must follow the TLS-only deny, rendered exactly."
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.this[0].policy).Statement[0].Sid == "DenyInsecureTransport"
    error_message = "The TLS-only deny must stay first."
  }

  assert {
    condition     = [for t in one(aws_s3_bucket_lifecycle_configuration.this[0].rule).transition : t.storage_class] == ["STANDARD_IA", "GLACIER_IR"] && one(one(aws_s3_bucket_lifecycle_configuration.this[0].rule).expiration).days == 365
    error_message = "Lifecycle transitions and expiration must be rendered from lifecycle_rules."
  }

  assert {
    condition     = aws_s3_bucket_logging.this[0].target_bucket == "refarch-test-access-logs" && aws_s3_bucket_logging.this[0].target_prefix == "refarch-test-bucket/"
    error_message = "Access logs must go to the target bucket under <bucket_name>/."
  }
}

run "versioning_can_be_suspended" {
  command = plan
  variables {
    versioning_enabled = false
    force_destroy      = true
  }
  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Suspended" && aws_s3_bucket.this.force_destroy
    error_message = "versioning_enabled = false must suspend versioning."
  }
}

run "rejects_invalid_bucket_name" {
  command = plan
  variables {
    bucket_name = "Refarch_Bucket"
  }
  expect_failures = [var.bucket_name]
}

run "rejects_public_allow_statement" {
  command = plan
  variables {
    policy_statements = [
      {
        sid        = "Public"
        principals = [{ type = "AWS", identifiers = ["*"] }]
        actions    = ["s3:GetObject"]
        resources  = ["arn:aws:s3:::refarch-test-bucket/*"]
      },
    ]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_reserved_sid" {
  command = plan
  variables {
    policy_statements = [
      {
        sid        = "DenyInsecureTransport"
        effect     = "Deny"
        principals = [{ type = "AWS", identifiers = ["*"] }]
        actions    = ["s3:*"]
        resources  = ["arn:aws:s3:::refarch-test-bucket/*"]
      },
    ]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_unknown_storage_class" {
  command = plan
  variables {
    lifecycle_rules = [{ id = "bad", transitions = [{ days = 30, storage_class = "COLD" }] }]
  }
  expect_failures = [var.lifecycle_rules]
}

run "rejects_non_kms_key_arn" {
  command = plan
  variables {
    kms_key_arn = "alias/my-key"
  }
  expect_failures = [var.kms_key_arn]
}

run "tls_deny_can_be_switched_off_for_the_emulator" {
  command = plan
  variables {
    attach_deny_insecure_transport_policy = false
  }
  assert {
    condition     = length(aws_s3_bucket_policy.this) == 0 && output.policy_json == null
    error_message = "Without the TLS deny and extra statements there must be no (empty, invalid) bucket policy."
  }
}

run "outputs_expose_public_access_block_and_ownership" {
  command = plan
  assert {
    condition     = alltrue(values(output.public_access_block)) && length(output.public_access_block) == 4 && output.object_ownership == "BucketOwnerEnforced"
    error_message = "public_access_block and object_ownership must report what the bucket enforces."
  }
}

run "rejects_object_writer_ownership" {
  command = plan

  variables {
    object_ownership = "ObjectWriter"
  }

  expect_failures = [var.object_ownership]
}
