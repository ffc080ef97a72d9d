"""The retry policy of every function's AWS clients."""

from __future__ import annotations

from lambda_common.aws import standard_retries


def test_standard_retries_sets_the_mode_and_the_attempts() -> None:
    assert standard_retries(4).retries == {"mode": "standard", "max_attempts": 4}
