"""web/srp.js against pycognito's AWSSRP: same inputs, same SRP_A, timestamp and signature.

The page's SRP runs in Node (v20: BigInt, WebCrypto, atob/btoa are globals, as in a
browser); pycognito is the reference Cognito client. Every random input is fixed, and
pycognito's clock is pinned, so both sides must produce byte-identical answers.
"""

from __future__ import annotations

import base64
import datetime
import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pycognito import aws_srp

from tests.browser_policy import require

SRP_MODULE = Path(__file__).resolve().parents[3] / "web" / "srp.js"
USER_POOL_ID = "us-east-1_Ab12Cd34E"
NODE = shutil.which("node")
PASSWORD = "Correct horse 9 battery!"


@pytest.fixture(autouse=True)
def node_installed() -> None:
    require([] if NODE else ["node"])


# Reads the cases as JSON from stdin, answers with one result per case.
NODE_DRIVER = """
import { srpKeyPair, passwordVerifierResponses } from %s;
let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const c of JSON.parse(input)) {
  const keyPair = srpKeyPair(BigInt("0x" + c.smallA));
  const responses = await passwordVerifierResponses(c.challenge, {
    userPoolId: c.userPoolId, username: c.username, password: c.password, keyPair,
    now: new Date(c.nowMillis),
  });
  results.push({ srpA: keyPair.srpA, responses });
}
process.stdout.write(JSON.stringify(results));
"""


def run_node(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert NODE is not None
    script = NODE_DRIVER % json.dumps(SRP_MODULE.as_uri())
    completed = subprocess.run(  # noqa: S603 - fixed argv, the script is ours
        [NODE, "--input-type=module", "-e", script],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    results: list[dict[str, Any]] = json.loads(completed.stdout)
    return results


def reference(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, str]]:
    """SRP_A and ChallengeResponses from pycognito for the same fixed inputs."""
    now = datetime.datetime.fromtimestamp(case["nowMillis"] / 1000, tz=datetime.UTC)

    class FixedClock(datetime.datetime):
        @classmethod
        def utcnow(cls) -> datetime.datetime:  # type: ignore[override]
            return now.replace(tzinfo=None)

    monkeypatch.setattr(aws_srp.datetime, "datetime", FixedClock)
    # client=object(): AWSSRP needs no AWS client to compute, only to call Cognito.
    srp = aws_srp.AWSSRP(
        username=case["username"],
        password=case["password"],
        pool_id=case["userPoolId"],
        client_id="client",
        client=object(),
    )
    srp.small_a_value = int(case["smallA"], 16)
    srp.large_a_value = srp.calculate_a()
    responses = srp.process_challenge(case["challenge"], {"USERNAME": case["username"]})
    return aws_srp.long_to_hex(srp.large_a_value), responses


def make_case(
    seed: int,
    *,
    salt: str | None = None,
    srp_b: str | None = None,
    secret_block: str | None = None,
    password: str = PASSWORD,
    now_millis: int = 1_709_802_900_000,
) -> dict[str, Any]:
    # Seeded on purpose: reproducible inputs, not secrets.
    rng = random.Random(seed)  # noqa: S311
    return {
        "smallA": f"{rng.getrandbits(1024):x}",
        "userPoolId": USER_POOL_ID,
        "username": "jane.doe@example.com",
        "password": password,
        "nowMillis": now_millis,
        "challenge": {
            "SALT": salt if salt is not None else f"{rng.getrandbits(128):x}",
            "SRP_B": srp_b if srp_b is not None else f"{rng.getrandbits(3072):x}",
            "SECRET_BLOCK": (
                secret_block
                if secret_block is not None
                else base64.b64encode(rng.randbytes(rng.randint(700, 1100))).decode("ascii")
            ),
            "USER_ID_FOR_SRP": f"{rng.getrandbits(128):032x}",
            "USERNAME": f"{rng.getrandbits(128):032x}",
        },
    }


CASES = {
    **{f"random-{seed}": make_case(seed) for seed in range(12)},
    # pad_hex branches: odd length, and a top bit set that needs a 00 byte in front.
    "salt-odd-length": make_case(100, salt="abc"),
    "salt-high-nibble": make_case(101, salt="f" + "0" * 31),
    "b-high-nibble": make_case(102, srp_b="8" + "1" * 767),
    "b-small": make_case(103, srp_b="2"),
    # The local emulator's SECRET_BLOCK is a UUID, not base64.
    "uuid-secret-block": make_case(104, secret_block="d3b07384-d9a0-4c9b-8f5e-1d2c3b4a5f6e"),
    "non-ascii-password": make_case(105, password="pässwörd-密码-🔑"),
    # Single-digit day of month: Cognito wants "Mar 7", not "Mar 07".
    "single-digit-day": make_case(106, now_millis=1_709_802_900_000),
    "double-digit-day": make_case(107, now_millis=1_735_689_599_000),
}


@pytest.fixture(scope="module")
def node_results() -> dict[str, dict[str, Any]]:
    return dict(zip(CASES, run_node(list(CASES.values())), strict=True))


@pytest.mark.parametrize("name", list(CASES))
def test_srp_js_matches_pycognito(
    name: str, node_results: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected_srp_a, expected = reference(CASES[name], monkeypatch)

    result = node_results[name]

    assert result["srpA"] == expected_srp_a
    assert result["responses"] == expected


def test_the_timestamp_has_no_leading_zero_on_the_day(
    node_results: dict[str, dict[str, Any]],
) -> None:
    assert node_results["single-digit-day"]["responses"]["TIMESTAMP"] == (
        "Thu Mar 7 09:15:00 UTC 2024"
    )
    assert node_results["double-digit-day"]["responses"]["TIMESTAMP"] == (
        "Tue Dec 31 23:59:59 UTC 2024"
    )


def test_a_wrong_password_gives_a_different_signature(
    node_results: dict[str, dict[str, Any]],
) -> None:
    [wrong] = run_node([make_case(0, password="Correct horse 9 battery?")])

    right = node_results["random-0"]["responses"]["PASSWORD_CLAIM_SIGNATURE"]
    assert wrong["responses"]["PASSWORD_CLAIM_SIGNATURE"] != right
