# Offline tests of the mobile-backend composite: plan only, mocked AWS provider with
# realistic ARNs (per resource where several share a type) so policies render and
# can be checked. Covers what the emulator cannot create (DAX, the identity pool's
# roles attachment) as well.
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
  mock_data "aws_availability_zones" {
    defaults = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
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
      id       = "eu-west-1_AbCdEfGhI"
      arn      = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI"
      endpoint = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI"
    }
  }
  mock_resource "aws_cognito_user_pool_client" {
    defaults = { id = "1example23456789abcdefghij" }
  }
  mock_resource "aws_cognito_identity_pool" {
    defaults = { id = "eu-west-1:11111111-2222-3333-4444-666666666666" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/refarch-test-mobile-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/refarch-test-mobile" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:refarch-test-mobile-topic" }
  }
  mock_resource "aws_vpc" {
    defaults = { id = "vpc-0123456789abcdef0" }
  }
  mock_resource "aws_route_table" {
    defaults = { id = "rtb-0123456789abcdef0" }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0123456789abcdef0" }
  }
  mock_resource "aws_subnet" {
    defaults = { id = "subnet-0123456789abcdef0" }
  }
  mock_resource "aws_dax_cluster" {
    defaults = {
      arn             = "arn:aws:dax:eu-west-1:123456789012:cache/refarch-test-dax"
      cluster_address = "refarch-test-dax.abc123.dax-clusters.eu-west-1.amazonaws.com"
    }
  }
  mock_resource "aws_lambda_event_source_mapping" {
    defaults = { uuid = "a1b2c3d4-5678-90ab-cdef-111111111111" }
  }
}

# Per-instance ARNs and ids, so that a grant on the wrong table, queue, application
# or security group shows up in the assertions.
override_resource {
  target          = aws_dynamodb_table.this["notes"]
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-mobile-notes" }
}
override_resource {
  target          = aws_dynamodb_table.this["shares"]
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-mobile-shares" }
}
override_resource {
  target          = aws_dynamodb_table.this["devices"]
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-mobile-devices" }
}
override_resource {
  target          = aws_sqs_queue.push
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:refarch-test-mobile-push"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/refarch-test-mobile-push"
  }
}
override_resource {
  target          = aws_sqs_queue.push_dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:refarch-test-mobile-push-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/refarch-test-mobile-push-dlq"
  }
}
override_resource {
  target          = aws_sns_platform_application.fcm
  override_during = plan
  values          = { arn = "arn:aws:sns:eu-west-1:123456789012:app/GCM/refarch-test-mobile-fcm" }
}
override_resource {
  target          = aws_sns_platform_application.apns
  override_during = plan
  values          = { arn = "arn:aws:sns:eu-west-1:123456789012:app/APNS/refarch-test-mobile-apns" }
}
override_resource {
  target          = aws_security_group.functions
  override_during = plan
  values          = { id = "sg-0000000000000f001" }
}
override_resource {
  target          = aws_security_group.endpoints
  override_during = plan
  values          = { id = "sg-0000000000000e001" }
}
override_resource {
  target          = aws_security_group.dax
  override_during = plan
  values          = { id = "sg-0000000000000d001" }
}
override_resource {
  target          = aws_iam_role.authenticated
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/refarch-test-mobile-authenticated" }
}
override_resource {
  target          = module.user_files_bucket.aws_s3_bucket.this
  override_during = plan
  values          = { arn = "arn:aws:s3:::refarch-test-mobile-files-123456789012-eu-west-1" }
}
override_resource {
  target          = module.mobile_api.aws_lambda_function.this
  override_during = plan
  values = {
    arn        = "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-mobile-api"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-mobile-api/invocations"
  }
}
override_resource {
  target          = module.push_notifier.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-mobile-push-notifier" }
}

variables {
  name_prefix   = "refarch-test"
  artifacts_dir = "tests/fixtures/artifacts"
}

