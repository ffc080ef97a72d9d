locals {
  name_prefix   = "refarch-${var.environment}"
  artifacts_dir = coalesce(var.artifacts_dir, "${path.module}/../../../dist")

  tags = {
    Project     = "serverless-refarch"
    Environment = var.environment
    ManagedBy   = "terraform"
  }
}

module "stream_processing" {
  source = "../../../modules/stream_processing"

  name_prefix             = local.name_prefix
  processor_artifact_path = "${local.artifacts_dir}/stream_processor.zip"

  stream_mode            = var.stream_mode
  shard_count            = var.shard_count
  stream_retention_hours = var.stream_retention_hours

  processor_architecture         = var.lambda_architecture
  processor_memory_size          = var.processor_memory_size
  processor_timeout              = var.processor_timeout
  processor_reserved_concurrency = var.processor_reserved_concurrency
  log_level                      = var.log_level
  log_retention_days             = var.log_retention_days

  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  parallelization_factor             = var.parallelization_factor
  maximum_retry_attempts             = var.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.maximum_record_age_in_seconds

  archive_expiration_days         = var.archive_expiration_days
  iterator_age_alarm_threshold_ms = var.iterator_age_alarm_threshold_ms
  alarm_email                     = var.alarm_email

  tags = local.tags
}

module "web_app" {
  source = "../../../modules/web_app"

  name_prefix         = local.name_prefix
  artifacts_dir       = local.artifacts_dir
  site_source_dir     = "${path.module}/../../../web"
  sender_email        = var.sender_email
  lambda_architecture = var.lambda_architecture
  log_level           = var.log_level
  log_retention_days  = var.log_retention_days
  alarm_email         = var.alarm_email

  acm_certificate_arn = var.site_certificate_arn
  aliases             = var.site_aliases
  route53_zone_id     = var.site_route53_zone_id

  tags = local.tags
}
