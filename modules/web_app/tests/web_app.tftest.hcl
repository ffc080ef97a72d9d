# Offline tests of the web-app composite: plan only, mocked AWS provider with
# realistic ARNs (per resource where several share a type) so policies, CORS and
# the CSP render and can be checked.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }
  mock_resource "aws_cloudfront_distribution" {
    defaults = {
      id             = "EDFDVBD6EXAMPLE"
      arn            = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"
      domain_name    = "d111111abcdef8.cloudfront.net"
      hosted_zone_id = "Z2FDTNDATAQYW2"
    }
  }
  mock_resource "aws_cloudfront_origin_access_control" {
    defaults = { id = "E2QWRUHAPOMQZL" }
  }
  mock_resource "aws_cloudfront_response_headers_policy" {
    defaults = { id = "67f7725c-6f97-4210-82d7-5512b31e9d03" }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id               = "a1b2c3d4e5"
      root_resource_id = "rootres123"
      execution_arn    = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5"
    }
  }
  mock_resource "aws_api_gateway_authorizer" {
    defaults = { id = "authz1" }
  }
  mock_resource "aws_api_gateway_stage" {
    defaults = {
      invoke_url = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1"
      arn        = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/v1"
    }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id  = "eu-west-1_AbCdEfGhI"
      arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI"
    }
  }
  mock_resource "aws_cognito_user_pool_client" {
    defaults = { id = "1example23456789abcdefghij" }
  }
  mock_resource "aws_ses_email_identity" {
    defaults = { arn = "arn:aws:ses:eu-west-1:123456789012:identity/welcome@example.com" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/refarch-test-web-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/refarch-test-web" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:refarch-test-web-alarms" }
  }
  mock_resource "aws_lambda_event_source_mapping" {
    defaults = { uuid = "a1b2c3d4-5678-90ab-cdef-111111111111" }
  }
}

# Per-instance ARNs, so that a grant on the wrong table, bucket, queue or function
# shows up in the assertions.
override_resource {
  target          = aws_dynamodb_table.this["items"]
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-web-items" }
}
override_resource {
  target          = aws_dynamodb_table.this["subscribers"]
  override_during = plan
  values = {
    arn        = "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-web-subscribers"
    stream_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-web-subscribers/stream/2025-01-01T00:00:00.000"
  }
}
override_resource {
  target          = aws_dynamodb_table.this["idempotency"]
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-web-idempotency" }
}
override_resource {
  target          = aws_sqs_queue.failure["thumbnailer"]
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:refarch-test-web-thumbnailer-failures"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/refarch-test-web-thumbnailer-failures"
  }
}
override_resource {
  target          = aws_sqs_queue.failure["welcome-email"]
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:refarch-test-web-welcome-email-failures"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/refarch-test-web-welcome-email-failures"
  }
}
override_resource {
  target          = module.site_bucket.aws_s3_bucket.this
  override_during = plan
  values = {
    arn                         = "arn:aws:s3:::refarch-test-web-site-123456789012-eu-west-1"
    bucket_regional_domain_name = "refarch-test-web-site-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com"
  }
}
override_resource {
  target          = module.uploads_bucket.aws_s3_bucket.this
  override_during = plan
  values = {
    arn                         = "arn:aws:s3:::refarch-test-web-uploads-123456789012-eu-west-1"
    bucket_regional_domain_name = "refarch-test-web-uploads-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com"
  }
}
override_resource {
  target          = module.thumbnails_bucket.aws_s3_bucket.this
  override_during = plan
  values = {
    arn                         = "arn:aws:s3:::refarch-test-web-thumbnails-123456789012-eu-west-1"
    bucket_regional_domain_name = "refarch-test-web-thumbnails-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com"
  }
}
override_resource {
  target          = module.web_api.aws_lambda_function.this
  override_during = plan
  values = {
    arn        = "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-web-api"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-web-api/invocations"
  }
}
override_resource {
  target          = module.thumbnailer.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-web-thumbnailer" }
}
override_resource {
  target          = module.welcome_email.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-web-welcome-email" }
}

variables {
  name_prefix     = "refarch-test"
  artifacts_dir   = "tests/fixtures/artifacts"
  site_source_dir = "tests/fixtures/site"
  sender_email    = "welcome@example.com"
}

