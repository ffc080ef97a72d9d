from __future__ import annotations

import pytest

from lambda_common.settings import ConfigurationError
from welcome_email.config import DEFAULT_SITE_NAME, Settings, load_settings

ENVIRONMENT = {
    "SENDER_EMAIL": "no-reply@example.com",
    "IDEMPOTENCY_TABLE": "welcome-idempotency",
    "SITE_URL": "http://127.0.0.1:8080/site/",
    "FAILURE_QUEUE_URL": "http://127.0.0.1:5000/123456789012/welcome-failures",
}


def test_settings_are_read_from_the_environment() -> None:
    assert load_settings({**ENVIRONMENT, "SITE_NAME": " Items "}) == Settings(
        sender_email="no-reply@example.com",
        idempotency_table="welcome-idempotency",
        site_url="http://127.0.0.1:8080/site/",
        failure_queue_url="http://127.0.0.1:5000/123456789012/welcome-failures",
        site_name="Items",
    )


def test_the_site_name_has_a_default() -> None:
    assert load_settings(ENVIRONMENT).site_name == DEFAULT_SITE_NAME


@pytest.mark.parametrize("url", ["ftp://example.com/", "example.com", "https://", "/site/"])
def test_site_url_must_be_an_absolute_http_url(url: str) -> None:
    with pytest.raises(ConfigurationError, match="SITE_URL"):
        load_settings({**ENVIRONMENT, "SITE_URL": url})
