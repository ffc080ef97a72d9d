# staging: production-like behaviour at a fraction of the throughput.
environment = "staging"
aws_region  = "eu-west-1"
# allowed_account_ids = ["111122223333"]

stream_mode            = "ON_DEMAND"
stream_retention_hours = 48

processor_memory_size = 1024
processor_timeout     = 120

# 30 retries, each retrying a failed S3 write for 20 s: an S3 outage of up to
# ~9.5 minutes (570 s measured) still ends in the archive (modules/stream_processing README, "Failures and outages").
batch_size                         = 500
maximum_batching_window_in_seconds = 5
parallelization_factor             = 2
maximum_retry_attempts             = 30
maximum_record_age_in_seconds      = 21600

log_level          = "INFO"
log_retention_days = 30

archive_expiration_days         = 365
iterator_age_alarm_threshold_ms = 120000

# Sender of the web-app welcome emails: replace with an address of your domain; SES
# sends a confirmation to it after the first apply.
sender_email = "welcome@example.com"
