from __future__ import annotations

from html.parser import HTMLParser

from welcome_email.message import render_welcome_email

SITE_URL = "https://d111111abcdef8.cloudfront.net/"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str | None] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_the_email_welcomes_to_the_site_and_links_to_it() -> None:
    email = render_welcome_email("Items", SITE_URL)

    assert email.subject == "Welcome to Items"
    assert SITE_URL in email.text
    assert "Items" in email.text
    assert parsed(email.html).hrefs == [SITE_URL]


def test_the_html_escapes_the_settings_it_interpolates() -> None:
    url = 'https://example.com/?a=1&b="><script>alert(1)</script>'
    email = render_welcome_email("<b>Items</b>", url)

    page = parsed(email.html)
    assert "<script>" not in email.html
    assert "<b>" not in email.html
    # The parser un-escapes: what a mail client shows is exactly the configured text.
    assert page.hrefs == [url]
    assert "<b>Items</b>" in "".join(page.text)


def test_the_text_part_is_plain_text() -> None:
    email = render_welcome_email("Items", SITE_URL)

    assert "<" not in email.text
    assert email.text.endswith("\n")
