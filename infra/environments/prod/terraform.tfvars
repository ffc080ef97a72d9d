# prod: PROVISIONED shards for steady, predictable cost at high throughput; a week
# of stream retention so a stalled processor can catch up without losing data.
environment = "prod"
aws_region  = "eu-west-1"
# The account(s) this environment may be applied to; the provider refuses any other.
# Set it before the first apply (`make preflight ENV=prod` prints the account your
# credentials reach): allowed_account_ids = ["111122223333"]

stream_mode            = "PROVISIONED"
shard_count            = 4
stream_retention_hours = 168

processor_memory_size = 1769 # one full vCPU: decode + gzip are CPU bound
processor_timeout     = 120
# Stream concurrency is shard_count x parallelization_factor = 8; reserve headroom
# so other functions cannot starve the processor.
processor_reserved_concurrency = 10

# 30 retries, each retrying a failed S3 write for 20 s: an S3 outage of up to
# ~9.5 minutes (570 s measured) still ends in the archive (modules/stream_processing README, "Failures and outages").
batch_size                         = 1000
maximum_batching_window_in_seconds = 10
parallelization_factor             = 2
maximum_retry_attempts             = 30
maximum_record_age_in_seconds      = 86400

log_level          = "INFO"
log_retention_days = 365

# Archive kept forever (tiered to GLACIER_IR after 90 days).
archive_expiration_days         = null
iterator_age_alarm_threshold_ms = 60000

# prod has an account of its own and registers its API Gateway CloudWatch role.
configure_api_gateway_account = true

# Required, e.g. alarm_email = "oncall@your-domain.com"; its owner confirms the
# subscription after the first apply.

# Required, no placeholder (set them here or as TF_VAR_*; `make preflight` checks them):
# - sender_email: the welcome emails' sender, an address of your domain; the apply creates
#   its SES identity and its owner confirms the mail SES sends.
# - cognito_email_sender: the user pools' sender, an SES identity verified before the
#   apply, e.g. { from_address = "Example <no-reply@your-domain.com>",
#   ses_identity_arn = "arn:aws:ses:eu-west-1:111122223333:identity/your-domain.com" }

# Production controls (infra/shared/cloud_environment/controls.tf): WAF on both APIs
# and the site, access logs of every bucket and of CloudFront, and a trail of the data
# buckets' object events. Set data_events_trail_enabled = false if an organisation
# trail already records S3 data events of these buckets.
waf_enabled               = true
access_logging_enabled    = true
data_events_trail_enabled = true
