terraform {
  required_version = ">= 1.10" # use_lockfile (S3-native state locking) needs 1.10

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Partial configuration: the state bucket, key and region are per organisation,
  # so they live in backend.hcl (see backend.hcl.example), not in the code:
  #   terraform init -backend-config=backend.hcl
  # `terraform init -backend=false && terraform validate` works without it.
  backend "s3" {}
}
