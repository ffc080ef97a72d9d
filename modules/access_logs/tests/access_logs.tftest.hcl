# Offline tests of the log bucket and data-events trail: plan only, mocked provider.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      id                          = "refarch-test-logs-123456789012-eu-west-1"
      arn                         = "arn:aws:s3:::refarch-test-logs-123456789012-eu-west-1"
      bucket                      = "refarch-test-logs-123456789012-eu-west-1"
      bucket_regional_domain_name = "refarch-test-logs-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com"
    }
  }
}

variables {
  name        = "refarch-test"
  bucket_name = "refarch-test-logs-123456789012-eu-west-1"
}

run "log_bucket_for_s3_and_cloudfront_without_trail" {
  command = plan

  assert {
    condition = (
      output.bucket_domain_name == "refarch-test-logs-123456789012-eu-west-1.s3.amazonaws.com" &&
      module.bucket.object_ownership == "BucketOwnerPreferred" &&
      alltrue(values(module.bucket.public_access_block)) &&
      length(aws_cloudtrail.data_events) == 0
    )
    error_message = "A private log bucket that CloudFront can grant itself into, and no trail without data buckets."
  }

  assert {
    condition = [for s in jsondecode(output.policy_json).Statement : s if s.Sid == "S3ServerAccessLogs"][0] == {
      Sid       = "S3ServerAccessLogs"
      Effect    = "Allow"
      Principal = { Service = ["logging.s3.amazonaws.com"] }
      Action    = ["s3:PutObject"]
      Resource  = ["arn:aws:s3:::refarch-test-logs-123456789012-eu-west-1/*"]
      Condition = { StringEquals = { "aws:SourceAccount" = ["123456789012"] } }
    }
    error_message = "S3 server access logging may write only for this account's buckets."
  }

  assert {
    condition     = contains([for s in jsondecode(output.policy_json).Statement : s.Sid], "DenyInsecureTransport") && !contains([for s in jsondecode(output.policy_json).Statement : s.Sid], "CloudTrailWrite")
    error_message = "The log bucket is TLS-only, and grants CloudTrail nothing without a trail."
  }
}

run "trail_records_object_events_of_the_data_buckets" {
  command = plan

  variables {
    data_event_bucket_arns = ["arn:aws:s3:::refarch-test-web-uploads", "arn:aws:s3:::refarch-test-stream-archive"]
  }

  assert {
    condition = (
      aws_cloudtrail.data_events[0].name == "refarch-test-data-events" &&
      aws_cloudtrail.data_events[0].enable_log_file_validation &&
      aws_cloudtrail.data_events[0].s3_key_prefix == "cloudtrail" &&
      toset([for f in aws_cloudtrail.data_events[0].advanced_event_selector[0].field_selector : f.field]) == toset(["eventCategory", "resources.type", "resources.ARN"])
    )
    error_message = "The trail must record the object events of exactly the given buckets, with file validation."
  }

  assert {
    condition = [for s in jsondecode(output.policy_json).Statement : s.Condition if s.Sid == "CloudTrailWrite"][0] == {
      StringEquals = {
        "aws:SourceArn" = ["arn:aws:cloudtrail:eu-west-1:123456789012:trail/refarch-test-data-events"]
        "s3:x-amz-acl"  = ["bucket-owner-full-control"]
      }
    }
    error_message = "Only this trail may write, and only with bucket-owner-full-control."
  }

  assert {
    condition = (
      aws_cloudtrail.data_events[0].kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" &&
      [for s in jsondecode(module.trail_key[0].policy).Statement : s.Condition if s.Sid == "CloudTrailEncryptLogs"][0] == {
        StringEquals = { "aws:SourceArn" = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/refarch-test-data-events" }
        StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:aws:cloudtrail:*:123456789012:trail/*" }
      }
    )
    error_message = "Trail files must be SSE-KMS with a key only this trail may encrypt with."
  }
}

run "rejects_object_arns_as_data_buckets" {
  command = plan

  variables {
    data_event_bucket_arns = ["arn:aws:s3:::refarch-test-web-uploads/*"]
  }

  expect_failures = [var.data_event_bucket_arns]
}
