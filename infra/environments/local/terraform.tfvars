# Local emulator: small, fast, disposable. The local runtime polls the stream with
# the event source mapping settings below, as Lambda would: production-sized batches,
# every shard concurrently, short windows. Parallelization factor 1: each lane of a
# shard re-reads the whole shard from the emulator, which costs more than it gains here.
stream_mode            = "ON_DEMAND"
stream_retention_hours = 24

processor_memory_size = 256
processor_timeout     = 30

batch_size                         = 1000
maximum_batching_window_in_seconds = 1
parallelization_factor             = 1
maximum_retry_attempts             = 2
maximum_record_age_in_seconds      = 3600
# Short, so tests see retries run out in seconds (the module default of 20 s with
# 30 retries is what rides out a 5-minute S3 outage on AWS).
archive_write_retry_seconds = 1

log_level          = "DEBUG"
log_retention_days = 1