run "identity_role_reaches_only_the_callers_folder" {
  command = plan

  # The whole policy, exactly: any added action, resource or statement fails here.
  assert {
    condition = jsondecode(output.authenticated_role_policy_json) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "OwnFilesOnly"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
          Resource = ["arn:aws:s3:::refarch-test-mobile-files-123456789012-eu-west-1/private/$${cognito-identity.amazonaws.com:sub}/*"]
        },
        {
          Sid      = "ListOwnFilesOnly"
          Effect   = "Allow"
          Action   = ["s3:ListBucket"]
          Resource = ["arn:aws:s3:::refarch-test-mobile-files-123456789012-eu-west-1"]
          Condition = {
            StringLike = {
              "s3:prefix" = [
                "private/$${cognito-identity.amazonaws.com:sub}/",
                "private/$${cognito-identity.amazonaws.com:sub}/*",
              ]
            }
          }
        },
      ]
    }
    error_message = "The authenticated role may only get/put/delete objects under private/<own identity id>/ and list that prefix."
  }

  # The literal policy variable (not an interpolated value) must reach IAM.
  assert {
    condition     = strcontains(output.authenticated_role_policy_json, "private/$${cognito-identity.amazonaws.com:sub}/*") && aws_iam_role_policy.authenticated.policy == output.authenticated_role_policy_json
    error_message = "The role's inline policy must be the rendered policy, with the $${cognito-identity.amazonaws.com:sub} variable left for IAM."
  }

  assert {
    condition = jsondecode(aws_iam_role.authenticated.assume_role_policy).Statement == [{
      Sid       = "CognitoAuthenticatedIdentities"
      Effect    = "Allow"
      Principal = { Federated = "cognito-identity.amazonaws.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals             = { "cognito-identity.amazonaws.com:aud" = "eu-west-1:11111111-2222-3333-4444-666666666666" }
        "ForAnyValue:StringLike" = { "cognito-identity.amazonaws.com:amr" = "authenticated" }
      }
    }]
    error_message = "Only signed-in identities of this identity pool may assume the authenticated role."
  }

  assert {
    condition     = aws_cognito_identity_pool_roles_attachment.this[0].roles == tomap({ authenticated = "arn:aws:iam::123456789012:role/refarch-test-mobile-authenticated" })
    error_message = "The identity pool must hand out the authenticated role, and no role to guests."
  }

  assert {
    condition = (
      !aws_cognito_identity_pool.this.allow_unauthenticated_identities &&
      !aws_cognito_identity_pool.this.allow_classic_flow &&
      one(aws_cognito_identity_pool.this.cognito_identity_providers).client_id == "1example23456789abcdefghij" &&
      one(aws_cognito_identity_pool.this.cognito_identity_providers).provider_name == "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI" &&
      one(aws_cognito_identity_pool.this.cognito_identity_providers).server_side_token_check
    )
    error_message = "The identity pool must federate this user pool's app client only, without guests or the basic flow."
  }
}

run "user_files_bucket_is_private" {
  command = plan

  assert {
    condition     = alltrue(values(module.user_files_bucket.public_access_block)) && module.user_files_bucket.object_ownership == "BucketOwnerEnforced"
    error_message = "The user-files bucket must block all public access and disable ACLs."
  }

  assert {
    condition     = jsondecode(module.user_files_bucket.policy_json).Statement[*].Sid == ["DenyInsecureTransport"]
    error_message = "The bucket policy grants nothing (the identity role does) and keeps the TLS-only deny."
  }
}