run "site_bucket_is_readable_only_by_the_distribution" {
  command = plan

  # The only Allow in the site bucket policy: CloudFront, GetObject, pinned to this
  # distribution by AWS:SourceArn. Everything else is the TLS-only deny.
  assert {
    condition = [for s in jsondecode(module.site_bucket.policy_json).Statement : s if s.Effect == "Allow"] == [
      {
        Sid       = "CloudFrontOriginAccessControlRead"
        Effect    = "Allow"
        Principal = { Service = ["cloudfront.amazonaws.com"] }
        Action    = ["s3:GetObject"]
        Resource  = ["arn:aws:s3:::refarch-test-web-site-123456789012-eu-west-1/*"]
        Condition = { StringEquals = { "AWS:SourceArn" = ["arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"] } }
      },
    ]
    error_message = "The site bucket must grant GetObject to cloudfront.amazonaws.com only, for this distribution only."
  }

  assert {
    condition     = [for s in jsondecode(module.site_bucket.policy_json).Statement : s.Sid if s.Effect == "Deny"] == ["DenyInsecureTransport"]
    error_message = "The site bucket must keep the TLS-only deny by default."
  }

  assert {
    condition = alltrue([
      for b in [module.site_bucket, module.uploads_bucket, module.thumbnails_bucket] :
      alltrue(values(b.public_access_block)) && b.object_ownership == "BucketOwnerEnforced"
    ])
    error_message = "Every bucket must block public access and disable ACLs (no public ACL possible)."
  }

  assert {
    condition     = jsondecode(module.uploads_bucket.policy_json).Statement[*].Effect == ["Deny"] && jsondecode(module.thumbnails_bucket.policy_json).Statement[*].Effect == ["Deny"]
    error_message = "The uploads and thumbnails buckets grant nothing by policy: the functions' roles do."
  }

  assert {
    condition = (
      aws_cloudfront_origin_access_control.site[0].signing_behavior == "always" &&
      aws_cloudfront_origin_access_control.site[0].signing_protocol == "sigv4" &&
      aws_cloudfront_origin_access_control.site[0].origin_access_control_origin_type == "s3" &&
      one(aws_cloudfront_distribution.site[0].origin).origin_access_control_id == "E2QWRUHAPOMQZL"
    )
    error_message = "The distribution must reach the bucket through an OAC that always signs with SigV4."
  }

  assert {
    condition = (
      aws_cloudfront_distribution.site[0].default_root_object == "index.html" &&
      one(aws_cloudfront_distribution.site[0].default_cache_behavior).viewer_protocol_policy == "redirect-to-https" &&
      one(aws_cloudfront_distribution.site[0].default_cache_behavior).response_headers_policy_id == "67f7725c-6f97-4210-82d7-5512b31e9d03" &&
      one(aws_cloudfront_distribution.site[0].default_cache_behavior).cache_policy_id == "658327ea-f89d-4fab-a63d-7e88639e58f6" &&
      one(aws_cloudfront_distribution.site[0].viewer_certificate).cloudfront_default_certificate &&
      aws_cloudfront_distribution.site[0].price_class == "PriceClass_100" &&
      aws_cloudfront_distribution.site[0].wait_for_deployment
    )
    error_message = "Distribution: index.html root, HTTPS redirect, security headers, managed cache policy, default certificate."
  }

  assert {
    condition     = toset([for e in aws_cloudfront_distribution.site[0].custom_error_response : "${e.error_code}>${e.response_code}:${e.response_page_path}"]) == toset(["403>200:/index.html", "404>200:/index.html"])
    error_message = "403 and 404 must fall back to /index.html with 200 (single-page app)."
  }

  assert {
    condition     = length(aws_route53_record.site) == 0 && output.site_url == "https://d111111abcdef8.cloudfront.net"
    error_message = "Without a custom domain the site is the distribution's https URL and no DNS records are made."
  }

  assert {
    condition     = output.cloudfront_distribution_id == "EDFDVBD6EXAMPLE"
    error_message = "The distribution id must be exported."
  }
}

