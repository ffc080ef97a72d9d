"""`make checkov` scans every root it is given and fails on a finding in any of them.

checkov 3.3 scans only the first `--directory` of a command line; the target therefore
runs once per root. These tests plant a security group open to the world in a root that
is not the first one and check that the target fails on it, and that the default roots
are modules/ and every environment.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make") or "make"

CLEAN_ROOT = """\
terraform {
  required_version = ">= 1.10"
}

locals {
  nothing_to_scan = true
}
"""

# SSH from anywhere: CKV_AWS_24.
OPEN_SSH_ROOT = """\
resource "aws_security_group" "open" {
  name        = "planted-violation"
  description = "SSH from anywhere"

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"""


def run_checkov_target(*roots: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed argv: make and our own roots
        [MAKE, "--no-print-directory", "checkov", f"CHECKOV_ROOTS={' '.join(map(str, roots))}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "MAKEFLAGS": ""},
    )


def write_root(directory: Path, main_tf: str) -> Path:
    directory.mkdir()
    (directory / "main.tf").write_text(main_tf)
    return directory


@pytest.fixture
def clean_root(tmp_path: Path) -> Path:
    return write_root(tmp_path / "clean", CLEAN_ROOT)


def test_a_clean_root_passes(clean_root: Path) -> None:
    result = run_checkov_target(clean_root)

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_violation_in_a_later_root_fails_the_target(clean_root: Path, tmp_path: Path) -> None:
    violation = write_root(tmp_path / "open_ssh", OPEN_SSH_ROOT)

    result = run_checkov_target(clean_root, violation)

    assert result.returncode != 0
    assert "CKV_AWS_24" in result.stdout
    assert f"unsuppressed findings in: {violation}" in result.stdout


def test_default_roots_are_modules_and_every_environment() -> None:
    result = subprocess.run(  # noqa: S603 - fixed argv
        [MAKE, "--no-print-directory", "-n", "checkov"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loop = next(line for line in result.stdout.splitlines() if "for root in" in line)
    roots = loop.split("for root in", 1)[1].split(";", 1)[0].split()
    environments = sorted(
        str(p.parent.relative_to(REPO_ROOT))
        for p in REPO_ROOT.glob("infra/environments/*/versions.tf")
    )

    assert roots == ["modules", *environments]
    assert len(environments) >= 4
