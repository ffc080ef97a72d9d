"""The web page in headless Chromium against the applied local environment.

One user's session through the page as a person would use it: SRP sign-in against the
emulator's Cognito, items added, ticked off (still ticked after a reload) and deleted,
a subscription that sends exactly one welcome email however often it is clicked, an
image upload that comes back as a thumbnail, and sign-out. Screenshots and the
browser console land in test-artifacts/ whether the test passes or not.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from selenium.webdriver import Chrome
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from local_runtime.demo import create_demo_user
from tests.integration.browser import recording, save_full_page_screenshot, wait_for
from tests.integration.support import emails_sent, wait_until, wait_until_drained

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
UPLOAD_SIZE = (320, 200)
# Sign-in and the first call of each function include Lambda cold starts on the runtime.
FIRST_CALL_SECONDS = 60.0
THUMBNAIL_SECONDS = 120.0
EMAIL_SECONDS = 90.0

# Each row of #items as [title, checkbox ticked, row styled as done].
LISTED_ITEMS_JS = """
return Array.from(document.querySelectorAll("#items > li")).map((row) => [
  row.querySelector(".title").textContent,
  row.querySelector(".toggle-done").checked,
  row.classList.contains("done"),
]);
"""
# [naturalWidth, naturalHeight] once #thumbnail is shown and its image decoded, else null.
LOADED_THUMBNAIL_JS = """
const image = document.getElementById("thumbnail");
return !image.hidden && image.complete && image.naturalWidth > 0
  ? [image.naturalWidth, image.naturalHeight]
  : null;