run "security_headers" {
  command = plan

  assert {
    condition = (
      one(one(aws_cloudfront_response_headers_policy.site[0].security_headers_config).strict_transport_security).access_control_max_age_sec == 63072000 &&
      one(one(aws_cloudfront_response_headers_policy.site[0].security_headers_config).strict_transport_security).include_subdomains &&
      one(one(aws_cloudfront_response_headers_policy.site[0].security_headers_config).strict_transport_security).preload &&
      one(one(aws_cloudfront_response_headers_policy.site[0].security_headers_config).frame_options).frame_option == "DENY" &&
      one(one(aws_cloudfront_response_headers_policy.site[0].security_headers_config).content_type_options).override &&
      one(one(aws_cloudfront_response_headers_policy.site[0].security_headers_config).referrer_policy).referrer_policy == "strict-origin-when-cross-origin"
    )
    error_message = "HSTS (2 years, subdomains, preload), X-Frame-Options DENY, nosniff and a referrer policy are required."
  }

  assert {
    condition = one(one(aws_cloudfront_response_headers_policy.site[0].security_headers_config).content_security_policy).content_security_policy == join("; ", [
      "default-src 'self'",
      "connect-src 'self' https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com https://cognito-idp.eu-west-1.amazonaws.com https://refarch-test-web-uploads-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com https://refarch-test-web-uploads-123456789012-eu-west-1.s3.amazonaws.com",
      "img-src 'self' data: https://refarch-test-web-thumbnails-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com https://refarch-test-web-thumbnails-123456789012-eu-west-1.s3.amazonaws.com",
      "object-src 'none'",
      "base-uri 'self'",
      "frame-ancestors 'none'",
    ])
    error_message = "The CSP must allow exactly the API, Cognito, the uploads bucket (connect) and the thumbnails bucket (img)."
  }
}

run "every_route_but_health_and_preflight_is_authorized" {
  command = plan

  # The API itself (authorizer, integration, stage, logs, throttling) is
  # modules/rest_api's and tested there; this checks what web_app gives it.
  assert {
    condition     = sort([for key, m in module.api.methods : key if !m.authorized]) == sort(concat(["GET /health"], [for p in distinct([for key in keys(module.api.methods) : split(" ", key)[1]]) : "OPTIONS ${p}"]))
    error_message = "The only open methods must be GET /health and the OPTIONS preflights."
  }

  assert {
    condition     = length(module.api.methods) == 17 && alltrue([for m in module.api.methods : !m.cached])
    error_message = "Expected the 10 routes of the contract plus one OPTIONS per path (17 methods), none cached."
  }

  assert {
    condition     = module.api.name == "refarch-test-web-api" && module.api.stage_name == "v1" && output.api_url == "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1"
    error_message = "The API must be named after the module and served from its v1 stage."
  }
}

run "cors_and_cognito_client" {
  command = plan

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.uploads.cors_rule).allowed_origins == toset(["https://d111111abcdef8.cloudfront.net"]) && one(aws_s3_bucket_cors_configuration.uploads.cors_rule).allowed_methods == toset(["POST"])
    error_message = "The uploads bucket must accept presigned POSTs from the site origin only."
  }

  assert {
    condition     = !anytrue([for r in aws_s3_bucket_cors_configuration.uploads.cors_rule : anytrue([for o in r.allowed_origins : strcontains(o, "*")])])
    error_message = "The uploads bucket CORS origin must never be a wildcard."
  }

  assert {
    condition = (
      aws_cognito_user_pool_client.web.generate_secret == false &&
      aws_cognito_user_pool_client.web.explicit_auth_flows == toset(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]) &&
      aws_cognito_user_pool_client.web.prevent_user_existence_errors == "ENABLED" &&
      aws_cognito_user_pool_client.web.enable_token_revocation &&
      aws_cognito_user_pool_client.web.write_attributes == toset(["email"])
    )
    error_message = "The app client must be public (no secret), SRP + refresh only, without user-existence errors, and let users write only their email."
  }

  assert {
    condition = (
      module.user_pool.arn == "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI" &&
      module.user_pool.deletion_protection == "ACTIVE"
    )
    # Sign-in, password and MFA settings are tested in modules/cognito_user_pool.
    error_message = "The user pool (modules/cognito_user_pool) must keep deletion protection on by default."
  }
}

