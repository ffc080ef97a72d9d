# Offline tests of the stream-processing composite: plan only, mocked AWS provider
# with realistic ARNs so the IAM policies render and can be checked.
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
  mock_resource "aws_kinesis_stream" {
    defaults = { arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/refarch-test-stream-events" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:123456789012:refarch-test-stream-processor-failures"
      url = "https://sqs.eu-west-1.amazonaws.com/123456789012/refarch-test-stream-processor-failures"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::refarch-test-stream-archive-123456789012-eu-west-1" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:refarch-test-stream-alarms" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/refarch-test-stream-processor-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/refarch-test-stream-processor" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn           = "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-stream-processor"
      invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-stream-processor/invocations"
      qualified_arn = "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-stream-processor:$LATEST"
    }
  }
  mock_resource "aws_lambda_event_source_mapping" {
    defaults = {
      uuid = "a1b2c3d4-5678-90ab-cdef-111111111111"
      arn  = "arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:a1b2c3d4-5678-90ab-cdef-111111111111"
    }
  }
}

variables {
  name_prefix                    = "refarch-test"
  processor_artifact_path        = "tests/fixtures/stream_processor.zip"
  failure_recorder_artifact_path = "tests/fixtures/failure_recorder.zip"
}

run "processor_policy_is_least_privilege" {
  command = plan

  # Exactly these four statements, nothing else.
  assert {
    condition     = sort([for s in jsondecode(output.processor_policy_json).Statement : s.Sid]) == tolist(["ReadEventStream", "SendToFailureQueue", "UseStreamProcessingKey", "WriteArchiveAndQuarantine"])
    error_message = "The processor must get exactly the stream-read, archive-write, failure-queue and key statements."
  }

  assert {
    condition     = alltrue([for s in jsondecode(output.processor_policy_json).Statement : s.Effect == "Allow"])
    error_message = "All processor statements are grants."
  }

  # No wildcard action and no wildcard resource anywhere in the caller policy (the
  # only "*" the role has is X-Ray's, in the lambda_function module's base policy).
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.processor_policy_json).Statement : [
        [for a in s.Action : a != "*" && !endswith(a, ":*")],
        [for r in s.Resource : r != "*"],
      ]
    ]))
    error_message = "The processor policy must not contain wildcard actions or resources."
  }

  assert {
    condition = [for s in jsondecode(output.processor_policy_json).Statement : s.Resource if s.Sid == "WriteArchiveAndQuarantine"][0] == [
      "arn:aws:s3:::refarch-test-stream-archive-123456789012-eu-west-1/archive/*",
      "arn:aws:s3:::refarch-test-stream-archive-123456789012-eu-west-1/quarantine/*",
    ]
    error_message = "s3:PutObject must be granted only on the archive/ and quarantine/ prefixes of the archive bucket."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.processor_policy_json).Statement :
      alltrue([for a in s.Action : startswith(a, "s3:") ? a == "s3:PutObject" && s.Sid == "WriteArchiveAndQuarantine" : true])
    ])
    error_message = "No S3 action but PutObject, and only in the archive statement."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.processor_policy_json).Statement :
      s.Resource == ["arn:aws:kinesis:eu-west-1:123456789012:stream/refarch-test-stream-events"]
      if anytrue([for a in s.Action : startswith(a, "kinesis:")])
    ])
    error_message = "Kinesis actions must be scoped to this stream only."
  }

  assert {
    condition = [for s in jsondecode(output.processor_policy_json).Statement : s.Action if s.Sid == "ReadEventStream"][0] == [
      "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards",
    ]
    error_message = "The stream statement must grant only what the Lambda poller needs."
  }

  assert {
    condition = [for s in jsondecode(output.processor_policy_json).Statement : s.Resource if s.Sid == "SendToFailureQueue"][0] == [
      "arn:aws:sqs:eu-west-1:123456789012:refarch-test-stream-processor-failures",
    ]
    error_message = "sqs:SendMessage must be scoped to the failure queue."
  }

  assert {
    condition = [for s in jsondecode(output.processor_policy_json).Statement : s if s.Sid == "UseStreamProcessingKey"][0] == {
      Sid      = "UseStreamProcessingKey"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
      Condition = { StringEquals = { "kms:ViaService" = [
        "kinesis.eu-west-1.amazonaws.com", "s3.eu-west-1.amazonaws.com", "sqs.eu-west-1.amazonaws.com",
      ] } }
    }
    error_message = "KMS use must be limited to this key, via Kinesis, S3 and SQS only."
  }
}