"""


def listed_items(driver: Chrome) -> list[tuple[str, bool, bool]]:
    return [tuple(row) for row in driver.execute_script(LISTED_ITEMS_JS)]


def item_row(driver: Chrome, title: str) -> WebElement:
    # Titles here are made by the test and contain no quotes.
    return driver.find_element(
        By.XPATH, f"//ul[@id='items']/li[span[@class='title' and text()='{title}']]"
    )


def add_item(driver: Chrome, title: str) -> None:
    driver.find_element(By.ID, "new-item-title").send_keys(title)
    click(driver, driver.find_element(By.ID, "add-item-button"), "the add button")
    wait_for(
        driver,
        lambda d: title in [row[0] for row in listed_items(d)],
        f"{title!r} to be listed",
        timeout=FIRST_CALL_SECONDS,
    )


def click(driver: Chrome, element: WebElement, what: str) -> None:
    """Click once the control is enabled: the page disables a control while its action
    runs, and a click on a disabled button is silently dropped."""
    wait_for(driver, lambda _: element.is_enabled(), f"{what} to be enabled")
    element.click()


def text_of(driver: Chrome, element_id: str) -> str:
    return str(driver.find_element(By.ID, element_id).text)


def write_test_image(path: Path) -> Path:
    image = Image.new("RGB", UPLOAD_SIZE, (32, 96, 160))
    ImageDraw.Draw(image).ellipse((100, 40, 220, 160), fill=(240, 200, 40))
    image.save(path, "JPEG", quality=85)
    return path


# chromium_installed first: a machine without the browser fails (or, opted out, skips)
# before the apply.
@pytest.mark.usefixtures("chromium_installed")
def test_a_user_works_through_the_page(
    outputs: dict[str, Any],
    emulator_environment: dict[str, str],
    runtime: Path,
    driver: Chrome,
    tmp_path: Path,
) -> None:
    email, password = create_demo_user(outputs["user_pool_id"])
    site_url = f"{emulator_environment['TF_VAR_local_gateway_url']}/site/"
    run = secrets.token_hex(3)
    kept, deleted = f"Water the plants {run}", f"Book the dentist {run}"
    by_id = driver.find_element

    with recording(driver, ARTIFACTS, "web_app"):
        # ---- sign in (SRP against the emulator's Cognito) ----
        driver.get(site_url)
        by_id(By.ID, "signin-email").send_keys(email)
        by_id(By.ID, "signin-password").send_keys(password)
        click(driver, by_id(By.ID, "signin-button"), "the sign-in button")
        wait_for(
            driver,
            lambda d: d.find_element(By.ID, "app-section").is_displayed(),
            "the signed-in view",
            timeout=FIRST_CALL_SECONDS,
        )
        assert text_of(driver, "signed-in-as") == f"Signed in as {email}"
        assert listed_items(driver) == []
        assert not by_id(By.ID, "auth-section").is_displayed()

        # ---- two items, newest first ----
        add_item(driver, kept)
        add_item(driver, deleted)
        assert listed_items(driver) == [(deleted, False, False), (kept, False, False)]
        assert by_id(By.ID, "new-item-title").get_attribute("value") == ""

        # ---- one done, and still done after a reload (read back from the API) ----
        checkbox = item_row(driver, kept).find_element(By.CLASS_NAME, "toggle-done")
        click(driver, checkbox, "the done checkbox")
        expected = [(deleted, False, False), (kept, True, True)]
        wait_for(driver, lambda d: listed_items(d) == expected, "the item to show as done")
        driver.refresh()
        wait_for(
            driver, lambda d: listed_items(d) == expected, "the items to reload with their state"
        )

        # ---- the other deleted ----
        remove = item_row(driver, deleted).find_element(By.CLASS_NAME, "delete-item")
        click(driver, remove, "the delete button")
        wait_for(driver, lambda d: listed_items(d) == [(kept, True, True)], "the item to disappear")
        assert text_of(driver, "status") == "Item deleted."

        # ---- subscribe: exactly one welcome email, however often it is clicked ----
        subscribe = by_id(By.ID, "subscribe-button")
        emails_before = emails_sent()
        click(driver, subscribe, "the subscribe button")
        subscribed = wait_for(
            driver,
            lambda d: text_of(d, "subscribe-status"),
            "the subscription status",
            timeout=FIRST_CALL_SECONDS,
        )
        assert subscribed.startswith(f"Subscribed as {email} since ")
        wait_until(
            lambda: emails_sent() == emails_before + 1,
            timeout=EMAIL_SECONDS,
            what=f"the welcome email to {email}",
        )

        # Cleared first, so the text seen next is the second answer's, not the first's.
        driver.execute_script("arguments[0].textContent = '';", by_id(By.ID, "subscribe-status"))
        click(driver, subscribe, "the subscribe button")
        again = wait_for(driver, lambda d: text_of(d, "subscribe-status"), "the second answer")
        assert again == subscribed  # same subscribed_at: the stored subscription, not a new one
        wait_until_drained(runtime, "welcome", since=time.time())
        assert emails_sent() == emails_before + 1, "a second welcome email"

        # ---- upload an image, see its thumbnail ----
        image = write_test_image(tmp_path / "upload.jpg")
        by_id(By.ID, "upload-input").send_keys(str(image))
        click(driver, by_id(By.ID, "upload-button"), "the upload button")
        natural_size = wait_for(
            driver,
            lambda d: d.execute_script(LOADED_THUMBNAIL_JS),
            "the thumbnail to load",
            timeout=THUMBNAIL_SECONDS,
        )
        assert 0 < max(natural_size) < max(UPLOAD_SIZE), "not a thumbnail of the upload"
        assert text_of(driver, "status") == "Thumbnail ready."
        assert by_id(By.ID, "thumbnail").get_attribute("alt") == "Thumbnail of upload.jpg"
        save_full_page_screenshot(driver, ARTIFACTS / "web_app-signed-in.png")

        # ---- sign out: back to the forms, no tokens left in the tab ----
        click(driver, by_id(By.ID, "signout-button"), "the sign-out button")
        wait_for(driver, lambda d: d.find_element(By.ID, "auth-section").is_displayed(), "sign-out")
        assert not by_id(By.ID, "app-section").is_displayed()
        assert text_of(driver, "status") == "Signed out."
        assert driver.execute_script("return sessionStorage.length;") == 0
