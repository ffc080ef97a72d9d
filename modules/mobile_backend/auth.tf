# ---------------------------------------------------------------------------
# Cognito user pool: the app's users sign in with their email (SRP: the password
# never travels) and call the API with the ID token
# ---------------------------------------------------------------------------
module "user_pool" {
  source = "../cognito_user_pool"

  name                    = "${local.name}-users"
  password_minimum_length = var.password_minimum_length
  mfa_configuration       = var.mfa_configuration
  allow_self_sign_up      = var.allow_self_sign_up
  deletion_protection     = var.settings.deletion_protection
  email_configuration     = var.cognito_email_configuration
  tags                    = local.tags
}

resource "aws_cognito_user_pool_client" "mobile" {
  name         = "${local.name}-app"
  user_pool_id = module.user_pool.id

  # An app on a phone cannot keep a secret: public client, SRP sign-in and refresh
  # only (no USER_PASSWORD_AUTH, no admin flows).
  generate_secret     = false
  explicit_auth_flows = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

  # The ID token carries the email (shares show who shared a note). Naming the
  # attributes keeps future custom attributes out of tokens; it is also needed on
  # the emulator, where a client without read_attributes gets the sub as its email
  # claim (moto 5.2).
  read_attributes = ["email", "email_verified"]
  # Users may change only their email, which the pool holds back until the new address
  # is verified; email_verified, and any attribute added later, stay out of their reach
  # (without the list a client may write every writable attribute).
  write_attributes = ["email"]

  # Sign-in and recovery answer the same for unknown users: emails do not leak.
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  access_token_validity  = var.access_token_validity_minutes
  id_token_validity      = var.id_token_validity_minutes
  refresh_token_validity = var.refresh_token_validity_days
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

# ---------------------------------------------------------------------------
# Identity pool: trades a user-pool ID token for temporary AWS credentials of the
# authenticated role, whose only power is the caller's own folder of user files
# ---------------------------------------------------------------------------
resource "aws_cognito_identity_pool" "this" {
  identity_pool_name               = replace("${local.name}-identities", "-", "_")
  allow_unauthenticated_identities = var.allow_unauthenticated_identities
  # Enhanced (simplified) flow only: GetCredentialsForIdentity with the pool's roles;
  # the basic flow would let a client pick any role that trusts the pool.
  allow_classic_flow = false

  cognito_identity_providers {
    client_id     = aws_cognito_user_pool_client.mobile.id
    provider_name = module.user_pool.endpoint
    # Cognito checks with the user pool that the token was not revoked (sign-out).
    server_side_token_check = true
  }

  tags = local.tags
}

locals {
  # The identity id Cognito puts into the session as ${cognito-identity.amazonaws.com:sub}
  # (escaped as $${...} here: it is an IAM policy variable, resolved per request).
  identity_folder = "private/$${cognito-identity.amazonaws.com:sub}/"

  # Rendered with jsonencode (not aws_iam_policy_document) so `terraform test` with
  # a mock provider asserts on the real JSON (output authenticated_role_policy_json).
  authenticated_role_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "OwnFilesOnly"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = ["${module.user_files_bucket.arn}/${local.identity_folder}*"]
      },
      {
        # Listing is a bucket-level action: the prefix condition keeps it to the
        # caller's folder (the folder itself, for a delimiter listing, and below it).
        Sid      = "ListOwnFilesOnly"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [module.user_files_bucket.arn]
        Condition = {
          StringLike = { "s3:prefix" = [local.identity_folder, "${local.identity_folder}*"] }
        }
      },
    ]
  })
}

resource "aws_iam_role" "authenticated" {
  name        = "${local.name}-authenticated"
  description = "Role of signed-in app users (Cognito identity pool): their own private/<identity id>/ folder of the user-files bucket, nothing else"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CognitoAuthenticatedIdentities"
      Effect    = "Allow"
      Principal = { Federated = "cognito-identity.amazonaws.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      # Only identities of THIS pool, and only signed-in ones (never guests, even
      # when allow_unauthenticated_identities is true).
      Condition = {
        StringEquals             = { "cognito-identity.amazonaws.com:aud" = aws_cognito_identity_pool.this.id }
        "ForAnyValue:StringLike" = { "cognito-identity.amazonaws.com:amr" = "authenticated" }
      }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "authenticated" {
  name   = "own-user-files"
  role   = aws_iam_role.authenticated.id
  policy = local.authenticated_role_policy_json
}

# Guests (allow_unauthenticated_identities) get an identity id but no role here,
# hence no credentials: nothing in this backend is meant for them.
resource "aws_cognito_identity_pool_roles_attachment" "this" {
  count = var.attach_identity_pool_roles ? 1 : 0

  identity_pool_id = aws_cognito_identity_pool.this.id
  roles = {
    authenticated = aws_iam_role.authenticated.arn
  }
}

# ---------------------------------------------------------------------------
# User files: one private bucket, each user reaching only private/<identity id>/
# with the identity pool's credentials (no grant in the bucket policy)
# ---------------------------------------------------------------------------
module "user_files_bucket" {
  source = "../secure_bucket"

  bucket_name   = "${local.name}-files-${local.bucket_suffix}"
  force_destroy = var.settings.force_destroy_buckets
  # SSE-S3, not the module's KMS key: with SSE-KMS every app user's role would need
  # kms:GenerateDataKey/Decrypt on the key, and S3 Bucket Keys make the encryption
  # context the bucket, not the user's folder, so that grant could not be narrowed
  # per user. The role stays "own folder, nothing else"; data is still encrypted.
  kms_key_arn                           = null
  attach_deny_insecure_transport_policy = var.settings.deny_insecure_transport
  access_log_bucket                     = var.access_log_bucket

  lifecycle_rules = [
    {
      id                                 = "expire-old-versions"
      noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
    },
  ]

  tags = local.tags
}
