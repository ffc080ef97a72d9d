# Offline tests of the REST API block: plan only, mocked AWS provider with realistic
# IDs and ARNs. The two configurations are the composites': web_app's (browser, CORS
# preflight) and mobile_backend's (app, per-caller cache).
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
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
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/refarch-test-web-api/v1/access" }
  }
}

# web_app's API: a browser client, so every path also answers the CORS preflight.
variables {
  name        = "refarch-test-web-api"
  description = "refarch-test-web: items, subscriptions and uploads of signed-in users"
  routes = {
    "GET /health"                         = { public = true }
    "GET /openapi.json"                   = {}
    "GET /items"                          = {}
    "POST /items"                         = {}
    "GET /items/{item_id}"                = {}
    "PATCH /items/{item_id}"              = {}
    "DELETE /items/{item_id}"             = {}
    "POST /subscriptions"                 = {}
    "POST /uploads"                       = {}
    "GET /uploads/{upload_id}/thumbnails" = {}
  }
  cors_preflight = true
  integration = {
    function_name = "refarch-test-web-api"
    invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-web-api/invocations"
  }
  authorizer = {
    name           = "refarch-test-web-cognito"
    user_pool_arns = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI"]
  }
  logging = {
    kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    retention_days = 30
  }
  tags = { Project = "refarch-test" }
}

run "every_route_but_health_and_preflight_is_authorized" {
  command = plan

  # Over ALL methods of the API, whatever routes are added later.
  assert {
    condition = alltrue([
      for key, m in aws_api_gateway_method.this :
      m.authorization == "COGNITO_USER_POOLS" && m.authorizer_id == "authz1"
      if !(key == "GET /health" || m.http_method == "OPTIONS")
    ])
    error_message = "Every method except GET /health and OPTIONS must use the Cognito authorizer."
  }

  assert {
    condition     = sort([for key, m in aws_api_gateway_method.this : key if m.authorization == "NONE"]) == sort(concat(["GET /health"], [for p in local.paths : "OPTIONS ${p}"]))
    error_message = "The only open methods must be GET /health and the OPTIONS preflights."
  }

  assert {
    condition     = alltrue([for key, m in aws_api_gateway_method.this : contains(["NONE", "COGNITO_USER_POOLS"], m.authorization)]) && length(aws_api_gateway_method.this) == 17
    error_message = "Expected the 10 routes plus one OPTIONS per path (17 methods)."
  }

  assert {
    condition     = aws_api_gateway_authorizer.cognito.type == "COGNITO_USER_POOLS" && aws_api_gateway_authorizer.cognito.provider_arns == toset(["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI"]) && aws_api_gateway_authorizer.cognito.identity_source == "method.request.header.Authorization"
    error_message = "The authorizer must validate the Authorization header against this user pool."
  }

  assert {
    condition = alltrue([
      for i in aws_api_gateway_integration.this :
      i.type == "AWS_PROXY" && i.integration_http_method == "POST" && i.uri == "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-web-api/invocations"
    ])
    error_message = "Every method must be a Lambda proxy integration of the function."
  }

  assert {
    condition     = aws_lambda_permission.this.source_arn == "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/*/*" && aws_lambda_permission.this.principal == "apigateway.amazonaws.com" && aws_lambda_permission.this.function_name == "refarch-test-web-api"
    error_message = "API Gateway may invoke the function only from this API's stage."
  }

  assert {
    condition = (
      aws_api_gateway_stage.this.xray_tracing_enabled &&
      !aws_api_gateway_stage.this.cache_cluster_enabled &&
      length(aws_api_gateway_method_settings.cached) == 0 &&
      one(aws_api_gateway_stage.this.access_log_settings).destination_arn == aws_cloudwatch_log_group.access.arn &&
      can(jsondecode(one(aws_api_gateway_stage.this.access_log_settings).format).sub) &&
      aws_cloudwatch_log_group.access.kms_key_id == var.logging.kms_key_arn &&
      aws_cloudwatch_log_group.access.name == "/aws/apigateway/refarch-test-web-api/v1/access"
    )
    error_message = "The stage must trace with X-Ray and write JSON access logs to a KMS-encrypted log group, with no cache by default."
  }

  assert {
    condition = (
      one(aws_api_gateway_method_settings.all.settings).throttling_rate_limit == 50 &&
      one(aws_api_gateway_method_settings.all.settings).throttling_burst_limit == 100 &&
      one(aws_api_gateway_method_settings.all.settings).metrics_enabled &&
      one(aws_api_gateway_method_settings.all.settings).logging_level == "ERROR" &&
      !one(aws_api_gateway_method_settings.all.settings).data_trace_enabled &&
      aws_api_gateway_method_settings.all.method_path == "*/*"
    )
    error_message = "Every method must be throttled, with metrics, error logs and no body logging."
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.execution.name == "API-Gateway-Execution-Logs_a1b2c3d4e5/v1" &&
      aws_cloudwatch_log_group.execution.retention_in_days == 30 &&
      aws_cloudwatch_log_group.execution.kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    )
    error_message = "The execution log group must be API Gateway's name, with the retention and the key."
  }

  assert {
    condition     = aws_api_gateway_rest_api.this.endpoint_configuration[0].types == tolist(["REGIONAL"])
    error_message = "The API must be REGIONAL."
  }

  assert {
    condition     = length(aws_wafv2_web_acl_association.this) == 0 && output.web_acl_arn == null
    error_message = "WAF is per environment: off unless web_acl_arn is set."
  }

  assert {
    condition     = output.url == "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1" && output.origin == "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
    error_message = "url must be the stage's invoke URL and origin its scheme and host."
  }
}

