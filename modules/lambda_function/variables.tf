variable "function_name" {
  description = "Name of the Lambda function. Also names its IAM role (`<name>-role`, so at most 59 characters) and its log group `/aws/lambda/<name>`."
  type        = string

  validation {
    # 59 rather than Lambda's 64: the role name appends "-role" and IAM caps it at 64.
    condition     = can(regex("^[A-Za-z0-9_-]{1,59}$", var.function_name))
    error_message = "function_name must be 1-59 characters of letters, digits, hyphens and underscores (the IAM role name appends \"-role\" and is capped at 64)."
  }
}

variable "description" {
  description = "Description of the function, shown in the console."
  type        = string
  default     = ""

  validation {
    condition     = length(var.description) <= 256
    error_message = "description must be at most 256 characters."
  }
}

variable "filename" {
  description = "Path to the deployment package (zip) built by `make build`, e.g. `dist/stream_processor.zip`. Its SHA-256 drives `source_code_hash`, so an unchanged artifact causes no update."
  type        = string

  validation {
    condition     = fileexists(var.filename)
    error_message = "The Lambda artifact given in filename does not exist. Run `make build` first (it writes dist/<name>.zip for Lambda and dist/host/<name>.zip for local runs)."
  }
}

variable "handler" {
  description = "Entry point in `module.function` form, e.g. `stream_processor.handler.lambda_handler`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", var.handler))
    error_message = "handler must look like package.module.function (Python identifiers separated by dots)."
  }
}

variable "runtime" {
  description = "Lambda runtime. Only Python runtimes are supported: the build produces Python packages."
  type        = string
  default     = "python3.12"

  validation {
    condition     = can(regex("^python3\\.[0-9]+$", var.runtime))
    error_message = "runtime must be a Python 3 runtime such as python3.12."
  }
}

variable "architecture" {
  description = "Instruction set of the function: arm64 (default, cheaper per GB-second) or x86_64. Must match the platform the artifact was built for."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory in MB (128-10240). CPU is allocated in proportion."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "timeout" {
  description = "Timeout in seconds (1-900)."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 1 and 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function; null leaves it unreserved (draws from the account pool), 0 throttles it completely."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 0 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions, false)
    error_message = "reserved_concurrent_executions must be null or a whole number >= 0."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function. Never put secrets here: they are visible to anyone who can read the function configuration."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment_variables) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", k))])
    error_message = "environment variable names must start with a letter and contain only letters, digits and underscores."
  }

  validation {
    # Lambda rejects these: the runtime sets them itself.
    condition = length(setintersection(keys(var.environment_variables), [
      "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
      "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
      "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_EXECUTION_ENV", "_HANDLER", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    ])) == 0
    error_message = "environment_variables must not set variables reserved by the Lambda runtime (AWS_REGION, AWS_ACCESS_KEY_ID, _HANDLER, ...)."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key that encrypts the environment variables at rest; null uses the AWS managed key. The role gets no access to this key from this module: Lambda decrypts with its own grant."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:...)."
  }
}

variable "policy_statements" {
  description = <<-EOT
    IAM statements the function needs, and nothing else: the role gets exactly these
    plus write access to its own log group (and X-Ray / VPC ENI permissions when
    tracing / VPC are on). Each statement: sid (unique, alphanumeric), effect
    (default Allow), actions, resources, and optional conditions as a list of
    {test, variable, values}, e.g.
    { test = "StringEquals", variable = "kms:ViaService", values = ["s3.eu-west-1.amazonaws.com"] }.
  EOT
  type = list(object({
    sid       = string
    effect    = optional(string, "Allow")
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.policy_statements : can(regex("^[A-Za-z0-9]+$", s.sid))])
    error_message = "Every policy statement needs an alphanumeric sid."
  }

  validation {
    condition     = length(distinct([for s in var.policy_statements : s.sid])) == length(var.policy_statements)
    error_message = "Policy statement sids must be unique."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : contains(["Allow", "Deny"], s.effect)])
    error_message = "Policy statement effect must be Allow or Deny."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : length(s.actions) > 0 && length(s.resources) > 0])
    error_message = "Every policy statement needs at least one action and one resource."
  }

  validation {
    # A wildcard action is never least privilege; name the actions instead.
    condition     = alltrue([for s in var.policy_statements : !anytrue([for a in s.actions : a == "*" || endswith(a, ":*")])])
    error_message = "Policy statements must not use wildcard actions (\"*\" or \"service:*\"): list the actions the function needs."
  }

  validation {
    # Duplicate (test, variable) pairs would silently overwrite each other when rendered.
    condition = alltrue([
      for s in var.policy_statements :
      length(distinct([for c in s.conditions : "${c.test}/${c.variable}"])) == length(s.conditions)
    ])
    error_message = "A policy statement must not repeat the same condition test and variable; put all values in one condition."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing mode: Active (sample and trace, default) or PassThrough (only trace when the caller did). The role gets X-Ray write access either way."
  type        = string
  default     = "Active"

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "log_retention_days" {
  description = "Retention of the /aws/lambda/<name> log group in days; one of the values CloudWatch Logs accepts (0 = never expire)."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of a KMS key that encrypts the log group; null uses CloudWatch Logs' own encryption. The key policy must allow logs.<region>.amazonaws.com."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN (arn:aws:kms:...)."
  }
}

variable "vpc_subnet_ids" {
  description = "Subnets to run the function in (private ones); empty keeps the function outside any VPC. Requires vpc_security_group_ids."
  type        = list(string)
  default     = []
}

variable "vpc_security_group_ids" {
  description = "Security groups of the function's ENIs when vpc_subnet_ids is set."
  type        = list(string)
  default     = []

  validation {
    condition     = (length(var.vpc_subnet_ids) == 0) == (length(var.vpc_security_group_ids) == 0)
    error_message = "vpc_subnet_ids and vpc_security_group_ids must be given together (both empty for no VPC)."
  }
}

variable "layers" {
  description = "Up to 5 layer version ARNs (e.g. the shared Powertools layer), in order."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.layers) <= 5
    error_message = "A function can use at most 5 layers."
  }
}

variable "publish" {
  description = "Publish a new numbered version on each code or configuration change (needed for aliases and provisioned concurrency)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
}