run "every_route_but_health_is_authorized" {
  command = plan

  # The API itself (authorizer, integration, stage, logs, throttling, cache) is
  # modules/rest_api's and tested there; this checks what mobile_backend gives it.
  assert {
    condition     = [for key, m in module.api.methods : key if !m.authorized] == ["GET /health"]
    error_message = "GET /health must be the only open method (no CORS preflight for an app)."
  }

  assert {
    condition = toset(keys(module.api.methods)) == toset([
      "GET /health", "GET /notes", "POST /notes", "GET /notes/{note_id}", "PATCH /notes/{note_id}", "DELETE /notes/{note_id}",
      "POST /notes/{note_id}/share", "GET /shared", "POST /devices", "DELETE /devices/{device_id}",
    ])
    error_message = "The API must have exactly the routes of the contract."
  }

  assert {
    condition     = alltrue([for m in module.api.methods : !m.cached])
    error_message = "No cache by default."
  }

  assert {
    condition     = length(module.api_gateway_account) == 0
    error_message = "The account-wide API Gateway role is web_app's by default."
  }

  assert {
    condition     = module.api.name == "refarch-test-mobile-api" && output.api_url == "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1"
    error_message = "The API must be named after the module and served from its v1 stage."
  }
}

run "api_cache_is_keyed_per_caller" {
  command = plan

  variables {
    api = { cache = { enabled = true } }
  }

  # The cache key (the caller's Authorization header and the note id) and the
  # cache settings are modules/rest_api's, tested there.
  assert {
    condition     = [for key, m in module.api.methods : key if m.cached] == ["GET /notes", "GET /notes/{note_id}"]
    error_message = "Only the two read routes may be cached."
  }
}

run "dax_is_encrypted_and_reachable_only_from_the_functions" {
  command = plan

  assert {
    condition = (
      one(aws_dax_cluster.this[0].server_side_encryption).enabled &&
      aws_dax_cluster.this[0].cluster_endpoint_encryption_type == "TLS" &&
      aws_dax_cluster.this[0].node_type == "dax.t3.small" &&
      aws_dax_cluster.this[0].replication_factor == 3 &&
      aws_dax_cluster.this[0].cluster_name == "refarch-test-dax" &&
      aws_dax_cluster.this[0].security_group_ids == toset(["sg-0000000000000d001"])
    )
    error_message = "DAX: encrypted at rest, TLS endpoint, its own security group."
  }

  assert {
    condition     = { for p in aws_dax_parameter_group.this[0].parameters : p.name => p.value } == { "query-ttl-millis" = "60000", "record-ttl-millis" = "300000" }
    error_message = "The parameter group must carry both TTLs from the variables."
  }

  assert {
    condition = (
      aws_security_group_rule.dax_from_functions[0].type == "ingress" &&
      aws_security_group_rule.dax_from_functions[0].from_port == 9111 && aws_security_group_rule.dax_from_functions[0].to_port == 9111 &&
      aws_security_group_rule.dax_from_functions[0].source_security_group_id == "sg-0000000000000f001" &&
      aws_security_group_rule.dax_from_functions[0].cidr_blocks == null
    )
    error_message = "DAX may only be reached on 9111 (TLS) from the functions' security group."
  }

  assert {
    condition = (
      toset([
        for r in [aws_security_group_rule.functions_to_interface_endpoints[0], aws_security_group_rule.functions_to_dax[0]] :
        "${r.type}:${r.from_port}-${r.to_port}:${r.source_security_group_id}"
      ]) == toset(["egress:443-443:sg-0000000000000e001", "egress:9111-9111:sg-0000000000000d001"]) &&
      aws_security_group_rule.functions_to_gateway_endpoints.type == "egress" &&
      aws_security_group_rule.functions_to_gateway_endpoints.from_port == 443 &&
      length(aws_security_group_rule.functions_to_gateway_endpoints.prefix_list_ids) == 2 &&
      aws_security_group_rule.functions_to_gateway_endpoints.cidr_blocks == null
    )
    error_message = "The functions may only reach the endpoints (443) and DAX (9111)."
  }

  assert {
    condition     = local.mobile_api_environment.DAX_ENDPOINT == "daxs://refarch-test-dax.abc123.dax-clusters.eu-west-1.amazonaws.com"
    error_message = "mobile_api must get the cluster's TLS endpoint as DAX_ENDPOINT."
  }

  assert {
    condition = [for s in jsondecode(module.mobile_api.policy_json).Statement : s if s.Sid == "ReadWriteThroughDax"] == [{
      Sid      = "ReadWriteThroughDax"
      Effect   = "Allow"
      Action   = ["dax:GetItem", "dax:BatchGetItem", "dax:Query", "dax:PutItem", "dax:UpdateItem", "dax:DeleteItem"]
      Resource = ["arn:aws:dax:eu-west-1:123456789012:cache/refarch-test-dax"]
    }]
    error_message = "mobile_api may use DAX data calls on this cluster only."
  }

  assert {
    condition     = output.dax_cluster_endpoint == "daxs://refarch-test-dax.abc123.dax-clusters.eu-west-1.amazonaws.com"
    error_message = "The DAX endpoint must be the TLS (daxs://) URL of the cluster."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.dax[0].policy).Statement[0].Resource == [
      "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-mobile-notes",
      "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-mobile-shares",
    ]
    error_message = "DAX may reach the notes and shares tables only."
  }
}

