"""The integration fixture's teardown: a second `terraform destroy` finishes what an
emulator race left, and a destroy that fails twice still fails the run."""

from __future__ import annotations

import subprocess

import pytest
from pytest_terraform.exceptions import TerraformCommandFailed

from tests.integration.conftest import DestroyTwiceFixture


class FlakyRunner:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def destroy(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise subprocess.CalledProcessError(1, ["terraform", "destroy"])


def fixture_with(runner: FlakyRunner) -> DestroyTwiceFixture:
    fixture = object.__new__(DestroyTwiceFixture)
    fixture.runner = runner
    fixture.teardown_config = None
    fixture.tf_root_module = "local"
    return fixture


def test_a_destroy_that_fails_once_is_tried_again() -> None:
    runner = FlakyRunner(failures=1)
    fixture_with(runner).tear_down()
    assert runner.calls == 2


def test_a_destroy_that_fails_twice_fails_the_run() -> None:
    runner = FlakyRunner(failures=2)
    with pytest.raises(TerraformCommandFailed):
        fixture_with(runner).tear_down()
    assert runner.calls == 2


def test_a_clean_destroy_runs_once() -> None:
    runner = FlakyRunner(failures=0)
    fixture_with(runner).tear_down()
    assert runner.calls == 1