run "failure_recorder_wiring" {
  command = plan

  assert {
    condition = (
      aws_lambda_event_source_mapping.failure_recorder.event_source_arn == aws_sqs_queue.failure.arn &&
      aws_lambda_event_source_mapping.failure_recorder.function_name == output.failure_recorder_function_arn &&
      aws_lambda_event_source_mapping.failure_recorder.function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.failure_recorder.batch_size == 10 &&
      aws_lambda_event_source_mapping.failure_recorder.enabled == true
    )
    error_message = "The failure queue must feed the recorder, with partial batch responses."
  }

  assert {
    condition     = aws_sqs_queue.failure.visibility_timeout_seconds == 6 * 60
    error_message = "The failure queue's visibility timeout must be six times the recorder's timeout."
  }

  assert {
    condition     = sort([for s in jsondecode(output.failure_recorder_policy_json).Statement : s.Sid]) == tolist(["ConsumeFailureQueue", "ReadFailedRanges", "UseStreamProcessingKey", "WriteFailedRanges"])
    error_message = "The recorder must get exactly the range-read, queue, failed/-write and key statements."
  }

  assert {
    condition = [for s in jsondecode(output.failure_recorder_policy_json).Statement : s if s.Sid == "WriteFailedRanges"][0] == {
      Sid      = "WriteFailedRanges"
      Effect   = "Allow"
      Action   = ["s3:PutObject"]
      Resource = ["arn:aws:s3:::refarch-test-stream-archive-123456789012-eu-west-1/failed/*"]
    }
    error_message = "The recorder may only put objects under failed/."
  }

  assert {
    condition = [for s in jsondecode(output.failure_recorder_policy_json).Statement : s if s.Sid == "ReadFailedRanges"][0] == {
      Sid      = "ReadFailedRanges"
      Effect   = "Allow"
      Action   = ["kinesis:GetRecords", "kinesis:GetShardIterator"]
      Resource = ["arn:aws:kinesis:eu-west-1:123456789012:stream/refarch-test-stream-events"]
    }
    error_message = "The recorder may only read records of this stream."
  }

  assert {
    condition = [for s in jsondecode(output.failure_recorder_policy_json).Statement : s.Resource if s.Sid == "ConsumeFailureQueue"][0] == [
      "arn:aws:sqs:eu-west-1:123456789012:refarch-test-stream-processor-failures",
    ]
    error_message = "The recorder's queue actions must be scoped to the failure queue."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.failure_recorder_policy_json).Statement : [
        [for a in s.Action : a != "*" && !endswith(a, ":*")],
        [for r in s.Resource : r != "*"],
      ]
    ]))
    error_message = "The recorder policy must not contain wildcard actions or resources."
  }

  assert {
    condition = (
      module.alarms.alarms["failure-queue-oldest-message"].metric_name == "ApproximateAgeOfOldestMessage" &&
      module.alarms.alarms["failure-queue-oldest-message"].dimensions.QueueName == "refarch-test-stream-processor-failures" &&
      module.alarms.alarms["failure-queue-oldest-message"].threshold == 900 &&
      module.alarms.alarms["failed-writes"].namespace == "RefArch/StreamProcessing" &&
      module.alarms.alarms["failed-writes"].metric_name == "FailedObjectsWritten" &&
      module.alarms.alarms["failed-writes"].dimensions.service == "stream-processor-failure-recorder" &&
      module.alarms.alarms["failed-writes"].threshold == 0 &&
      module.alarms.alarms["records-lost"].metric_name == "RecordsLost" &&
      module.alarms.alarms["records-lost"].dimensions.service == "stream-processor-failure-recorder" &&
      module.alarms.alarms["records-lost"].threshold == 0
    )
    error_message = "Alarms must watch the failure queue's oldest message, failed/ writes and lost records."
  }

  # The defaults ride out a 5-minute S3 outage: each of the 1 + maximum_retry_attempts
  # invocations keeps retrying a failed write for archive_write_retry_seconds.
  assert {
    condition     = (aws_lambda_event_source_mapping.this.maximum_retry_attempts + 1) * var.archive_write_retry_seconds >= 300 && aws_lambda_event_source_mapping.this.maximum_record_age_in_seconds >= 300
    error_message = "The default retries and write retry must outlast a 5-minute S3 outage."
  }
}