run "network_has_no_internet_route" {
  command = plan

  assert {
    condition = (
      alltrue([for s in aws_subnet.private : !s.map_public_ip_on_launch]) &&
      toset(keys(aws_subnet.private)) == toset(["eu-west-1a", "eu-west-1b"]) &&
      toset([for s in aws_subnet.private : s.cidr_block]) == toset(["10.20.0.0/18", "10.20.64.0/18"])
    )
    error_message = "Two private subnets (no public IPs) in two AZs, each a quarter of the VPC range."
  }

  assert {
    condition = (
      { for k, e in aws_vpc_endpoint.gateway : k => [e.vpc_endpoint_type, e.service_name] } == {
        dynamodb = ["Gateway", "com.amazonaws.eu-west-1.dynamodb"]
        s3       = ["Gateway", "com.amazonaws.eu-west-1.s3"]
      } &&
      { for k, e in aws_vpc_endpoint.interface : k => [e.vpc_endpoint_type, e.private_dns_enabled, e.security_group_ids] } == {
        cognito-idp = ["Interface", true, toset(["sg-0000000000000e001"])]
        sns         = ["Interface", true, toset(["sg-0000000000000e001"])]
        sqs         = ["Interface", true, toset(["sg-0000000000000e001"])]
      }
    )
    error_message = "Gateway endpoints for DynamoDB and S3, interface endpoints (private DNS, own security group) for SQS, SNS and Cognito."
  }

  assert {
    condition     = aws_security_group_rule.endpoints_from_functions[0].source_security_group_id == "sg-0000000000000f001" && aws_security_group_rule.endpoints_from_functions[0].from_port == 443
    error_message = "The interface endpoints accept HTTPS from the functions only."
  }

  assert {
    condition = (
      aws_route_table_association.private["eu-west-1a"].route_table_id == aws_route_table.private.id &&
      alltrue([for e in aws_vpc_endpoint.gateway : e.route_table_ids == toset([aws_route_table.private.id])])
    )
    error_message = "Both subnets use the private route table, which carries the gateway endpoints' routes."
  }

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_cloudwatch_log_group.flow_logs.kms_key_id == module.kms_key.arn
    error_message = "Every flow must be logged to an encrypted log group."
  }
}

