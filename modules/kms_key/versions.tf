terraform {
  # The repository-wide minimum (tests use mock_provider and override_during).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}
