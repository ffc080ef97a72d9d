locals {
  name_prefix   = "refarch-${var.environment}"
  artifacts_dir = coalesce(var.artifacts_dir, "${path.module}/../../../dist")

  tags = {
    Project     = "serverless-refarch"
    Environment = var.environment
    ManagedBy   = "terraform"
  }

  # What the three composites share (modules/settings), from this environment's inputs.
  settings = {
    lambda_architecture = var.lambda_architecture
    log_level           = var.log_level
    log_retention_days  = var.log_retention_days
    alarm_email         = var.alarm_email
    tags                = local.tags
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

  archive_expiration_days         = var.archive_expiration_days
  iterator_age_alarm_threshold_ms = var.iterator_age_alarm_threshold_ms

  archive_access_log_bucket = local.access_log_bucket # controls.tf

}

module "web_app" {
  source = "../../../modules/web_app"

  name_prefix     = local.name_prefix
  settings        = local.settings
  artifacts_dir   = local.artifacts_dir
  site_source_dir = "${path.module}/../../../web"
  sender_email    = var.sender_email

  # One environment per account and region registers the API Gateway logging role.
  configure_api_gateway_account = var.configure_api_gateway_account
  cognito_email_configuration   = var.cognito_email_sender

  acm_certificate_arn = var.site_certificate_arn
  aliases             = var.site_aliases
  route53_zone_id     = var.site_route53_zone_id

  # controls.tf
  api                   = { web_acl_arn = local.api_web_acl_arn }
  cloudfront_web_acl_id = local.cloudfront_web_acl_id
  access_log_bucket     = local.access_log_bucket
  cloudfront_log_bucket = local.cloudfront_log_bucket

}

module "mobile_backend" {
  source = "../../../modules/mobile_backend"

  name_prefix   = local.name_prefix
  settings      = local.settings
  artifacts_dir = local.artifacts_dir

  # Push credentials stay out of tfvars: pass them as TF_VAR_* from a secret store.
  # Without them no platform application is created and device registration answers 422.
  fcm_server_key   = var.fcm_server_key
  apns_certificate = var.apns_certificate
  apns_private_key = var.apns_private_key

  cognito_email_configuration = var.cognito_email_sender
  # controls.tf
  api               = { web_acl_arn = local.api_web_acl_arn }
  access_log_bucket = local.access_log_bucket


  # web_app registers the account-wide API Gateway logging role (when this environment
  # owns it): only this module's stage waits for it, through the role ARN. A module
  # depends_on would defer every data source of this module to apply time.
  api_gateway_cloudwatch_role_arn = module.web_app.api_gateway_cloudwatch_role_arn
}