run "rejects_write_retry_longer_than_half_the_timeout" {
  command = plan
  variables {
    processor_timeout           = 30
    archive_write_retry_seconds = 15
  }
  expect_failures = [var.archive_write_retry_seconds]
}

run "rejects_short_oldest_message_alarm" {
  command = plan
  variables {
    failure_queue_oldest_message_alarm_seconds = 30
  }
  expect_failures = [var.failure_queue_oldest_message_alarm_seconds]
}

run "event_source_mapping" {
  command = plan

  assert {
    condition     = aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "The mapping must always use ReportBatchItemFailures."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.destination_config[0].on_failure[0].destination_arn == aws_sqs_queue.failure.arn
    error_message = "Exhausted records must go to the failure queue (on-failure destination)."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.event_source_arn == aws_kinesis_stream.this.arn && aws_lambda_event_source_mapping.this.function_name == output.processor_function_arn
    error_message = "The mapping must connect this stream to the processor by ARN."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this.batch_size == 100 &&
      aws_lambda_event_source_mapping.this.maximum_batching_window_in_seconds == 5 &&
      aws_lambda_event_source_mapping.this.parallelization_factor == 1 &&
      aws_lambda_event_source_mapping.this.starting_position == "TRIM_HORIZON" &&
      aws_lambda_event_source_mapping.this.bisect_batch_on_function_error == true &&
      aws_lambda_event_source_mapping.this.maximum_retry_attempts == 30 &&
      aws_lambda_event_source_mapping.this.maximum_record_age_in_seconds == 3600
    )
    error_message = "Mapping defaults changed unexpectedly."
  }

  assert {
    condition     = length(aws_lambda_event_source_mapping.this.filter_criteria) == 0
    error_message = "No filter criteria unless patterns are given."
  }

  assert {
    condition     = output.event_source_mapping_uuid == "a1b2c3d4-5678-90ab-cdef-111111111111"
    error_message = "The mapping UUID must be exported."
  }
}

