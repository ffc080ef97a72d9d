# ---------------------------------------------------------------------------
# Site: private bucket, readable only by this module's CloudFront distribution
# ---------------------------------------------------------------------------
locals {
  cloudfront_distribution_arn = var.create_cloudfront_distribution ? aws_cloudfront_distribution.site[0].arn : null

  # AWS's managed "CachingOptimized" policy. Its id is the same in every account;
  # a constant rather than a data source lookup (which the emulator cannot answer).
  managed_caching_optimized_policy_id = "658327ea-f89d-4fab-a63d-7e88639e58f6"

  site_origin_id = "site-bucket"

  # Content-Type by extension; anything else is served as a download.
  content_types = {
    html        = "text/html; charset=utf-8"
    js          = "text/javascript; charset=utf-8"
    mjs         = "text/javascript; charset=utf-8"
    css         = "text/css; charset=utf-8"
    json        = "application/json"
    map         = "application/json"
    txt         = "text/plain; charset=utf-8"
    svg         = "image/svg+xml"
    png         = "image/png"
    jpg         = "image/jpeg"
    jpeg        = "image/jpeg"
    gif         = "image/gif"
    webp        = "image/webp"
    ico         = "image/x-icon"
    woff2       = "font/woff2"
    webmanifest = "application/manifest+json"
  }

  # config.json is generated below from the deployed resources; a file of that name
  # in site_source_dir would fight it, so it is never uploaded.
  site_files = setsubtract(fileset(var.site_source_dir, "**"), ["config.json"])

  site_config_json = jsonencode({
    apiUrl           = module.api.url
    region           = local.region
    userPoolId       = module.user_pool.id
    userPoolClientId = aws_cognito_user_pool_client.web.id
    cognitoEndpoint  = local.cognito_endpoint
  })

  # Content-Security-Policy: the page may only talk to its API, Cognito and the
  # uploads bucket (presigned POST), and show images from itself and the thumbnails
  # bucket (presigned GET). Both S3 host forms are listed because SDKs sign with the
  # regional or the legacy global endpoint depending on region and configuration.
  # The API's origin comes from its id, not the stage's invoke URL: the stage
  # depends on the function, whose ALLOWED_ORIGIN depends on this distribution (a
  # cycle otherwise).
  uploads_bucket_origins = join(" ", [
    "https://${module.uploads_bucket.bucket_regional_domain_name}",
    "https://${module.uploads_bucket.name}.s3.${local.dns_suffix}",
  ])
  thumbnails_bucket_origins = join(" ", [
    "https://${module.thumbnails_bucket.bucket_regional_domain_name}",
    "https://${module.thumbnails_bucket.name}.s3.${local.dns_suffix}",
  ])
  content_security_policy = join("; ", [
    "default-src 'self'",
    "connect-src 'self' ${module.api.origin} ${local.cognito_endpoint} ${local.uploads_bucket_origins}",
    "img-src 'self' data: ${local.thumbnails_bucket_origins}",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ])
}

module "site_bucket" {
  source = "../secure_bucket"

  bucket_name   = "${local.name}-site-${local.bucket_suffix}"
  force_destroy = var.settings.force_destroy_buckets
  # No kms_key_arn on purpose: SSE-S3. The site is public content by design, and
  # CloudFront reading an SSE-KMS bucket through OAC would need the key to trust
  # cloudfront.amazonaws.com as well, for no gain in confidentiality.

  access_log_bucket = var.access_log_bucket

  attach_deny_insecure_transport_policy = var.settings.deny_insecure_transport

  # The only grant: GetObject for CloudFront, and only when the request comes from
  # this module's distribution (OAC signs it; AWS:SourceArn pins the distribution).
  # No s3:ListBucket, so a missing key answers 403, which the SPA fallback turns
  # into index.html. Without a distribution (emulator) there is no grant at all.
  policy_statements = var.create_cloudfront_distribution ? [
    {
      sid        = "CloudFrontOriginAccessControlRead"
      principals = [{ type = "Service", identifiers = ["cloudfront.amazonaws.com"] }]
      actions    = ["s3:GetObject"]
      resources  = ["arn:${local.partition}:s3:::${local.name}-site-${local.bucket_suffix}/*"]
      conditions = [{ test = "StringEquals", variable = "AWS:SourceArn", values = [local.cloudfront_distribution_arn] }]
    },
  ] : []

  lifecycle_rules = [
    { id = "expire-old-versions", noncurrent_version_expiration_days = var.noncurrent_version_expiration_days },
  ]

  tags = local.tags
}

