# ---------------------------------------------------------------------------
# Uploads -> thumbnailer -> thumbnails. Two buckets, so a thumbnail written can
# never trigger the thumbnailer again; quarantine/ lives in the uploads bucket but
# outside the notification's uploads/ filter, for the same reason.
# ---------------------------------------------------------------------------
locals {
  uploads_prefix    = "uploads/"
  quarantine_prefix = "quarantine/"
  thumbnails_prefix = "thumbnails/"
}

module "uploads_bucket" {
  source = "../secure_bucket"

  bucket_name   = "${local.name}-uploads-${local.bucket_suffix}"
  force_destroy = var.settings.force_destroy_buckets
  kms_key_arn   = module.kms_key.arn

  access_log_bucket = var.access_log_bucket

  attach_deny_insecure_transport_policy = var.settings.deny_insecure_transport

  lifecycle_rules = [
    {
      # Quarantined files are kept for inspection, not forever.
      id              = "expire-quarantine"
      prefix          = local.quarantine_prefix
      expiration_days = var.quarantine_expiration_days
    },
    {
      # The thumbnailer deletes quarantined originals; versioning keeps them as
      # noncurrent versions, which go after this many days.
      id                                 = "expire-old-versions"
      noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
    },
  ]

  tags = local.tags
}

# Browsers upload with a presigned POST from the site's origin only.
resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = module.uploads_bucket.id

  cors_rule {
    allowed_methods = ["POST"]
    allowed_origins = [local.site_origin]
    max_age_seconds = 3000
  }
}

module "thumbnails_bucket" {
  source = "../secure_bucket"

  bucket_name   = "${local.name}-thumbnails-${local.bucket_suffix}"
  force_destroy = var.settings.force_destroy_buckets
  kms_key_arn   = module.kms_key.arn

  access_log_bucket = var.access_log_bucket

  attach_deny_insecure_transport_policy = var.settings.deny_insecure_transport

  lifecycle_rules = [
    { id = "expire-old-versions", noncurrent_version_expiration_days = var.noncurrent_version_expiration_days },
  ]

  tags = local.tags
}

module "thumbnailer" {
  source = "../lambda_function"

  function_name = "${local.name}-thumbnailer"
  description   = "Resizes images uploaded to ${local.name}; quarantines non-images"
  filename      = "${var.artifacts_dir}/thumbnailer.zip"
  handler       = "thumbnailer.handler.lambda_handler"
  runtime       = var.settings.lambda_runtime
  architecture  = var.settings.lambda_architecture
  layers        = var.settings.lambda_layers
  memory_size   = var.thumbnailer_memory_size
  timeout       = var.thumbnailer_timeout
  tracing_mode  = var.settings.tracing_mode

  log_retention_days = var.settings.log_retention_days
  log_kms_key_arn    = module.kms_key.arn
  kms_key_arn        = var.settings.encrypt_environment_variables ? module.kms_key.arn : null

  environment_variables = {
    THUMBNAIL_BUCKET             = module.thumbnails_bucket.name
    THUMBNAIL_SIZES              = join(",", var.thumbnail_sizes)
    THUMBNAIL_FORMAT             = var.thumbnail_format
    QUARANTINE_PREFIX            = local.quarantine_prefix
    MAX_IMAGE_PIXELS             = tostring(var.max_image_pixels)
    POWERTOOLS_SERVICE_NAME      = "thumbnailer"
    POWERTOOLS_METRICS_NAMESPACE = var.powertools_metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.settings.log_level
  }

  policy_statements = [
    {
      # Read the upload; delete it once copied to quarantine.
      sid       = "ReadAndRemoveUploads"
      actions   = ["s3:GetObject", "s3:DeleteObject"]
      resources = ["${module.uploads_bucket.arn}/${local.uploads_prefix}*"]
    },
    {
      # S3 delivers events at least once: with ListBucket a redelivered event for an
      # upload already quarantined gets 404 (skip) instead of 403 (retried as if
      # transient until it lands in the failure queue).
      sid        = "ListUploads"
      actions    = ["s3:ListBucket"]
      resources  = [module.uploads_bucket.arn]
      conditions = [{ test = "StringLike", variable = "s3:prefix", values = ["${local.uploads_prefix}*"] }]
    },
    {
      sid       = "WriteQuarantine"
      actions   = ["s3:PutObject"]
      resources = ["${module.uploads_bucket.arn}/${local.quarantine_prefix}*"]
    },
    {
      sid       = "WriteThumbnails"
      actions   = ["s3:PutObject"]
      resources = ["${module.thumbnails_bucket.arn}/${local.thumbnails_prefix}*"]
    },
    {
      # The asynchronous on-failure destination is delivered with this role.
      sid       = "SendToFailureQueue"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.failure["thumbnailer"].arn]
    },
    {
      sid       = "UseWebAppKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [module.kms_key.arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.${local.dns_suffix}", "sqs.${local.region}.${local.dns_suffix}"]
      }]
    },
  ]

  tags = local.tags
}

# S3 may invoke the thumbnailer only for this bucket in this account (the account
# check stops a re-created bucket of the same name elsewhere from invoking it).
resource "aws_lambda_permission" "uploads" {
  statement_id   = "AllowInvokeFromUploadsBucket"
  action         = "lambda:InvokeFunction"
  function_name  = module.thumbnailer.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = module.uploads_bucket.arn
  source_account = local.account_id
}

resource "aws_s3_bucket_notification" "uploads" {
  bucket = module.uploads_bucket.id

  lambda_function {
    id                  = "thumbnails"
    lambda_function_arn = module.thumbnailer.function_arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = local.uploads_prefix
  }

  # S3 test-invokes the function when the notification is saved.
  depends_on = [aws_lambda_permission.uploads]
}

# Asynchronous invocations (S3 events): a couple of retries for transient errors,
# then the event goes to the failure queue with its error, never retried forever.
resource "aws_lambda_function_event_invoke_config" "thumbnailer" {
  function_name                = module.thumbnailer.function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = var.thumbnailer_maximum_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failure["thumbnailer"].arn
    }
  }
}
