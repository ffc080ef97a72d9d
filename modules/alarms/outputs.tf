output "topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (subscribe on-call tooling here)."
  value       = aws_sns_topic.this.arn
}

output "topic_name" {
  description = "Name of the SNS alarm topic."
  value       = aws_sns_topic.this.name
}

output "alarm_names" {
  description = "Names of the CloudWatch alarms, by key."
  value       = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.alarm_name }
}

output "alarms" {
  description = "The alarms as configured, by key (name, namespace, metric, statistic, dimensions, threshold, evaluation periods, actions), for review and for the callers' tests."
  value = {
    for k, a in aws_cloudwatch_metric_alarm.this : k => {
      alarm_name          = a.alarm_name
      namespace           = a.namespace
      metric_name         = a.metric_name
      statistic           = a.statistic
      dimensions          = a.dimensions
      threshold           = a.threshold
      evaluation_periods  = a.evaluation_periods
      comparison_operator = a.comparison_operator
      alarm_actions       = a.alarm_actions
      ok_actions          = a.ok_actions
    }
  }
}

output "email_subscription_endpoint" {
  description = "Email address subscribed to the topic, or null."
  value       = one(aws_sns_topic_subscription.email[*].endpoint)
}

output "kms_key_policy_statement" {
  description = "Key-policy statement (jsonencode-ready object) that lets CloudWatch publish to the topic encrypted with kms_key_arn; add it to that key's policy. Depends only on the account, so using it in the key policy creates no cycle."
  value       = local.kms_key_policy_statement
}

output "topic_policy_json" {
  description = "The topic policy (TLS only, CloudWatch alarms may publish); null when deny_insecure_transport = false."
  value       = one(aws_sns_topic_policy.this[*].policy)
}
