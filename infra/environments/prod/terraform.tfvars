# prod: PROVISIONED shards for steady, predictable cost at high throughput; a week
# of stream retention so a stalled processor can catch up without losing data.
environment = "prod"
aws_region  = "eu-west-1"
# allowed_account_ids = ["111122223333"]
# alarm_email         = "oncall@example.com"

stream_mode            = "PROVISIONED"
shard_count            = 4
stream_retention_hours = 168

processor_memory_size = 1769 # one full vCPU: decode + gzip are CPU bound
processor_timeout     = 120
# Stream concurrency is shard_count x parallelization_factor = 8; reserve headroom
# so other functions cannot starve the processor.
processor_reserved_concurrency = 10

batch_size                         = 1000
maximum_batching_window_in_seconds = 10
parallelization_factor             = 2
maximum_retry_attempts             = 10
maximum_record_age_in_seconds      = 86400

log_level          = "INFO"
log_retention_days = 365

# Archive kept forever (tiered to GLACIER_IR after 90 days).
archive_expiration_days         = null
iterator_age_alarm_threshold_ms = 60000

# Production controls (infra/shared/cloud_environment/controls.tf): WAF on both APIs
# and the site, access logs of every bucket and of CloudFront, and a trail of the data
# buckets' object events. Set data_events_trail_enabled = false if an organisation
# trail already records S3 data events of these buckets.
waf_enabled               = true
access_logging_enabled    = true
data_events_trail_enabled = true

# Sender of the web-app welcome emails: replace with an address of your domain; SES
# sends a confirmation to it after the first apply.
sender_email = "welcome@example.com"
