provider "aws" {
  region = var.aws_region

  # Guard against applying this environment to the wrong account (e.g. prod
  # settings with dev credentials); empty = no guard.
  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null

  # No default_tags: every module takes `tags`, which keeps tagging identical in
  # all environments including local (where moto drops some create-time tags).
}
