"""What concurrency exposes: the local runtime runs a function's invocations side by side
(one worker per concurrent invocation, as Lambda does), so races are real here too.

Three subscribes of one user at the same moment must still give one subscription and
exactly one welcome email, and the test proves their invocations overlapped.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

from local_runtime.runtime import DISCOVERY_INTERVAL_SECONDS
from tests.integration.support import emails_sent, runtime_status, wait_until, wait_until_drained
from tests.integration.test_web_app_api import sign_up_and_sign_in

CONCURRENT_SUBSCRIBES = 3
# Rounds (a fresh user each) until one overlaps; the first nearly always does, since
# two of the three requests cold-start a worker while the first is still running.
MAX_ROUNDS = 5


def _web_api_overlaps(state_dir: Path, function_name: str, since: float) -> int:
    """The web API's overlapping invocations, from a status written after `since`."""
    holder: dict[str, int] = {}

    def fresh() -> bool:
        status = runtime_status(state_dir)
        if status.get("updated_at", 0) <= since + DISCOVERY_INTERVAL_SECONDS:
            return False
        holder["overlaps"] = (
            status.get("concurrency", {}).get(function_name, {}).get("overlapping_invocations", 0)
        )
        return True

    wait_until(fresh, timeout=30, what="a fresh runtime status", interval=0.2)
    return holder["overlaps"]


def test_concurrent_subscribes_of_one_user_send_exactly_one_welcome_email(
    outputs: dict[str, Any], runtime: Path
) -> None:
    base = outputs["api_url"]
    function_name = outputs["web_api_function_name"]
    overlapped = False
    for _ in range(MAX_ROUNDS):
        user = sign_up_and_sign_in(outputs)
        overlaps_before = _web_api_overlaps(runtime, function_name, time.time())
        emails_before = emails_sent()
        start = threading.Barrier(CONCURRENT_SUBSCRIBES)

        def subscribe(_: int, user: Any = user, start: threading.Barrier = start) -> Any:
            start.wait(timeout=30)
            return requests.post(f"{base}/subscriptions", headers=user.headers, timeout=60)

        with ThreadPoolExecutor(max_workers=CONCURRENT_SUBSCRIBES) as clients:
            responses = list(clients.map(subscribe, range(CONCURRENT_SUBSCRIBES)))

        # One subscribe created it (201); the others found it (200), all with its body.
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200] * (CONCURRENT_SUBSCRIBES - 1) + [201], [r.text for r in responses]
        assert all(r.json() == responses[0].json() for r in responses)
        wait_until(
            lambda before=emails_before: emails_sent() > before,
            timeout=90,
            what="the welcome email",
        )
        wait_until_drained(runtime, "welcome", since=time.time())
        assert emails_sent() == emails_before + 1
        if _web_api_overlaps(runtime, function_name, time.time()) > overlaps_before:
            overlapped = True
            break
    assert overlapped, f"no round of {CONCURRENT_SUBSCRIBES} subscribes ran concurrently"
