terraform {
  # 1.9: validation blocks may reference other variables and run functions such
  # as fileexists(), which the artifact check relies on.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}
