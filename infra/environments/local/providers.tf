# The local AWS emulator (moto server). Its address comes ONLY from the
# AWS_ENDPOINT_URL environment variable (set by `make up`, e.g.
# http://127.0.0.1:PORT), which the provider and boto3 both honour for every
# service, STS included; nothing here can ever point at a real account by accident
# because the credentials below are not valid anywhere.
provider "aws" {
  region = var.aws_region

  # Dummy credentials the emulator accepts; never real ones.
  access_key = "testing"
  secret_key = "testing"

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  # moto serves buckets on its own host:port, not on <bucket>.<host>.
  s3_use_path_style = true
  # moto answers unimplemented calls with HTTP 500; the default retries would hang
  # an apply for 10+ minutes instead of failing fast.
  max_retries = 2

  # No default_tags: tags go through the modules' `tags` input, so the local
  # environment can leave the Kinesis stream untagged (moto drops its create-time
  # tags; see tag_kinesis_stream in modules/stream_processing).
}
