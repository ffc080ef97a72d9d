locals {
  name_prefix   = "refarch-${var.environment}"
  artifacts_dir = coalesce(var.artifacts_dir, "${path.module}/../../../dist/host")

  tags = {
    Project     = "serverless-refarch"
    Environment = var.environment
    ManagedBy   = "terraform"
  }

  # What the three composites share (modules/settings), with the emulator's switches.
  settings = {
    lambda_architecture = var.lambda_architecture
    log_level           = var.log_level
    log_retention_days  = var.log_retention_days
    tags                = local.tags
    # moto is served over plain http: the TLS-only deny refuses every object request
    # (PutObject/GetObject 403 on moto 5.2). AWS environments keep it.
    deny_insecure_transport = false
    # moto 5.2 drops a function's KMSKeyArn: a permanent diff (see the modules' READMEs).
    encrypt_environment_variables = false
    # Throwaway environment: destroy must leave nothing behind and waste no time.
    deletion_protection         = false
    force_destroy_buckets       = true
    kms_deletion_window_in_days = 7
  }
}

module "stream_processing" {
  source = "../../../modules/stream_processing"

  name_prefix                    = local.name_prefix
  settings                       = local.settings
  processor_artifact_path        = "${local.artifacts_dir}/stream_processor.zip"
  failure_recorder_artifact_path = "${local.artifacts_dir}/failure_recorder.zip"

  stream_mode            = var.stream_mode
  shard_count            = var.shard_count
  stream_retention_hours = var.stream_retention_hours

  processor_memory_size          = var.processor_memory_size
  processor_timeout              = var.processor_timeout
  processor_reserved_concurrency = var.processor_reserved_concurrency

  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  parallelization_factor             = var.parallelization_factor
  maximum_retry_attempts             = var.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.maximum_record_age_in_seconds
  archive_write_retry_seconds        = var.archive_write_retry_seconds

  # moto ignores the tags CreateStream carries; tagging it would leave a permanent
  # diff (see the module README, "Emulator").
  tag_kinesis_stream = false
  # moto is served over plain http: the TLS-only deny refuses every archive write
  # (PutObject/GetObject 403 on moto 5.2). AWS environments keep it.
  archive_deny_insecure_transport = false
}

module "web_app" {
  source = "../../../modules/web_app"

  name_prefix     = local.name_prefix
  settings        = local.settings
  artifacts_dir   = local.artifacts_dir
  site_source_dir = "${path.module}/../../../web"
  sender_email    = var.sender_email

  # moto 5.2 implements no CloudFront response headers policy: the local runtime serves
  # the site bucket itself, at the gateway URL the runtime is started with.
  create_cloudfront_distribution = false
  site_origin_override           = "${var.local_gateway_url}/site/"
  api                            = { url_override = "${var.local_gateway_url}/{api_id}/{stage}" }
  cognito_endpoint_override      = var.emulator_url
  # No cognito_email_configuration: the emulator sends nothing, so the pools keep
  # Cognito's default sender here (every cloud environment must name an SES identity).
}

module "mobile_backend" {
  source = "../../../modules/mobile_backend"

  name_prefix   = local.name_prefix
  settings      = local.settings
  artifacts_dir = local.artifacts_dir

  # Not implemented by moto 5.2 (see the module README, "Emulator"): without DAX the API
  # reads DynamoDB directly through the same code path; the identity pool's role is
  # evaluated by the integration test instead of being attached.
  create_dax                 = false
  attach_identity_pool_roles = false
  api                        = { url_override = "${var.local_gateway_url}/{api_id}/{stage}" }
  # An FCM platform application the emulator accepts, so device registration and pushes
  # run locally; it is not a credential anywhere.
  fcm_server_key = "local-emulator-fcm-key"

  # web_app registers the account-wide API Gateway logging role: only this module's
  # stage waits for it, through the role ARN (a module depends_on would defer every
  # data source of this module to apply time).
  api_gateway_cloudwatch_role_arn = module.web_app.api_gateway_cloudwatch_role_arn
}