run "functions_are_least_privilege" {
  command = plan

  variables {
    fcm_server_key   = "fcm-test-key"
    apns_certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    apns_private_key = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
  }

  assert {
    condition = alltrue(flatten([
      for p in [module.mobile_api.policy_json, module.push_notifier.policy_json] : [
        for s in jsondecode(p).Statement : [
          [for a in s.Action : a != "*" && !endswith(a, ":*")],
          [for r in s.Resource : r != "*"],
          [s.Effect == "Allow"],
        ]
      ]
    ]))
    error_message = "No function may get a wildcard action or resource."
  }

  assert {
    condition = { for s in jsondecode(module.mobile_api.policy_json).Statement : s.Sid => s.Resource } == {
      ReadWriteOwnRows = [
        "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-mobile-notes",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-mobile-shares",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-mobile-devices",
      ]
      FindShareRecipient    = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI"]
      QueuePush             = ["arn:aws:sqs:eu-west-1:123456789012:refarch-test-mobile-push"]
      UseMobileKey          = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
      ReadWriteThroughDax   = ["arn:aws:dax:eu-west-1:123456789012:cache/refarch-test-dax"]
      CreateDeviceEndpoints = ["arn:aws:sns:eu-west-1:123456789012:app/APNS/refarch-test-mobile-apns", "arn:aws:sns:eu-west-1:123456789012:app/GCM/refarch-test-mobile-fcm"]
      ManageDeviceEndpoints = ["arn:aws:sns:eu-west-1:123456789012:endpoint/APNS/refarch-test-mobile-apns/*", "arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/refarch-test-mobile-fcm/*"]
    }
    error_message = "mobile_api must reach only its tables, the pool, the push queue, DAX and the platform applications' endpoints."
  }

  assert {
    condition = { for s in jsondecode(module.mobile_api.policy_json).Statement : s.Sid => s.Action if startswith(s.Sid, "FindShare") || endswith(s.Sid, "Endpoints") || s.Sid == "QueuePush" } == {
      FindShareRecipient    = ["cognito-idp:ListUsers"]
      QueuePush             = ["sqs:SendMessage"]
      CreateDeviceEndpoints = ["sns:CreatePlatformEndpoint"]
      ManageDeviceEndpoints = ["sns:GetEndpointAttributes", "sns:SetEndpointAttributes", "sns:DeleteEndpoint"]
    }
    error_message = "mobile_api may list users, send pushes to the queue and manage device endpoints, nothing more."
  }

  assert {
    condition = { for s in jsondecode(module.push_notifier.policy_json).Statement : s.Sid => [s.Action, s.Resource] } == {
      FindAndPruneDevices       = [["dynamodb:Query", "dynamodb:DeleteItem"], ["arn:aws:dynamodb:eu-west-1:123456789012:table/refarch-test-mobile-devices"]]
      ConsumePushQueue          = [["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], ["arn:aws:sqs:eu-west-1:123456789012:refarch-test-mobile-push"]]
      DeadLetterInvalidMessages = [["sqs:SendMessage"], ["arn:aws:sqs:eu-west-1:123456789012:refarch-test-mobile-push-dlq"]]
      UseMobileKey              = [["kms:Decrypt", "kms:GenerateDataKey"], ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]]
      PushToDeviceEndpoints     = [["sns:Publish", "sns:DeleteEndpoint"], ["arn:aws:sns:eu-west-1:123456789012:endpoint/APNS/refarch-test-mobile-apns/*", "arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/refarch-test-mobile-fcm/*"]]
    }
    error_message = "push_notifier may read/prune devices, consume its queue, dead-letter invalid messages and publish to (or delete) device endpoints only."
  }

  assert {
    condition = local.mobile_api_environment == {
      NOTES_TABLE                  = "refarch-test-mobile-notes"
      SHARES_TABLE                 = "refarch-test-mobile-shares"
      DEVICES_TABLE                = "refarch-test-mobile-devices"
      DAX_ENDPOINT                 = "daxs://refarch-test-dax.abc123.dax-clusters.eu-west-1.amazonaws.com"
      USER_POOL_ID                 = "eu-west-1_AbCdEfGhI"
      PUSH_QUEUE_URL               = "https://sqs.eu-west-1.amazonaws.com/123456789012/refarch-test-mobile-push"
      PLATFORM_APPLICATIONS        = jsonencode({ apns = "arn:aws:sns:eu-west-1:123456789012:app/APNS/refarch-test-mobile-apns", fcm = "arn:aws:sns:eu-west-1:123456789012:app/GCM/refarch-test-mobile-fcm" })
      POWERTOOLS_SERVICE_NAME      = "mobile-api"
      POWERTOOLS_METRICS_NAMESPACE = "RefArch/MobileBackend"
      POWERTOOLS_LOG_LEVEL         = "INFO"
    }
    error_message = "mobile_api's environment must match the contract."
  }

  assert {
    condition = (
      aws_sns_platform_application.fcm[0].platform == "GCM" &&
      aws_sns_platform_application.apns[0].platform == "APNS" &&
      output.platform_application_arns == {
        fcm  = "arn:aws:sns:eu-west-1:123456789012:app/GCM/refarch-test-mobile-fcm"
        apns = "arn:aws:sns:eu-west-1:123456789012:app/APNS/refarch-test-mobile-apns"
      }
    )
    error_message = "Both platform applications must be created when their credentials are given."
  }
}

run "push_queue_and_topics" {
  command = plan

  assert {
    condition = (
      length(aws_sns_platform_application.fcm) == 0 && length(aws_sns_platform_application.apns) == 0 &&
      local.mobile_api_environment.PLATFORM_APPLICATIONS == "{}" &&
      length([for s in jsondecode(module.mobile_api.policy_json).Statement : s if startswith(s.Sid, "CreateDevice") || startswith(s.Sid, "ManageDevice")]) == 0 &&
      length([for s in jsondecode(module.push_notifier.policy_json).Statement : s if s.Sid == "PushToDeviceEndpoints"]) == 0
    )
    error_message = "Without credentials no platform application (and no SNS grant) may exist; PLATFORM_APPLICATIONS is {}."
  }

  assert {
    condition = (
      aws_sqs_queue.push.kms_master_key_id == module.kms_key.arn &&
      aws_sqs_queue.push_dlq.kms_master_key_id == module.kms_key.arn &&
      aws_sns_topic.broadcast.kms_master_key_id == module.kms_key.arn &&
      aws_sqs_queue.push.visibility_timeout_seconds == 180 &&
      jsondecode(aws_sqs_queue_redrive_policy.push.redrive_policy) == { deadLetterTargetArn = "arn:aws:sqs:eu-west-1:123456789012:refarch-test-mobile-push-dlq", maxReceiveCount = 5 }
    )
    error_message = "Queues and the broadcast topic must be KMS-encrypted; the push queue redrives to its DLQ after 5 receives."
  }

  assert {
    condition = {
      for key, q in aws_sqs_queue_policy.tls_only : key => jsondecode(q.policy).Statement
      } == {
      for key in ["push", "push-dlq"] : key => [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
        Action    = "sqs:*"
        Resource  = "arn:aws:sqs:eu-west-1:123456789012:refarch-test-mobile-${key}"
      }]
    }
    error_message = "Both push queues must refuse plain HTTP."
  }

  assert {
    condition = (
      jsondecode(aws_sns_topic_policy.broadcast_tls_only[0].policy).Statement[0].Effect == "Deny" &&
      jsondecode(aws_sns_topic_policy.broadcast_tls_only[0].policy).Statement[0].Action == "sns:*" &&
      jsondecode(aws_sns_topic_policy.broadcast_tls_only[0].policy).Statement[0].Condition == { Bool = { "aws:SecureTransport" = "false" } } &&
      module.alarms.topic_policy_json != null
    )
    error_message = "The broadcast and alarm topics must refuse plain HTTP."
  }

  assert {
    condition = (
      module.mobile_api.kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" &&
      module.push_notifier.kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    )
    error_message = "Both functions' environments must be encrypted with the module key."
  }

  assert {
    condition = alltrue([
      for f in [module.mobile_api, module.push_notifier] : contains(
        [for s in jsondecode(f.base_policy_json).Statement : s.Resource if s.Sid == "CreateVpcNetworkInterfaces"][0],
        "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0000000000000f001"
      )
    ])
    error_message = "Both functions must run in (and create interfaces only with) the functions' security group."
  }

  assert {
    condition = (
      module.api.execution_log_group_name == "API-Gateway-Execution-Logs_a1b2c3d4e5/v1" &&
      module.api.access_log_group_name == "/aws/apigateway/refarch-test-mobile-api/v1/access"
    )
    error_message = "The API's execution and access logs must be declared (retention and key: modules/rest_api's tests)."
  }

  assert {
    condition     = module.user_files_bucket.access_log_bucket == null && module.api.web_acl_arn == null
    error_message = "Access logging and WAF are per environment: off unless their inputs are set."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.push.event_source_arn == "arn:aws:sqs:eu-west-1:123456789012:refarch-test-mobile-push" &&
      aws_lambda_event_source_mapping.push.function_name == "arn:aws:lambda:eu-west-1:123456789012:function:refarch-test-mobile-push-notifier" &&
      aws_lambda_event_source_mapping.push.function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.push.batch_size == 10
    )
    error_message = "push_notifier must consume the push queue and report item failures."
  }

  assert {
    condition = alltrue([
      for t in aws_dynamodb_table.this :
      t.billing_mode == "PAY_PER_REQUEST" && one(t.point_in_time_recovery).enabled && one(t.server_side_encryption).enabled &&
      one(t.server_side_encryption).kms_key_arn == module.kms_key.arn && t.deletion_protection_enabled
    ])
    error_message = "Tables: on-demand, PITR, SSE with the rotating module key, deletion protection."
  }

  assert {
    condition = { for k, t in aws_dynamodb_table.this : k => [t.hash_key, t.range_key] } == {
      notes   = ["owner_sub", "note_id"]
      shares  = ["recipient_sub", "note_key"]
      devices = ["owner_sub", "device_id"]
    }
    error_message = "Table keys must match the contract."
  }

  assert {
    condition     = keys(module.alarms.alarms) == ["api-5xx", "mobile-api-errors", "push-dlq-depth", "push-notifier-errors"]
    error_message = "Alarms on API 5xx, both functions' errors and the DLQ depth are required."
  }

  assert {
    condition = (
      aws_cognito_user_pool_client.mobile.generate_secret == false &&
      aws_cognito_user_pool_client.mobile.explicit_auth_flows == toset(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]) &&
      aws_cognito_user_pool_client.mobile.read_attributes == toset(["email", "email_verified"]) &&
      aws_cognito_user_pool_client.mobile.write_attributes == toset(["email"]) &&
      module.user_pool.deletion_protection == "ACTIVE"
    )
    # Sign-in and password settings are tested in modules/cognito_user_pool.
    error_message = "User pool with deletion protection; public SRP client reading email only, writing only the email."
  }
}