run "tables_functions_and_wiring" {
  command = plan

  assert {
    condition = alltrue([
      for t in aws_dynamodb_table.this :
      t.billing_mode == "PAY_PER_REQUEST" && one(t.point_in_time_recovery).enabled && one(t.server_side_encryption).enabled &&
      one(t.server_side_encryption).kms_key_arn == module.kms_key.arn && t.deletion_protection_enabled
    ])
    error_message = "Tables: on-demand, PITR, SSE with the module key, deletion protection."
  }

  assert {
    condition = (
      aws_dynamodb_table.this["items"].hash_key == "owner_sub" && aws_dynamodb_table.this["items"].range_key == "item_id" &&
      aws_dynamodb_table.this["subscribers"].stream_enabled && aws_dynamodb_table.this["subscribers"].stream_view_type == "NEW_IMAGE" &&
      !aws_dynamodb_table.this["items"].stream_enabled &&
      one(aws_dynamodb_table.this["idempotency"].ttl).attribute_name == "expiration" && one(aws_dynamodb_table.this["idempotency"].ttl).enabled
    )
    error_message = "Keys, the subscribers stream (NEW_IMAGE) and the idempotency TTL are wrong."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.welcome_email.event_source_arn == "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-web-subscribers/stream/2025-01-01T00:00:00.000" &&
      aws_lambda_event_source_mapping.welcome_email.function_name == "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-web-welcome-email" &&
      aws_lambda_event_source_mapping.welcome_email.function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.welcome_email.bisect_batch_on_function_error &&
      one(one(aws_lambda_event_source_mapping.welcome_email.destination_config).on_failure).destination_arn == "arn:aws:sqs:eu-west-1:123456789012:refarch-test-web-welcome-email-failures" &&
      jsondecode(one(one(aws_lambda_event_source_mapping.welcome_email.filter_criteria).filter).pattern) == { eventName = ["INSERT"] }
    )
    error_message = "welcome_email must read only INSERTs of the subscribers stream, report item failures and give up into its failure queue."
  }

  assert {
    condition = (
      aws_lambda_function_event_invoke_config.thumbnailer.maximum_retry_attempts == 2 &&
      one(one(aws_lambda_function_event_invoke_config.thumbnailer.destination_config).on_failure).destination == "arn:aws:sqs:eu-west-1:123456789012:refarch-test-web-thumbnailer-failures"
    )
    error_message = "The thumbnailer's S3 events must be retried twice, then go to its failure queue."
  }

  assert {
    condition = (
      one(aws_s3_bucket_notification.uploads.lambda_function).filter_prefix == "uploads/" &&
      one(aws_s3_bucket_notification.uploads.lambda_function).lambda_function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-web-thumbnailer" &&
      aws_lambda_permission.uploads.source_arn == "arn:aws:s3:::refarch-test-web-uploads-123456789012-eu-west-1" &&
      aws_lambda_permission.uploads.source_account == "123456789012"
    )
    error_message = "Only uploads/ of this account's uploads bucket may trigger the thumbnailer (quarantine/ must not: no loop)."
  }

  assert {
    condition = alltrue([
      for q in aws_sqs_queue.failure : q.kms_master_key_id == module.kms_key.arn
    ])
    error_message = "Failure queues must be KMS-encrypted with the rotating module key."
  }

  assert {
    condition     = contains(jsondecode(module.kms_key.policy).Statement, module.alarms.kms_key_policy_statement)
    error_message = "The key policy must let CloudWatch alarms publish to the encrypted topic."
  }

  assert {
    condition = keys(module.alarms.alarms) == [
      "api-5xx", "thumbnailer-errors", "thumbnailer-failure-queue-depth", "web-api-errors", "welcome-email-errors", "welcome-email-failure-queue-depth",
    ]
    error_message = "Alarms on API 5xx, every function's errors and both failure queues are required."
  }

  assert {
    condition     = module.alarms.alarms["api-5xx"].dimensions.ApiName == "refarch-test-web-api" && module.alarms.alarms["api-5xx"].dimensions.Stage == "v1"
    error_message = "The 5xx alarm must watch this API's stage."
  }

  # Site files: uploaded with their type; config.json only as generated.
  assert {
    condition     = keys(aws_s3_object.site_file) == ["app.css", "app.js", "index.html"]
    error_message = "Every site file but config.json must be uploaded (config.json is generated)."
  }

  assert {
    condition = (
      aws_s3_object.site_file["index.html"].content_type == "text/html; charset=utf-8" &&
      aws_s3_object.site_file["app.js"].content_type == "text/javascript; charset=utf-8" &&
      aws_s3_object.site_file["app.css"].etag == filemd5("tests/fixtures/site/app.css")
    )
    error_message = "Site files need their Content-Type and their MD5 as etag."
  }

  assert {
    condition = jsondecode(aws_s3_object.site_config.content) == {
      apiUrl           = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1"
      region           = "eu-west-1"
      userPoolId       = "eu-west-1_AbCdEfGhI"
      userPoolClientId = "1example23456789abcdefghij"
      cognitoEndpoint  = "https://cognito-idp.eu-west-1.amazonaws.com"
    }
    error_message = "config.json must be rendered from the deployed API, pool and client."
  }
}