run "waf_when_set" {
  command = plan

  variables {
    web_acl_arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/refarch-test-api/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition = (
      aws_wafv2_web_acl_association.this[0].web_acl_arn == var.web_acl_arn &&
      aws_wafv2_web_acl_association.this[0].resource_arn == "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/v1"
    )
    error_message = "The stage must be associated with the regional ACL."
  }
}

run "local_url_override" {
  command = plan

  variables {
    url_override = "http://127.0.0.1:8787/{api_id}/{stage}"
  }

  assert {
    condition     = output.url == "http://127.0.0.1:8787/a1b2c3d4e5/v1" && output.origin == "http://127.0.0.1:8787"
    error_message = "url must be the override with {api_id}/{stage} filled in, origin its scheme and host."
  }
}

# ---- First apply in a new account: the stage waits for the logging role's ARN ----
# (the ordering itself: tests/unit/infra/test_stage_ordering.py)

run "accepts_the_logging_role_of_another_module" {
  command = plan

  variables {
    cloudwatch_role_arn = "arn:aws:iam::123456789012:role/refarch-test-web-apigateway-cloudwatch"
  }

  assert {
    condition     = aws_api_gateway_stage.this.stage_name == var.stage_name
    error_message = "The stage must still be planned when it waits for another module's role."
  }
}

# ---- mobile_backend's API: no preflight, per-caller cache of two reads ----

run "every_route_but_health_is_authorized_without_preflight" {
  command = plan

  variables {
    name = "refarch-test-mobile-api"
    routes = {
      "GET /health"                 = { public = true }
      "GET /notes"                  = { cached = true }
      "POST /notes"                 = {}
      "GET /notes/{note_id}"        = { cached = true }
      "PATCH /notes/{note_id}"      = {}
      "DELETE /notes/{note_id}"     = {}
      "POST /notes/{note_id}/share" = {}
      "GET /shared"                 = {}
      "POST /devices"               = {}
      "DELETE /devices/{device_id}" = {}
    }
    cors_preflight = false
  }

  assert {
    condition = alltrue([
      for key, m in aws_api_gateway_method.this :
      m.authorization == "COGNITO_USER_POOLS" && m.authorizer_id == "authz1" if key != "GET /health"
    ])
    error_message = "Every method except GET /health must use the Cognito authorizer."
  }

  assert {
    condition     = [for key, m in aws_api_gateway_method.this : key if m.authorization != "COGNITO_USER_POOLS"] == ["GET /health"]
    error_message = "GET /health must be the only open method."
  }

  assert {
    condition = toset(keys(aws_api_gateway_method.this)) == toset([
      "GET /health", "GET /notes", "POST /notes", "GET /notes/{note_id}", "PATCH /notes/{note_id}", "DELETE /notes/{note_id}",
      "POST /notes/{note_id}/share", "GET /shared", "POST /devices", "DELETE /devices/{device_id}",
    ])
    error_message = "The API must have exactly the routes given."
  }

  assert {
    condition     = !aws_api_gateway_stage.this.cache_cluster_enabled && length(aws_api_gateway_method_settings.cached) == 0 && alltrue([for m in output.methods : !m.cached])
    error_message = "Routes marked cached are not cached while cache.enabled is false."
  }
}

