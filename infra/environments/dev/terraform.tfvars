# dev: small and cheap. ON_DEMAND so nobody sizes shards for a test stream.
environment = "dev"
aws_region  = "eu-west-1"
# The account(s) this environment may be applied to; the provider refuses any other.
# Set it before the first apply (`make preflight ENV=dev` prints the account your
# credentials reach): allowed_account_ids = ["111122223333"]

stream_mode            = "ON_DEMAND"
stream_retention_hours = 24

processor_memory_size = 512
processor_timeout     = 60

# 30 retries, each retrying a failed S3 write for 20 s: an S3 outage of up to
# ~9.5 minutes (570 s measured) still ends in the archive (modules/stream_processing README, "Failures and outages").
batch_size                         = 100
maximum_batching_window_in_seconds = 5
parallelization_factor             = 1
maximum_retry_attempts             = 30
maximum_record_age_in_seconds      = 3600

log_level          = "DEBUG"
log_retention_days = 14

# Test data need not outlive its tiers.
archive_expiration_days         = 180
iterator_age_alarm_threshold_ms = 300000

# dev owns the account-wide API Gateway CloudWatch role of its account and region.
configure_api_gateway_account = true

# Explicit opt-out: dev alarms notify nobody (the dashboards still show them).
alarm_email = null

# Required, no placeholder (set them here or as TF_VAR_*; `make preflight` checks them):
# - sender_email: the welcome emails' sender, an address of your domain; the apply creates
#   its SES identity and its owner confirms the mail SES sends.
# - cognito_email_sender: the user pools' sender, an SES identity verified before the
#   apply, e.g. { from_address = "Example <no-reply@your-domain.com>",
#   ses_identity_arn = "arn:aws:ses:eu-west-1:111122223333:identity/your-domain.com" }
