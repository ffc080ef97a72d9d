"""Configuration read once from the environment (the contract with the Terraform module)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from lambda_common.settings import ConfigurationError, required
from welcome_email.subscriber import is_valid_email

DEFAULT_SITE_NAME = "the serverless reference web app"


@dataclass(frozen=True, slots=True)
class Settings:
    sender_email: str
    idempotency_table: str
    site_url: str
    # Where a record that can never become an email goes at once, with its reason.
    failure_queue_url: str
    site_name: str = DEFAULT_SITE_NAME


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and check the settings; raise ConfigurationError naming the bad variable."""
    sender_email = required(environ, "SENDER_EMAIL", "the SES-verified address emails come from")
    if not is_valid_email(sender_email):
        raise ConfigurationError(f"SENDER_EMAIL is not an email address: {sender_email!r}")
    idempotency_table = required(
        environ, "IDEMPOTENCY_TABLE", "the DynamoDB table that records emails already sent"
    )
    site_url = required(environ, "SITE_URL", "the https URL of the site the email links to")
    parts = urlsplit(site_url)
    # The URL goes into an email as a link: anything but an absolute http(s) URL would be
    # a broken (or, with javascript:, a hostile) link.
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"SITE_URL must be an absolute http(s) URL, got {site_url!r}")
    site_name = environ.get("SITE_NAME", "").strip() or DEFAULT_SITE_NAME
    return Settings(
        sender_email=sender_email,
        idempotency_table=idempotency_table,
        site_url=site_url,
        failure_queue_url=required(
            environ, "FAILURE_QUEUE_URL", "the queue of subscriber records given up on"
        ),
        site_name=site_name,
    )