run "api_cache_is_keyed_per_caller" {
  command = plan

  variables {
    name = "refarch-test-mobile-api"
    routes = {
      "GET /health"            = { public = true }
      "GET /notes"             = { cached = true }
      "POST /notes"            = {}
      "GET /notes/{note_id}"   = { cached = true }
      "PATCH /notes/{note_id}" = {}
      "GET /shared"            = {}
    }
    cors_preflight = false
    cache          = { enabled = true }
  }

  assert {
    condition     = aws_api_gateway_stage.this.cache_cluster_enabled && aws_api_gateway_stage.this.cache_cluster_size == "0.5"
    error_message = "cache.enabled must turn the stage's cache cluster on."
  }

  assert {
    condition     = { for k, s in aws_api_gateway_method_settings.cached : k => s.method_path } == { "GET /notes" = "notes/GET", "GET /notes/{note_id}" = "notes/{note_id}/GET" }
    error_message = "Only the two read routes may be cached."
  }

  assert {
    condition = alltrue([
      for s in aws_api_gateway_method_settings.cached :
      one(s.settings).caching_enabled && one(s.settings).cache_data_encrypted && one(s.settings).require_authorization_for_cache_control && one(s.settings).cache_ttl_in_seconds == 30 &&
      one(s.settings).throttling_rate_limit == 50 && one(s.settings).logging_level == "ERROR" && !one(s.settings).data_trace_enabled
    ])
    error_message = "Cached routes must encrypt the cache, refuse client cache control and keep the stage's throttling and logging."
  }

  assert {
    condition = (
      aws_api_gateway_integration.this["GET /notes"].cache_key_parameters == toset(["method.request.header.Authorization"]) &&
      aws_api_gateway_integration.this["GET /notes/{note_id}"].cache_key_parameters == toset(["method.request.header.Authorization", "method.request.path.note_id"]) &&
      aws_api_gateway_method.this["GET /notes/{note_id}"].request_parameters == tomap({ "method.request.header.Authorization" = true, "method.request.path.note_id" = true })
    )
    error_message = "The cache key must include the caller's Authorization header (and the note id), or users would see each other's notes."
  }

  assert {
    condition     = aws_api_gateway_integration.this["POST /notes"].cache_key_parameters == null && aws_api_gateway_method.this["GET /shared"].request_parameters == null
    error_message = "Writes and other reads are never cached."
  }
}

# ---- Validation: every setting is checked here, once ----

run "rejects_burst_below_rate" {
  command = plan
  variables {
    throttling = { rate_limit = 100, burst_limit = 50 }
  }
  expect_failures = [var.throttling]
}

run "rejects_zero_rate_limit" {
  command = plan
  variables {
    throttling = { rate_limit = 0 }
  }
  expect_failures = [var.throttling]
}

run "rejects_bad_access_log_format" {
  command = plan
  variables {
    logging = {
      kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      retention_days    = 30
      access_log_format = "$context.requestId $context.status"
    }
  }
  expect_failures = [var.logging]
}

run "rejects_a_log_key_that_is_not_a_key_arn" {
  command = plan
  variables {
    logging = { kms_key_arn = "alias/refarch-test-web", retention_days = 30 }
  }
  expect_failures = [var.logging]
}

run "rejects_unknown_cache_size" {
  command = plan
  variables {
    cache = { enabled = true, cluster_size = "2" }
  }
  expect_failures = [var.cache]
}

run "rejects_a_logging_role_that_is_not_a_role_arn" {
  command = plan
  variables {
    cloudwatch_role_arn = "refarch-test-web-apigateway-cloudwatch"
  }
  expect_failures = [var.cloudwatch_role_arn]
}

run "rejects_a_cached_write" {
  command = plan
  variables {
    routes = { "POST /notes" = { cached = true } }
  }
  expect_failures = [var.routes]
}

run "rejects_a_route_deeper_than_three_segments" {
  command = plan
  variables {
    routes = { "GET /a/b/c/d" = {} }
  }
  expect_failures = [var.routes]
}