run "encryption_queue_alarms_and_stream_defaults" {
  command = plan

  assert {
    condition     = contains([for s in jsondecode(module.kms_key.policy).Statement : s.Principal], { AWS = "arn:aws:iam::123456789012:root" })
    error_message = "The key policy must keep the account able to administer the key."
  }

  assert {
    condition     = aws_kinesis_stream.this.encryption_type == "KMS" && aws_kinesis_stream.this.kms_key_id == module.kms_key.arn
    error_message = "The stream must be encrypted with the module key."
  }

  assert {
    condition     = aws_kinesis_stream.this.stream_mode_details[0].stream_mode == "ON_DEMAND" && aws_kinesis_stream.this.shard_count == null && aws_kinesis_stream.this.retention_period == 24
    error_message = "Default stream: ON_DEMAND, no shard count, 24 h retention."
  }

  assert {
    condition     = aws_sqs_queue.failure.kms_master_key_id == module.kms_key.arn && aws_sqs_queue.failure.message_retention_seconds == 1209600
    error_message = "The failure queue must be KMS-encrypted and keep messages 14 days."
  }

  # The kms_master_key_id of the topic is asserted in modules/alarms; here: that the
  # module key is the one passed, and that its policy lets CloudWatch publish.
  assert {
    condition     = contains(jsondecode(module.kms_key.policy).Statement, module.alarms.kms_key_policy_statement)
    error_message = "The key policy must let CloudWatch alarms publish to the encrypted topic."
  }

  assert {
    condition     = module.alarms.email_subscription_endpoint == null
    error_message = "No email subscription unless alarm_email is given."
  }

  assert {
    condition     = keys(module.alarms.alarms) == ["errors", "failed-writes", "failure-queue-depth", "failure-queue-oldest-message", "iterator-age", "records-lost", "throttles"]
    error_message = "Alarms on iterator age, errors, throttles, the failure queue (depth, oldest message), failed/ writes and lost records are required."
  }

  assert {
    condition = alltrue([
      for a in module.alarms.alarms :
      a.alarm_actions == toset([output.alarm_topic_arn]) && a.comparison_operator == "GreaterThanThreshold"
    ])
    error_message = "Every alarm must notify the alarm topic."
  }

  assert {
    condition = (
      module.alarms.alarms["iterator-age"].metric_name == "IteratorAge" &&
      module.alarms.alarms["iterator-age"].threshold == 60000 &&
      module.alarms.alarms["iterator-age"].evaluation_periods == 3 &&
      module.alarms.alarms["errors"].dimensions.FunctionName == output.processor_function_name &&
      module.alarms.alarms["failure-queue-depth"].metric_name == "ApproximateNumberOfMessagesVisible" &&
      module.alarms.alarms["failure-queue-depth"].dimensions.QueueName == "refarch-test-stream-processor-failures" &&
      module.alarms.alarms["failure-queue-depth"].threshold == 0
    )
    error_message = "Alarm metrics or thresholds are wrong."
  }

  assert {
    condition     = output.alarm_names["errors"] == "refarch-test-stream-errors" && output.alarm_topic_arn == "arn:aws:sns:eu-west-1:123456789012:refarch-test-stream-alarms"
    error_message = "Alarm and topic names must keep their <prefix>-stream-* form."
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 6
    error_message = "The dashboard must render its widgets."
  }

  assert {
    condition     = jsondecode(module.archive_bucket.policy_json).Statement[0].Sid == "DenyInsecureTransport"
    error_message = "The archive bucket must deny non-TLS requests by default."
  }

  assert {
    condition     = output.archive_bucket_name == "refarch-test-stream-archive-123456789012-eu-west-1"
    error_message = "The archive bucket name must be derived from prefix, account and region."
  }
}

run "custom_settings_pass_through" {
  command = plan

  variables {
    stream_mode                        = "PROVISIONED"
    shard_count                        = 3
    stream_retention_hours             = 168
    batch_size                         = 10000
    maximum_batching_window_in_seconds = 300
    parallelization_factor             = 10
    starting_position                  = "LATEST"
    bisect_batch_on_function_error     = false
    maximum_retry_attempts             = -1
    maximum_record_age_in_seconds      = -1
    filter_patterns                    = ["{\"data\": {\"type\": [\"order\"]}}"]
    settings                           = { alarm_email = "oncall@example.com" }
    archive_expiration_days            = 400
    iterator_age_alarm_threshold_ms    = 5000
  }

  assert {
    condition     = aws_kinesis_stream.this.shard_count == 3 && aws_kinesis_stream.this.stream_mode_details[0].stream_mode == "PROVISIONED" && aws_kinesis_stream.this.retention_period == 168
    error_message = "PROVISIONED settings must be passed to the stream."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this.batch_size == 10000 &&
      aws_lambda_event_source_mapping.this.maximum_batching_window_in_seconds == 300 &&
      aws_lambda_event_source_mapping.this.parallelization_factor == 10 &&
      aws_lambda_event_source_mapping.this.starting_position == "LATEST" &&
      aws_lambda_event_source_mapping.this.bisect_batch_on_function_error == false &&
      aws_lambda_event_source_mapping.this.maximum_retry_attempts == -1 &&
      aws_lambda_event_source_mapping.this.maximum_record_age_in_seconds == -1
    )
    error_message = "Mapping settings must be passed through."
  }

  assert {
    condition     = [for f in aws_lambda_event_source_mapping.this.filter_criteria[0].filter : f.pattern] == ["{\"data\": {\"type\": [\"order\"]}}"]
    error_message = "Filter patterns must become filter criteria."
  }

  assert {
    condition     = module.alarms.email_subscription_endpoint == "oncall@example.com"
    error_message = "alarm_email must subscribe to the alarm topic."
  }

  assert {
    condition     = module.alarms.alarms["iterator-age"].threshold == 5000
    error_message = "Alarm thresholds must come from variables."
  }
}

