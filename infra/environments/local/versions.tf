terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # No backend: local state next to this file. The emulator is throwaway, and so is
  # its state (`make down` removes both).
}