run "local_emulator_settings" {
  command = plan

  variables {
    settings                   = { encrypt_environment_variables = false, deny_insecure_transport = false, deletion_protection = false }
    create_dax                 = false
    attach_identity_pool_roles = false
    api                        = { url_override = "http://127.0.0.1:8787/{api_id}/{stage}" }
  }

  assert {
    condition = (
      length(aws_dax_cluster.this) == 0 && length(aws_dax_subnet_group.this) == 0 && length(aws_dax_parameter_group.this) == 0 &&
      length(aws_security_group.dax) == 0 && length(aws_iam_role.dax) == 0 &&
      output.dax_cluster_endpoint == null && local.mobile_api_environment.DAX_ENDPOINT == "" &&
      length([for s in jsondecode(module.mobile_api.policy_json).Statement : s if s.Sid == "ReadWriteThroughDax"]) == 0
    )
    error_message = "Without DAX nothing of it may exist, DAX_ENDPOINT is empty and mobile_api gets no DAX grant."
  }

  assert {
    condition     = length(aws_cognito_identity_pool_roles_attachment.this) == 0
    error_message = "attach_identity_pool_roles = false must skip the attachment."
  }

  assert {
    condition = jsondecode(output.mobile_client_config) == {
      api_url             = "http://127.0.0.1:8787/a1b2c3d4e5/v1"
      region              = "eu-west-1"
      user_pool_id        = "eu-west-1_AbCdEfGhI"
      user_pool_client_id = "1example23456789abcdefghij"
      identity_pool_id    = "eu-west-1:11111111-2222-3333-4444-666666666666"
      user_files_bucket   = "refarch-test-mobile-files-123456789012-eu-west-1"
    }
    error_message = "mobile_client_config must hold exactly what clients/mobile reads, with the local API URL."
  }

  assert {
    condition     = module.user_files_bucket.policy_json == null && alltrue([for t in aws_dynamodb_table.this : !t.deletion_protection_enabled]) && module.user_pool.deletion_protection == "INACTIVE"
    error_message = "The local switches must drop the TLS deny and deletion protection."
  }

  assert {
    condition     = length(aws_sqs_queue_policy.tls_only) == 0 && length(aws_sns_topic_policy.broadcast_tls_only) == 0 && module.alarms.topic_policy_json == null
    error_message = "The emulator is served over http: no TLS-only queue or topic policy there."
  }

  assert {
    condition     = module.mobile_api.kms_key_arn == null && module.push_notifier.kms_key_arn == null
    error_message = "encrypt_environment_variables = false must leave the AWS managed key (moto drops KMSKeyArn)."
  }
}

