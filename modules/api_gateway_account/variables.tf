variable "role_name" {
  description = "Name of the IAM role API Gateway assumes to write CloudWatch logs, e.g. `refarch-dev-mobile-apigateway-cloudwatch`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "tags" {
  description = "Tags applied to the role."
  type        = map(string)
  default     = {}
}