resource "aws_s3_object" "site_file" {
  for_each = local.site_files

  bucket       = module.site_bucket.id
  key          = each.value
  source       = "${var.site_source_dir}/${each.value}"
  etag         = filemd5("${var.site_source_dir}/${each.value}")
  content_type = lookup(local.content_types, lower(reverse(split(".", each.value))[0]), "application/octet-stream")
  # File names carry no content hash, so browsers must revalidate the entry page
  # (and CloudFront honours the short max-age for the rest).
  cache_control = endswith(each.value, ".html") ? "no-cache" : "max-age=300"
  tags          = local.tags
}

resource "aws_s3_object" "site_config" {
  bucket        = module.site_bucket.id
  key           = "config.json"
  content       = local.site_config_json
  etag          = md5(local.site_config_json)
  content_type  = "application/json"
  cache_control = "no-cache"
  tags          = local.tags
}

# ---------------------------------------------------------------------------
# CloudFront
# ---------------------------------------------------------------------------
resource "aws_cloudfront_origin_access_control" "site" {
  count = var.create_cloudfront_distribution ? 1 : 0

  name                              = "${local.name}-site"
  description                       = "CloudFront reads ${module.site_bucket.name} with SigV4-signed requests"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_response_headers_policy" "site" {
  count = var.create_cloudfront_distribution ? 1 : 0

  name    = "${local.name}-security-headers"
  comment = "HSTS, CSP, frame and content-type protections for the ${local.name} site"

  security_headers_config {
    strict_transport_security {
      # Two years, subdomains, preload-list eligible.
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
    content_security_policy {
      content_security_policy = local.content_security_policy
      override                = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    content_type_options {
      override = true
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
  }
}

resource "aws_cloudfront_distribution" "site" {
  #checkov:skip=CKV_AWS_310:One origin (the site bucket): there is no second origin to fail over to; S3 is regional and highly available.
  #checkov:skip=CKV2_AWS_47:WAF is per environment (cloudfront_web_acl_id, a modules/waf_acl ACL with the known-bad-inputs rules; prod attaches one): checkov cannot follow the ACL through the variable.
  #checkov:skip=CKV_AWS_68:WAF is per environment (cloudfront_web_acl_id, null by default, set in prod); this check passed only because the variable is unresolved.
  #checkov:skip=CKV_AWS_86:Access logging is per environment (cloudfront_log_bucket, null by default, set in prod to a modules/access_logs bucket); this check passed only because of the optional block.
  #checkov:skip=CKV_AWS_374:Geo restriction is a per-deployment business decision (geo_restriction_type / geo_restriction_locations), none by default.
  count = var.create_cloudfront_distribution ? 1 : 0

  enabled             = true
  comment             = "${local.name} site"
  default_root_object = "index.html"
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  price_class         = var.price_class
  aliases             = var.aliases
  web_acl_id          = var.cloudfront_web_acl_id
  wait_for_deployment = var.wait_for_deployment

  origin {
    origin_id                = local.site_origin_id
    domain_name              = module.site_bucket.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site[0].id
  }

  default_cache_behavior {
    target_origin_id           = local.site_origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.managed_caching_optimized_policy_id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.site[0].id
  }

  # Single-page app: unknown paths (403 from S3, since CloudFront may not list the
  # bucket, or 404) render index.html, which routes on the client.
  dynamic "custom_error_response" {
    for_each = [403, 404]
    content {
      error_code            = custom_error_response.value
      response_code         = 200
      response_page_path    = "/index.html"
      error_caching_min_ttl = 10
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = var.geo_restriction_type
      locations        = var.geo_restriction_locations
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = var.acm_certificate_arn == null
    acm_certificate_arn            = var.acm_certificate_arn
    ssl_support_method             = var.acm_certificate_arn == null ? null : "sni-only"
    minimum_protocol_version       = var.acm_certificate_arn == null ? null : "TLSv1.2_2021"
  }

  dynamic "logging_config" {
    for_each = var.cloudfront_log_bucket == null ? [] : [var.cloudfront_log_bucket]
    content {
      bucket          = logging_config.value
      prefix          = "${local.name}/"
      include_cookies = false
    }
  }

  tags = local.tags
}

# Custom domain: an alias record (IPv4 and IPv6) per name, only with a zone.
resource "aws_route53_record" "site" {
  for_each = var.create_cloudfront_distribution && var.route53_zone_id != null ? {
    for pair in setproduct(var.aliases, ["A", "AAAA"]) : "${pair[0]}/${pair[1]}" => { name = pair[0], type = pair[1] }
  } : {}

  zone_id = var.route53_zone_id
  name    = each.value.name
  type    = each.value.type

  alias {
    name                   = aws_cloudfront_distribution.site[0].domain_name
    zone_id                = aws_cloudfront_distribution.site[0].hosted_zone_id
    evaluate_target_health = false
  }
}
