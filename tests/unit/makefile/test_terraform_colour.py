"""`make plan`/`make apply` write plain text when their output is not a terminal (logs, CI):
no ANSI colour codes. Checked with a stand-in for terraform that prints what it got."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_apply_into_a_pipe_asks_terraform_for_no_colour(tmp_path: Path) -> None:
    fake = tmp_path / "terraform"
    fake.write_text('#!/bin/sh\necho "TF_CLI_ARGS=[$TF_CLI_ARGS] $*"\n')
    fake.chmod(0o755)
    environment = {k: v for k, v in os.environ.items() if k != "TF_CLI_ARGS"}
    shown = subprocess.run(  # noqa: S603 - make with fixed arguments
        ["make", "-s", "apply", f"TF={fake}", "ENV=dev"],  # noqa: S607 - make from PATH
        cwd=ROOT,
        env=environment,
        capture_output=True,  # a pipe, as in a log or CI
        text=True,
        check=True,
    ).stdout
    assert "TF_CLI_ARGS=[ -no-color] -chdir=infra/environments/dev apply" in shown