run "functions_are_least_privilege" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for p in [module.web_api.policy_json, module.welcome_email.policy_json, module.thumbnailer.policy_json] : [
        for s in jsondecode(p).Statement : [
          [for a in s.Action : a != "*" && !endswith(a, ":*")],
          [for r in s.Resource : r != "*" && !endswith(r, ":*")],
          [s.Effect == "Allow"],
        ]
      ]
    ]))
    error_message = "No function may get a wildcard action or resource."
  }

  assert {
    condition = { for s in jsondecode(module.web_api.policy_json).Statement : s.Sid => s.Resource } == {
      ReadWriteItems = ["arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-web-items"]
      Subscribe      = ["arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-web-subscribers"]
      PresignUploads = ["arn:aws:s3:::refarch-test-web-uploads-123456789012-eu-west-1/uploads/*"]
      ListOwnUploads = ["arn:aws:s3:::refarch-test-web-uploads-123456789012-eu-west-1"]
      ReadThumbnails = ["arn:aws:s3:::refarch-test-web-thumbnails-123456789012-eu-west-1/thumbnails/*"]
      ListThumbnails = ["arn:aws:s3:::refarch-test-web-thumbnails-123456789012-eu-west-1"]
      UseWebAppKey   = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
    }
    error_message = "web_api must reach only its tables, uploads/ (write), thumbnails/ (read) and the module key."
  }

  assert {
    condition     = [for s in jsondecode(module.web_api.policy_json).Statement : s.Action if s.Sid == "Subscribe"][0] == ["dynamodb:PutItem"]
    error_message = "web_api may only put subscribers (the conditional put returns the existing row)."
  }

  assert {
    condition = !contains(flatten([
      for p in [module.web_api.policy_json, module.welcome_email.policy_json, module.thumbnailer.policy_json] : [
        for s in jsondecode(p).Statement : s.Action
      ]
    ]), "kms:DescribeKey")
    error_message = "No function calls kms:DescribeKey: it must not be granted."
  }

  assert {
    condition = [for s in jsondecode(module.welcome_email.policy_json).Statement : s if s.Sid == "SendWelcomeEmail"][0] == {
      Sid       = "SendWelcomeEmail"
      Effect    = "Allow"
      Action    = ["ses:SendEmail"]
      Resource  = ["arn:aws:ses:eu-west-1:123456789012:identity/welcome@example.com"]
      Condition = { StringEquals = { "ses:FromAddress" = ["welcome@example.com"] } }
    }
    error_message = "welcome_email may send only from the sender identity, as the sender address."
  }

  assert {
    condition = { for s in jsondecode(module.thumbnailer.policy_json).Statement : s.Sid => s.Resource } == {
      ReadAndRemoveUploads = ["arn:aws:s3:::refarch-test-web-uploads-123456789012-eu-west-1/uploads/*"]
      ListUploads          = ["arn:aws:s3:::refarch-test-web-uploads-123456789012-eu-west-1"]
      WriteQuarantine      = ["arn:aws:s3:::refarch-test-web-uploads-123456789012-eu-west-1/quarantine/*"]
      WriteThumbnails      = ["arn:aws:s3:::refarch-test-web-thumbnails-123456789012-eu-west-1/thumbnails/*"]
      SendToFailureQueue   = ["arn:aws:sqs:eu-west-1:123456789012:refarch-test-web-thumbnailer-failures"]
      UseWebAppKey         = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
    }
    error_message = "The thumbnailer must read/delete uploads/, write quarantine/ and thumbnails/ only."
  }

  assert {
    condition = {
      for s in concat(jsondecode(module.web_api.policy_json).Statement, jsondecode(module.thumbnailer.policy_json).Statement) :
      s.Sid => s.Condition.StringLike["s3:prefix"] if contains(s.Action, "s3:ListBucket")
    } == { ListOwnUploads = ["uploads/*"], ListThumbnails = ["thumbnails/*"], ListUploads = ["uploads/*"] }
    error_message = "Every s3:ListBucket must be limited to the prefix the function works in."
  }
}

