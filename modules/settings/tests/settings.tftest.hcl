# The shared settings object: defaults and every validation, tested once here for
# the composites that include it (modules/*/settings.tf).
#   terraform init -backend=false && terraform test

run "defaults" {
  command = plan

  assert {
    condition = jsonencode(output.settings) == jsonencode({
      lambda_runtime                = "python3.12"
      lambda_architecture           = "arm64"
      lambda_layers                 = []
      log_level                     = "INFO"
      log_retention_days            = 30
      tracing_mode                  = "Active"
      alarm_email                   = null
      alarm_period_seconds          = 60
      kms_deletion_window_in_days   = 30
      encrypt_environment_variables = true
      deny_insecure_transport       = true
      deletion_protection           = true
      force_destroy_buckets         = false
      tags                          = {}
    })
    error_message = "Omitted settings must take the secure, production defaults."
  }
}

run "one_attribute_keeps_the_other_defaults" {
  command = plan

  variables {
    settings = { log_level = "DEBUG", tags = { Environment = "dev" } }
  }

  assert {
    condition     = output.settings.log_level == "DEBUG" && output.settings.deny_insecure_transport && output.settings.tags == tomap({ Environment = "dev" })
    error_message = "Setting one attribute must keep every other default."
  }
}

run "rejects_unknown_runtime" {
  command = plan
  variables {
    settings = { lambda_runtime = "nodejs20.x" }
  }
  expect_failures = [var.settings]
}

run "rejects_unknown_architecture" {
  command = plan
  variables {
    settings = { lambda_architecture = "x86" }
  }
  expect_failures = [var.settings]
}

run "rejects_unknown_log_level" {
  command = plan
  variables {
    settings = { log_level = "TRACE" }
  }
  expect_failures = [var.settings]
}

run "rejects_retention_cloudwatch_does_not_offer" {
  command = plan
  variables {
    settings = { log_retention_days = 10 }
  }
  expect_failures = [var.settings]
}

run "rejects_unknown_tracing_mode" {
  command = plan
  variables {
    settings = { tracing_mode = "On" }
  }
  expect_failures = [var.settings]
}

run "rejects_an_alarm_email_that_is_not_one" {
  command = plan
  variables {
    settings = { alarm_email = "oncall" }
  }
  expect_failures = [var.settings]
}

run "rejects_kms_window_out_of_range" {
  command = plan
  variables {
    settings = { kms_deletion_window_in_days = 5 }
  }
  expect_failures = [var.settings]
}
