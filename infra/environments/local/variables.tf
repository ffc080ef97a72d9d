variable "environment" {
  description = "Environment name, used in resource names and tags."
  type        = string
  default     = "local"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits, starting with a letter."
  }
}

variable "aws_region" {
  description = "Region the emulator pretends to be."
  type        = string
  default     = "us-east-1"
}

variable "artifacts_dir" {
  description = "Directory holding the function zips built for the host (`make build` writes dist/host/<name>.zip). null = <repo>/dist/host."
  type        = string
  default     = null
}

variable "lambda_architecture" {
  description = "Architecture declared for the functions (arm64 | x86_64); must match the platform `make build` targeted (LAMBDA_ARCH). In local the runtime executes the host build whatever is declared here."
  type        = string
  default     = "arm64"
}

variable "archive_write_retry_seconds" {
  description = "How long the processor retries one failed S3 write inside an invocation."
  type        = number
}

variable "sender_email" {
  description = "Sender of the welcome emails; the emulator verifies SES identities at once."
  type        = string
  default     = "welcome@example.com"
}

variable "local_gateway_url" {
  description = "Where the local runtime serves the REST APIs and the site (make up and the tests pick a free port and pass it as TF_VAR_local_gateway_url)."
  type        = string
  default     = "http://127.0.0.1:8321"

  validation {
    condition     = can(regex("^http://127\\.0\\.0\\.1:[0-9]{1,5}$", var.local_gateway_url))
    error_message = "local_gateway_url must be http://127.0.0.1:PORT (the local runtime listens on loopback only)."
  }
}

variable "emulator_url" {
  description = "The emulator's endpoint, for the web page's Cognito calls (the provider itself reads AWS_ENDPOINT_URL; make up passes the same value as TF_VAR_emulator_url)."
  type        = string
  default     = "http://127.0.0.1:5000"

  validation {
    condition     = can(regex("^http://127\\.0\\.0\\.1:[0-9]{1,5}$", var.emulator_url))
    error_message = "emulator_url must be http://127.0.0.1:PORT."
  }
}
