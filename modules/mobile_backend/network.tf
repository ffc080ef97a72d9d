# ---------------------------------------------------------------------------
# Network: private subnets in two AZs with no route to the internet (no internet
# or NAT gateway). The functions reach DynamoDB and S3 through gateway endpoints
# (free), SQS/SNS/Cognito through interface endpoints (billed per hour and AZ,
# see var.interface_endpoints), and DAX inside the VPC.
# ---------------------------------------------------------------------------
data "aws_availability_zones" "regional" {
  #checkov:skip=CKV_AWS_394:Only the first two names (sorted; AWS adds zones at the end) are used, and var.availability_zones pins them; no state filter, so an impaired zone never moves the subnets.
  # Regular zones only: no Local or Wavelength Zones (no DAX, no endpoints there).
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  availability_zones = coalesce(var.availability_zones, slice(data.aws_availability_zones.regional.names, 0, 2))
  # Two equal quarters of the VPC range; the other two stay free for later tiers.
  private_subnets = {
    for index, az in local.availability_zones : az => cidrsubnet(var.vpc_cidr, 2, index)
  }
  gateway_endpoints = toset(["dynamodb", "s3"])
}

resource "aws_vpc" "this" {
  cidr_block = var.vpc_cidr
  # Interface endpoints with private DNS need both: the SDKs' regional hostnames
  # (sqs.<region>.amazonaws.com...) then resolve to the endpoints' private IPs.
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(local.tags, { Name = local.name })
}

# The VPC's default security group is locked down (no rule at all): nothing may use
# it by accident; every resource here has its own group.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = "${local.name}-default-unused" })
}

resource "aws_subnet" "private" {
  for_each = local.private_subnets

  vpc_id                  = aws_vpc.this.id
  availability_zone       = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${local.name}-private-${each.key}" })
}

# One route table for both subnets: only the local route and the gateway endpoints'
# prefix-list routes (added by the endpoints below). No 0.0.0.0/0 route exists.
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = "${local.name}-private" })
}

resource "aws_route_table_association" "private" {
  for_each = aws_subnet.private

  subnet_id      = each.value.id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpc_endpoint" "gateway" {
  for_each = local.gateway_endpoints

  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]

  tags = merge(local.tags, { Name = "${local.name}-${each.key}" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = toset(var.interface_endpoints)

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = values(aws_subnet.private)[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true

  tags = merge(local.tags, { Name = "${local.name}-${each.key}" })
}

# ---------------------------------------------------------------------------
# Security groups. Rules are separate resources (the groups reference each other;
# aws_security_group_rule rather than aws_vpc_security_group_*_rule: moto 5.2 reads
# the latter's referenced group back as "<account>/<sg>", a change on every plan).
# The functions may only open HTTPS to the endpoints and DAX's TLS port to DAX.
# ---------------------------------------------------------------------------
resource "aws_security_group" "functions" {
  #checkov:skip=CKV2_AWS_5:False positive: attached to both functions' vpc_config (and DAX); checkov loses the edge when the environment passes module outputs into this module. tests/mobile_backend.tftest.hcl asserts both functions use it.
  name        = "${local.name}-functions"
  description = "mobile_api and push_notifier: egress only to the VPC endpoints and DAX"
  vpc_id      = aws_vpc.this.id
  tags        = merge(local.tags, { Name = "${local.name}-functions" })
}

resource "aws_security_group" "endpoints" {
  name        = "${local.name}-endpoints"
  description = "Interface VPC endpoints: HTTPS from the functions only"
  vpc_id      = aws_vpc.this.id
  tags        = merge(local.tags, { Name = "${local.name}-endpoints" })
}

resource "aws_security_group_rule" "functions_to_gateway_endpoints" {
  security_group_id = aws_security_group.functions.id
  type              = "egress"
  description       = "HTTPS to DynamoDB and S3 through their gateway endpoints"
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_ids   = [for e in aws_vpc_endpoint.gateway : e.prefix_list_id]
}

resource "aws_security_group_rule" "functions_to_interface_endpoints" {
  count = length(var.interface_endpoints) > 0 ? 1 : 0

  security_group_id        = aws_security_group.functions.id
  type                     = "egress"
  description              = "HTTPS to the interface endpoints (${join(", ", var.interface_endpoints)})"
  protocol                 = "tcp"
  from_port                = 443
  to_port                  = 443
  source_security_group_id = aws_security_group.endpoints.id
}

resource "aws_security_group_rule" "endpoints_from_functions" {
  count = length(var.interface_endpoints) > 0 ? 1 : 0

  security_group_id        = aws_security_group.endpoints.id
  type                     = "ingress"
  description              = "HTTPS from the functions"
  protocol                 = "tcp"
  from_port                = 443
  to_port                  = 443
  source_security_group_id = aws_security_group.functions.id
}

# ---------------------------------------------------------------------------
# Flow logs: every accepted and rejected connection of the VPC, to an encrypted
# log group (who talks to what; rejected flows show a missing rule)
# ---------------------------------------------------------------------------
resource "aws_cloudwatch_log_group" "flow_logs" {
  #checkov:skip=CKV_AWS_338:Retention is the caller's per-environment decision (log_retention_days, validated), as for the functions' logs: flow logs are operational; CloudTrail is the audit trail.
  name              = "/aws/vpc/${local.name}/flow-logs"
  retention_in_days = var.settings.log_retention_days
  kms_key_id        = module.kms_key.arn
  tags              = local.tags
}

resource "aws_iam_role" "flow_logs" {
  name        = "${local.name}-flow-logs"
  description = "Lets VPC Flow Logs write the ${local.name} VPC's flow log group"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "FlowLogsAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "flow_logs" {
  name = "write-flow-logs"
  role = aws_iam_role.flow_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteFlowLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        Resource = ["${aws_cloudwatch_log_group.flow_logs.arn}:*"]
      },
      {
        # The service checks that its log group exists; DescribeLogGroups is only
        # scoped by region and account.
        Sid      = "FindFlowLogGroup"
        Effect   = "Allow"
        Action   = ["logs:DescribeLogGroups"]
        Resource = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
      },
    ]
  })
}

resource "aws_flow_log" "this" {
  vpc_id               = aws_vpc.this.id
  traffic_type         = var.flow_log_traffic_type
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
  tags                 = local.tags
}