run "long_prefix_needs_a_dax_cluster_name" {
  command = plan

  variables {
    name_prefix = "refarch-staging-eu1"
  }

  expect_failures = [aws_dax_cluster.this]
}

run "rejects_half_apns_credentials" {
  command = plan
  variables {
    apns_certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
  }
  expect_failures = [var.apns_private_key]
}

run "rejects_unknown_apns_platform" {
  command = plan
  variables {
    apns_platform = "APNS_VOIP"
  }
  expect_failures = [var.apns_platform]
}

run "rejects_bad_vpc_cidr" {
  command = plan
  variables {
    vpc_cidr = "10.0.0.0/8"
  }
  expect_failures = [var.vpc_cidr]
}

run "rejects_gateway_services_as_interface_endpoints" {
  command = plan
  variables {
    interface_endpoints = ["sqs", "dynamodb"]
  }
  expect_failures = [var.interface_endpoints]
}

run "rejects_bad_dax_node_type" {
  command = plan
  variables {
    dax_node_type = "cache.t3.small"
  }
  expect_failures = [var.dax_node_type]
}

run "rejects_large_push_batch_without_window" {
  command = plan
  variables {
    push_batch_size = 100
  }
  expect_failures = [var.push_maximum_batching_window_seconds]
}

run "rejects_long_name_prefix" {
  command = plan
  variables {
    name_prefix = "refarch-a-very-long-prefix"
  }
  expect_failures = [var.name_prefix]
}

