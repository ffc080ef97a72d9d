"""Headless Chromium for the browser tests: the Debian packages' browser and driver,
waits that stop at the page's own error message, and failure artefacts.

Selenium is always given the driver's path, so Selenium Manager never looks for (or
downloads) a browser or driver.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver import Chrome
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_policy import require

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARGUMENTS = (
    "--headless=new",
    # Tests run as root in containers, where Chromium's sandbox cannot start.
    "--no-sandbox",
    "--disable-gpu",
    # Containers give /dev/shm 64 MB, too little for Chromium's renderer.
    "--disable-dev-shm-usage",
    # Offline machine: no update checks, sync, or first-run work that waits on network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1280,900",
)

T = TypeVar("T")


class PageError(AssertionError):
    """The page showed an error message while a test waited for something else."""


def require_chromium() -> None:
    """Fail without the browser packages, unless deliberately opted out (browser_policy)."""
    require([str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()])


@contextmanager
def chromium(profile_dir: Path) -> Iterator[Chrome]:
    """A headless Chromium with a fresh, empty profile; quit (driver included) on exit."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (*ARGUMENTS, f"--user-data-dir={profile_dir}"):
        options.add_argument(argument)
    # Keeps the page's console messages for get_log("browser").
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: Chrome, condition: Callable[[Chrome], T], what: str, timeout: float = 30) -> T:
    """Wait until `condition` is truthy, failing at once with the text of the page's
    #error element if it shows one (instead of timing out with no reason)."""

    def check(page: Chrome) -> T:
        shown = page.find_element(By.ID, "error").text
        if shown:
            raise PageError(f"the page showed an error while waiting for {what}: {shown}")
        return condition(page)

    # Rows are re-rendered after every change, so an element found a moment ago may be
    # gone: look again. NoSuchElementException (a page mid-load) is ignored by default.
    wait = WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(check, f"timed out after {timeout:.0f}s waiting for {what}")


@contextmanager
def recording(driver: Chrome, directory: Path, name: str) -> Iterator[None]:
    """On the way out, pass or fail: a full-page screenshot `{name}.png` and the browser
    console `{name}-console.log` in `directory`."""
    try:
        yield
    finally:
        save_full_page_screenshot(driver, directory / f"{name}.png")
        save_console_log(driver, directory / f"{name}-console.log")


def save_full_page_screenshot(driver: Chrome, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Selenium's screenshot is the viewport only; Chromium's DevTools can capture the
    # whole document.
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def save_console_log(driver: Chrome, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    except WebDriverException as error:  # a driver without the log endpoint
        path.write_text(f"browser log unavailable: {error.msg}\n")
        return
    path.write_text("".join(f"{e['timestamp']} {e['level']} {e['message']}\n" for e in entries))