run "production_controls" {
  command = plan

  variables {
    access_log_bucket     = "refarch-test-logs-123456789012-eu-west-1"
    cloudfront_log_bucket = "refarch-test-logs-123456789012-eu-west-1.s3.amazonaws.com"
    cloudfront_web_acl_id = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/refarch-test-cloudfront/11111111-2222-3333-4444-555555555555"
    api                   = { web_acl_arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/refarch-test-api/11111111-2222-3333-4444-555555555555" }
  }

  assert {
    condition = [for f in [module.web_api, module.welcome_email, module.thumbnailer] : f.kms_key_arn] == [
      "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
      "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
      "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
    ]
    error_message = "Every function's environment must be encrypted with the module key."
  }

  assert {
    condition = (
      module.api.execution_log_group_name == "API-Gateway-Execution-Logs_a1b2c3d4e5/v1" &&
      module.api.access_log_group_name == "/aws/apigateway/refarch-test-web-api/v1/access"
    )
    error_message = "The API's execution and access logs must be declared (retention and key: modules/rest_api's tests)."
  }

  assert {
    condition = alltrue([
      for key, q in aws_sqs_queue_policy.failure_tls_only : jsondecode(q.policy).Statement == [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "sqs:*"
        Resource  = "arn:aws:sqs:eu-west-1:123456789012:refarch-test-web-${key}-failures"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }]
    ]) && length(aws_sqs_queue_policy.failure_tls_only) == 2 && module.alarms.topic_policy_json != null
    error_message = "Both failure queues and the alarm topic must refuse plain HTTP."
  }

  assert {
    condition = (
      module.site_bucket.access_log_bucket == "refarch-test-logs-123456789012-eu-west-1" &&
      module.uploads_bucket.access_log_bucket == "refarch-test-logs-123456789012-eu-west-1" &&
      module.thumbnails_bucket.access_log_bucket == "refarch-test-logs-123456789012-eu-west-1"
    )
    error_message = "All three buckets must log their accesses to access_log_bucket."
  }

  assert {
    condition = (
      aws_cloudfront_distribution.site[0].logging_config[0].bucket == "refarch-test-logs-123456789012-eu-west-1.s3.amazonaws.com" &&
      aws_cloudfront_distribution.site[0].web_acl_id == var.cloudfront_web_acl_id &&
      module.api.web_acl_arn == var.api.web_acl_arn
    )
    error_message = "The distribution must log and use its web ACL; the API stage must be associated with the regional ACL."
  }
}

run "controls_off_by_default" {
  command = plan

  assert {
    condition = (
      module.api.web_acl_arn == null &&
      aws_cloudfront_distribution.site[0].web_acl_id == null &&
      length(aws_cloudfront_distribution.site[0].logging_config) == 0 &&
      module.site_bucket.access_log_bucket == null
    )
    error_message = "WAF and access logging are per environment: off unless their inputs are set."
  }
}

run "local_emulator_settings" {
  command = plan

  variables {
    settings                       = { encrypt_environment_variables = false, deny_insecure_transport = false, deletion_protection = false }
    create_cloudfront_distribution = false
    site_origin_override           = "http://127.0.0.1:8787/site/"
    api                            = { url_override = "http://127.0.0.1:8787/{api_id}/{stage}" }
    cognito_endpoint_override      = "http://127.0.0.1:5000"
  }

  assert {
    condition = (
      length(aws_cloudfront_distribution.site) == 0 &&
      length(aws_cloudfront_origin_access_control.site) == 0 &&
      length(aws_cloudfront_response_headers_policy.site) == 0 &&
      module.site_bucket.policy_json == null &&
      output.cloudfront_distribution_id == null
    )
    error_message = "Without CloudFront nothing may be granted on the site bucket (and without the TLS deny there is no policy)."
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.uploads.cors_rule).allowed_origins == toset(["http://127.0.0.1:8787"])
    error_message = "The CORS origin must be the override's origin (no path)."
  }

  assert {
    condition     = output.site_url == "http://127.0.0.1:8787/site/" && output.api_url == "http://127.0.0.1:8787/a1b2c3d4e5/v1"
    error_message = "site_url must be the override and api_url the override with {api_id}/{stage} filled in."
  }

  assert {
    condition     = jsondecode(aws_s3_object.site_config.content).apiUrl == "http://127.0.0.1:8787/a1b2c3d4e5/v1" && jsondecode(aws_s3_object.site_config.content).cognitoEndpoint == "http://127.0.0.1:5000"
    error_message = "config.json must point the page at the local API and Cognito."
  }

  assert {
    condition     = alltrue([for t in aws_dynamodb_table.this : !t.deletion_protection_enabled]) && module.user_pool.deletion_protection == "INACTIVE"
    error_message = "deletion_protection = false must switch it off on the tables and the pool."
  }

  assert {
    condition     = length(aws_sqs_queue_policy.failure_tls_only) == 0 && module.alarms.topic_policy_json == null
    error_message = "The emulator is served over http: no TLS-only queue or topic policy there."
  }

  assert {
    condition     = alltrue([for f in [module.web_api, module.welcome_email, module.thumbnailer] : f.kms_key_arn == null])
    error_message = "encrypt_environment_variables = false must leave the AWS managed key (moto drops KMSKeyArn)."
  }
}

