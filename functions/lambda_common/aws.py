"""How every function configures its AWS clients."""

from __future__ import annotations

from botocore.config import Config


def standard_retries(max_attempts: int) -> Config:
    """A client config whose calls retry in botocore's standard mode.

    Standard mode backs off on throttling and 5xx (the legacy default retries fewer
    errors, without a retry quota); each function picks the attempts its deadline allows.
    """
    return Config(retries={"mode": "standard", "max_attempts": max_attempts})