run "rejects_batch_size_too_large" {
  command = plan
  variables {
    batch_size = 10001
  }
  expect_failures = [var.batch_size]
}

run "rejects_batch_size_zero" {
  command = plan
  variables {
    batch_size = 0
  }
  expect_failures = [var.batch_size]
}

run "rejects_shard_count_with_on_demand" {
  command = plan
  variables {
    stream_mode = "ON_DEMAND"
    shard_count = 2
  }
  expect_failures = [var.shard_count]
}

run "rejects_provisioned_without_shard_count" {
  command = plan
  variables {
    stream_mode = "PROVISIONED"
  }
  expect_failures = [var.shard_count]
}

run "rejects_retention_below_24_hours" {
  command = plan
  variables {
    stream_retention_hours = 23
  }
  expect_failures = [var.stream_retention_hours]
}

run "rejects_bad_log_retention" {
  command = plan
  variables {
    settings = { log_retention_days = 10 }
  }
  expect_failures = [var.settings]
}

run "rejects_record_age_between_0_and_60" {
  command = plan
  variables {
    maximum_record_age_in_seconds = 30
  }
  expect_failures = [var.maximum_record_age_in_seconds]
}

run "rejects_parallelization_factor_above_10" {
  command = plan
  variables {
    parallelization_factor = 11
  }
  expect_failures = [var.parallelization_factor]
}

run "rejects_batching_window_above_300" {
  command = plan
  variables {
    maximum_batching_window_in_seconds = 301
  }
  expect_failures = [var.maximum_batching_window_in_seconds]
}

run "rejects_invalid_name_prefix" {
  command = plan
  variables {
    name_prefix = "RefArch_Dev"
  }
  expect_failures = [var.name_prefix]
}

run "rejects_name_prefix_too_long_for_bucket_names" {
  command = plan
  variables {
    name_prefix = "refarch-integration-x"
  }
  expect_failures = [var.name_prefix]
}

run "rejects_non_json_filter_pattern" {
  command = plan
  variables {
    filter_patterns = ["type = order"]
  }
  expect_failures = [var.filter_patterns]
}

run "rejects_glacier_too_soon_after_ia" {
  command = plan
  variables {
    archive_transition_to_standard_ia_days = 30
    archive_transition_to_glacier_ir_days  = 45
  }
  expect_failures = [var.archive_transition_to_glacier_ir_days]
}

run "accepts_glacier_without_ia" {
  command = plan
  variables {
    archive_transition_to_standard_ia_days = null
    archive_transition_to_glacier_ir_days  = 1
  }
  assert {
    condition     = output.archive_bucket_name != ""
    error_message = "GLACIER_IR alone must be accepted."
  }
}

run "rejects_bad_log_level" {
  command = plan
  variables {
    settings = { log_level = "VERBOSE" }
  }
  expect_failures = [var.settings]
}

run "tls_only_queue_and_topic_and_encrypted_environment" {
  command = plan

  assert {
    condition = jsondecode(aws_sqs_queue_policy.failure_tls_only[0].policy).Statement == [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.failure.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }] && module.alarms.topic_policy_json != null
    error_message = "The failure queue and the alarm topic must refuse plain HTTP."
  }

  assert {
    condition     = module.processor.kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The processor's environment must be encrypted with the module key."
  }
}

run "emulator_switches" {
  command = plan

  variables {
    settings = { encrypt_environment_variables = false, deny_insecure_transport = false }
  }

  assert {
    condition     = length(aws_sqs_queue_policy.failure_tls_only) == 0 && module.alarms.topic_policy_json == null
    error_message = "deny_insecure_transport = false must attach no queue or topic policy."
  }

  assert {
    condition     = module.processor.kms_key_arn == null
    error_message = "encrypt_environment_variables = false must leave the AWS managed key (moto drops KMSKeyArn)."
  }
}