run "custom_domain" {
  command = plan

  variables {
    acm_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
    aliases             = ["app.example.com"]
    route53_zone_id     = "Z0123456789ABCDEFGHIJ"
    mfa_configuration   = "ON"
  }

  assert {
    condition = (
      one(aws_cloudfront_distribution.site[0].viewer_certificate).acm_certificate_arn == "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" &&
      one(aws_cloudfront_distribution.site[0].viewer_certificate).minimum_protocol_version == "TLSv1.2_2021" &&
      one(aws_cloudfront_distribution.site[0].viewer_certificate).ssl_support_method == "sni-only" &&
      aws_cloudfront_distribution.site[0].aliases == toset(["app.example.com"])
    )
    error_message = "A custom domain must use the certificate with SNI and TLS 1.2+."
  }

  assert {
    condition     = keys(aws_route53_record.site) == ["app.example.com/A", "app.example.com/AAAA"] && aws_route53_record.site["app.example.com/A"].alias[0].name == "d111111abcdef8.cloudfront.net"
    error_message = "Each alias needs A and AAAA alias records to the distribution."
  }

  assert {
    condition     = output.site_url == "https://app.example.com" && one(aws_s3_bucket_cors_configuration.uploads.cors_rule).allowed_origins == toset(["https://app.example.com"])
    error_message = "The first alias must be the site URL and the CORS origin."
  }
}

run "rejects_bad_sender_email" {
  command = plan
  variables {
    sender_email = "Welcome <welcome@example.com>"
  }
  expect_failures = [var.sender_email]
}

run "rejects_wildcard_site_origin" {
  command = plan
  variables {
    site_origin_override = "https://*.example.com"
  }
  expect_failures = [var.site_origin_override]
}

run "rejects_no_distribution_without_site_origin" {
  command = plan
  variables {
    create_cloudfront_distribution = false
  }
  expect_failures = [var.site_origin_override]
}

run "rejects_aliases_without_certificate" {
  command = plan
  variables {
    aliases = ["app.example.com"]
  }
  expect_failures = [var.aliases]
}

run "rejects_unknown_mfa_mode" {
  command = plan
  variables {
    mfa_configuration = "REQUIRED"
  }
  expect_failures = [var.mfa_configuration]
}

run "rejects_site_dir_without_index" {
  command = plan
  variables {
    site_source_dir = "tests/fixtures/artifacts"
  }
  expect_failures = [var.site_source_dir]
}

run "rejects_api_timeout_beyond_gateway_limit" {
  command = plan
  variables {
    web_api_timeout = 30
  }
  expect_failures = [var.web_api_timeout]
}

# ---- First apply in a new account: the API Gateway logging role ----

run "exports_the_logging_role_it_registers" {
  command = plan

  # Other composites pass it to api_gateway_cloudwatch_role_arn so their stages are
  # created after the role (the ordering itself: tests/unit/infra/test_stage_ordering.py).
  assert {
    condition     = output.api_gateway_cloudwatch_role_arn == module.api_gateway_account[0].role_arn
    error_message = "api_gateway_cloudwatch_role_arn must be the role this module registers."
  }
}

run "exports_no_logging_role_when_another_stack_owns_it" {
  command = plan

  variables {
    configure_api_gateway_account = false
  }

  assert {
    condition     = output.api_gateway_cloudwatch_role_arn == null
    error_message = "Without configure_api_gateway_account this module registers no role to wait for."
  }
}

run "rejects_a_logging_role_that_is_not_a_role_arn" {
  command = plan

  variables {
    api_gateway_cloudwatch_role_arn = "refarch-test-web-apigateway-cloudwatch"
  }

  expect_failures = [var.api_gateway_cloudwatch_role_arn]
}
