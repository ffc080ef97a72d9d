"""The local console (/_local/ on the gateway) in headless Chromium against the applied
local environment: the runtime's status refreshing live, the functions' last log lines,
and what the emulator holds one click away (archive objects with quarantine reasons,
table items, sent emails). The page must run under its 'self'-only CSP with a clean
browser console. Screenshot and console log land in test-artifacts/.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from selenium.webdriver import Chrome
from selenium.webdriver.common.by import By

from clients.producer import Producer, build_sample
from tests.integration.browser import recording, save_full_page_screenshot, wait_for
from tests.integration.support import wait_until_drained

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PROCESSOR = "stream-processor"


def put_sample(outputs: dict[str, Any], count: int, seed: int) -> None:
    sample = build_sample(count, poison_fraction=0.1, seed=seed)
    Producer(boto3.client("kinesis"), outputs["stream_name"]).put(sample.items).raise_for_failures()


def table_rows(driver: Chrome, table_id: str) -> list[list[str]]:
    rows = driver.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr")
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def invocations(driver: Chrome, function_name: str) -> int:
    """The function's invocation count in the functions table (0 until it is listed)."""
    for row in table_rows(driver, "functions"):
        if row and row[0] == function_name:
            return int(row[1])
    return 0


def click_named(driver: Chrome, css: str, prefix: str, *, exact: bool = False) -> None:
    """Click the first element matching `css` whose text starts with `prefix` (or is it).
    Found and clicked in one go: the page re-renders its lists while it refreshes."""

    def clicked(page: Chrome) -> bool:
        for candidate in page.find_elements(By.CSS_SELECTOR, css):
            if candidate.text == prefix or (not exact and candidate.text.startswith(prefix)):
                candidate.click()
                return True
        return False

    wait_for(driver, clicked, f"{prefix!r} in {css}")


def viewer_text(driver: Chrome) -> str:
    return str(driver.find_element(By.ID, "viewer").text)


@pytest.mark.usefixtures("chromium_installed")
def test_the_console_shows_status_logs_and_contents(
    outputs: dict[str, Any],
    emulator_environment: dict[str, str],
    runtime: Path,
    driver: Chrome,
) -> None:
    since = time.time()
    put_sample(outputs, 50, seed=7)
    wait_until_drained(runtime, PROCESSOR, since)
    function = outputs["processor_function_name"]
    console_url = f"{emulator_environment['TF_VAR_local_gateway_url']}/_local/"

    with recording(driver, ARTIFACTS, "local_console"):
        driver.get(console_url)
        before = wait_for(driver, lambda d: invocations(d, function), "the functions table")
        assert before > 0
        overall = driver.find_element(By.ID, "overall").text
        problems = driver.find_elements(By.CSS_SELECTOR, "#problems li")
        # Other tests of the session may leave something failing: then it is named.
        assert overall == (f"FAILING ({len(problems)})" if problems else "OK")
        apis = {row[1] for row in table_rows(driver, "apis")}
        assert {outputs["api_id"], outputs["mobile_api_id"]} <= apis
        queues = [row[0] for row in table_rows(driver, "failure-queues")]
        assert outputs["failure_queue_url"].rsplit("/", 1)[-1] in queues
        shards = [row for row in table_rows(driver, "mappings") if row[0] == function]
        assert shards, "no stream mapping rows for the processor"

        # ---- live: new records show up without a reload ----
        put_sample(outputs, 20, seed=8)
        wait_for(
            driver,
            lambda d: invocations(d, function) > before,
            "the invocation count to rise without a reload",
            timeout=60,
        )

        # ---- logs: the processor's last lines ----
        click_named(driver, "#logs summary", function)
        log_text = wait_for(
            driver,
            lambda d: d.find_element(By.CSS_SELECTOR, "#logs details[open] pre").text,
            "the processor's last log lines",
        )
        assert log_text.strip()
        assert log_text != "(empty)"

        # ---- archive bucket: objects, quarantine reasons, an object's content ----
        bucket = outputs["archive_bucket_name"]
        click_named(driver, "#buckets button", bucket, exact=True)
        wait_for(driver, lambda d: "reason: " in viewer_text(d), "quarantine reasons")
        click_named(driver, "#viewer-list button", "quarantine/")
        wait_for(
            driver,
            lambda d: '"reason"' in d.find_element(By.ID, "viewer-content").text,
            "the quarantined record's content",
        )
        save_full_page_screenshot(driver, ARTIFACTS / "local_console-quarantine.png")

        # ---- a failure queue's messages; a queue a function consumes is not peeked ----
        failures = outputs["failure_queue_url"].rsplit("/", 1)[-1]
        click_named(driver, "#queues button", failures, exact=True)
        wait_for(
            driver,
            lambda d: d.find_element(By.ID, "viewer-title").text.startswith(f"{failures}: "),
            "the failure queue's messages",
        )
        pushes = outputs["push_queue_url"].rsplit("/", 1)[-1]
        click_named(driver, "#queues button", pushes, exact=True)
        wait_for(
            driver,
            lambda d: (
                d.find_element(By.ID, "viewer-title").text
                == f"{pushes}: consumed by a function, not peeked"
            ),
            "the mapped queue left alone",
        )

        # ---- a table's items and the emails SES accepted ----
        click_named(driver, "#tables button", outputs["subscribers_table_name"], exact=True)
        wait_for(
            driver,
            lambda d: d.find_element(By.ID, "viewer-title").text.startswith(
                outputs["subscribers_table_name"]
            ),
            "the subscribers table's items",
        )
        for button, title in (
            ("show-emails", "Emails SES accepted: "),
            ("show-pushes", "Pushes to mobile endpoints: "),
        ):
            driver.find_element(By.ID, button).click()
            wait_for(
                driver,
                lambda d, title=title: d.find_element(By.ID, "viewer-title").text.startswith(title),
                f"the {button.removeprefix('show-')} sent",
            )

    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[no-untyped-call]
    assert not severe, f"the console page logged errors (CSP?): {severe}"
