"""The welcome email's content: the same message as plain text and HTML."""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WelcomeEmail:
    subject: str
    text: str
    html: str


def render_welcome_email(site_name: str, site_url: str) -> WelcomeEmail:
    """Render the email. It greets nobody by name: the table holds no name, and an
    address-derived greeting would put the address into every copy of the body."""
    subject = f"Welcome to {site_name}"
    text = (
        f"Hello,\n\n"
        f"thank you for subscribing to {site_name}.\n"
        f"You can sign in and manage your items at any time:\n{site_url}\n\n"
        f"If you did not subscribe, you can ignore this email.\n"
    )
    # Everything interpolated into HTML is escaped, quotes included (the URL sits in an
    # attribute): the settings come from Terraform, but the email must not trust them.
    name = html.escape(site_name, quote=True)
    url = html.escape(site_url, quote=True)
    body = (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject, quote=True)}</title></head>\n"
        "<body>\n"
        "<p>Hello,</p>\n"
        f"<p>thank you for subscribing to {name}.</p>\n"
        f'<p>You can sign in and manage your items at any time: <a href="{url}">{url}</a></p>\n'
        "<p>If you did not subscribe, you can ignore this email.</p>\n"
        "</body></html>\n"
    )
    return WelcomeEmail(subject=subject, text=text, html=body)