run "rejects_one_availability_zone" {
  command = plan
  variables {
    availability_zones = ["eu-west-1a"]
  }
  expect_failures = [var.availability_zones]
}

run "api_gateway_account_when_asked" {
  command = plan

  variables {
    configure_api_gateway_account = true
  }

  assert {
    condition     = length(module.api_gateway_account) == 1
    error_message = "configure_api_gateway_account = true must register the account's API Gateway CloudWatch role."
  }
}

# ---- First apply in a new account: the stage waits for the logging role's ARN ----
# (the ordering itself: tests/unit/infra/test_stage_ordering.py)

run "accepts_the_logging_role_of_another_module" {
  command = plan

  variables {
    api_gateway_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/refarch-test-web-apigateway-cloudwatch"
  }

  assert {
    condition     = module.api.stage_name == "v1"
    error_message = "The stage must still be planned when it waits for another module's role."
  }
}

run "rejects_a_logging_role_that_is_not_a_role_arn" {
  command = plan

  variables {
    api_gateway_cloudwatch_role_arn = "refarch-test-web-apigateway-cloudwatch"
  }

  expect_failures = [var.api_gateway_cloudwatch_role_arn]
}

run "access_logs_and_waf_when_set" {
  command = plan

  variables {
    access_log_bucket = "refarch-test-logs-123456789012-eu-west-1"
    api               = { web_acl_arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/refarch-test-api/11111111-2222-3333-4444-555555555555" }
  }

  assert {
    condition = (
      module.user_files_bucket.access_log_bucket == "refarch-test-logs-123456789012-eu-west-1" &&
      module.api.web_acl_arn == var.api.web_acl_arn
    )
    error_message = "The user-files bucket must log to access_log_bucket and the stage must use the web ACL."
  }
}
