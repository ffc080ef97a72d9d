variable "bucket_name" {
  description = "Globally unique bucket name (3-63 characters: lowercase letters, digits, hyphens; no dots, so virtual-hosted TLS certificates always match)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("--", var.bucket_name)) && !startswith(var.bucket_name, "xn--") && !endswith(var.bucket_name, "-s3alias")
    error_message = "bucket_name must be 3-63 characters of lowercase letters, digits and single hyphens, starting and ending with a letter or digit."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket with all its objects and versions. Keep false anywhere the data matters; true is meant for throwaway environments such as local."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "ARN of the KMS key for default SSE-KMS encryption (with an S3 bucket key to cut KMS calls). null falls back to SSE-S3 (AES256), e.g. for buckets CloudFront reads through OAC without KMS permissions."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:...) or null."
  }
}

variable "versioning_enabled" {
  description = "Keep every version of every object (recover from overwrites and deletes). Switching it off later only suspends versioning: S3 cannot disable it."
  type        = bool
  default     = true
}

variable "attach_deny_insecure_transport_policy" {
  description = "Deny every request not made over TLS (aws:SecureTransport = false). Keep true on AWS. Only the local emulator environment sets false: moto is served over plain http, where this deny refuses every object request (measured with moto 5.2: PutObject/GetObject return 403)."
  type        = bool
  default     = true
}

variable "policy_statements" {
  description = <<-EOT
    Extra bucket-policy statements, merged after the TLS-only deny, e.g. a CloudFront
    Origin Access Control grant. Each statement: sid, effect (default Allow),
    principals as a list of {type, identifiers} (type AWS, Service, Federated...),
    actions, resources (full ARNs, e.g. "<bucket arn>/*"), optional conditions as
    {test, variable, values}.
  EOT
  type = list(object({
    sid    = string
    effect = optional(string, "Allow")
    principals = list(object({
      type        = string
      identifiers = list(string)
    }))
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
    condition     = alltrue([for s in var.policy_statements : can(regex("^[A-Za-z0-9]+$", s.sid)) && s.sid != "DenyInsecureTransport"])
    error_message = "Every extra statement needs an alphanumeric sid other than DenyInsecureTransport (used by the module)."
  }

  validation {
    condition     = length(distinct([for s in var.policy_statements : s.sid])) == length(var.policy_statements)
    error_message = "Bucket policy statement sids must be unique."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : contains(["Allow", "Deny"], s.effect) && length(s.principals) > 0 && length(s.actions) > 0 && length(s.resources) > 0])
    error_message = "Every extra statement needs effect Allow or Deny and at least one principal, action and resource."
  }

  validation {
    # Anonymous Allow would make the bucket public, which the public access block
    # rejects at apply time anyway; fail early with a clear message instead.
    condition = alltrue([
      for s in var.policy_statements : !(s.effect == "Allow" && anytrue([for p in s.principals : contains(p.identifiers, "*")]))
    ])
    error_message = "Extra Allow statements must name their principals: this bucket is private and blocks public policies."
  }

  validation {
    condition = alltrue([
      for s in var.policy_statements :
      length(distinct([for p in s.principals : p.type])) == length(s.principals) &&
      length(distinct([for c in s.conditions : "${c.test}/${c.variable}"])) == length(s.conditions)
    ])
    error_message = "Within one statement, give each principal type once and each condition test/variable pair once."
  }
}

variable "lifecycle_rules" {
  description = <<-EOT
    Lifecycle rules. Each: id, enabled (default true), prefix ("" = whole bucket),
    transitions [{days, storage_class}], expiration_days, noncurrent_version_transitions
    [{days, storage_class}], noncurrent_version_expiration_days,
    abort_incomplete_multipart_upload_days (default 7). The default rule only aborts
    incomplete multipart uploads, whose parts are otherwise billed forever.
  EOT
  type = list(object({
    id                                     = string
    enabled                                = optional(bool, true)
    prefix                                 = optional(string, "")
    transitions                            = optional(list(object({ days = number, storage_class = string })), [])
    expiration_days                        = optional(number)
    noncurrent_version_transitions         = optional(list(object({ days = number, storage_class = string })), [])
    noncurrent_version_expiration_days     = optional(number)
    abort_incomplete_multipart_upload_days = optional(number, 7)
  }))
  default = [{ id = "abort-incomplete-multipart-uploads" }]

  validation {
    condition     = length(distinct([for r in var.lifecycle_rules : r.id])) == length(var.lifecycle_rules) && alltrue([for r in var.lifecycle_rules : length(r.id) > 0 && length(r.id) <= 255])
    error_message = "Lifecycle rule ids must be unique and 1-255 characters."
  }

  validation {
    condition = alltrue(flatten([
      for r in var.lifecycle_rules : [
        for t in concat(r.transitions, r.noncurrent_version_transitions) :
        contains(["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], t.storage_class) && t.days >= 0
      ]
    ]))
    error_message = "Transition storage_class must be one of STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE, with days >= 0."
  }

  validation {
    condition = alltrue([
      for r in var.lifecycle_rules :
      (r.expiration_days == null || try(r.expiration_days >= 1, false)) &&
      (r.noncurrent_version_expiration_days == null || try(r.noncurrent_version_expiration_days >= 1, false)) &&
      r.abort_incomplete_multipart_upload_days >= 1
    ])
    error_message = "expiration_days and noncurrent_version_expiration_days must be >= 1 or null; abort_incomplete_multipart_upload_days must be >= 1 (null means the default, 7)."
  }
}

variable "object_ownership" {
  description = "BucketOwnerEnforced (default: ACLs disabled) or BucketOwnerPreferred, only for a log bucket receiving CloudFront standard logs (CloudFront grants its log delivery an ACL). Public ACLs stay blocked either way."
  type        = string
  default     = "BucketOwnerEnforced"

  validation {
    condition     = contains(["BucketOwnerEnforced", "BucketOwnerPreferred"], var.object_ownership)
    error_message = "object_ownership must be BucketOwnerEnforced or BucketOwnerPreferred (ObjectWriter is never needed here)."
  }
}

variable "access_log_bucket" {
  description = "Name of an existing bucket that receives S3 server access logs of this bucket (it must allow logging.s3.amazonaws.com to write); null disables access logging."
  type        = string
  default     = null
}

variable "access_log_prefix" {
  description = "Key prefix of this bucket's access logs in access_log_bucket. Defaults to `<bucket_name>/`."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to the bucket."
  type        = map(string)
  default     = {}
}
