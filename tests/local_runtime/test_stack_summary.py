"""The end of `make up`: the demo's sign-in kept privately and the summary that shows it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from local_runtime import stack

OUTPUTS = {
    "stream_name": "events",
    "archive_bucket_name": "archive-bucket",
    "api_url": "http://127.0.0.1:9000/webapi1234/v1",
    "mobile_api_url": "http://127.0.0.1:9000/mobile1234/v1",
}
DEMO = stack.DemoResult(
    email="demo-abc@example.com",
    password="s3cret-Aa1",
    records_put=500,
    records_archived=490,
    archive_objects=8,
    quarantined_by_reason={"not_json": 4, "schema_violation": 6},
    poison_fraction=0.02,
)


def test_the_demo_sign_in_is_kept_for_the_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stack, "DEMO_FILE", tmp_path / "demo.json")
    DEMO.save()
    assert stat.S_IMODE((tmp_path / "demo.json").stat().st_mode) == 0o600
    assert stack.DemoResult.load() == DEMO


def test_the_summary_names_each_architecture_and_the_deliberate_poison(
    capsys: pytest.CaptureFixture[str],
) -> None:
    running = stack.Stack(1, 4566, 2, "us-east-1", gateway_port=9000)
    stack._print_summary(running, OUTPUTS, DEMO)
    shown = capsys.readouterr().out
    for expected in (
        "http://127.0.0.1:9000/_local/",
        "http://127.0.0.1:9000/site/",
        "demo-abc@example.com / s3cret-Aa1",
        OUTPUTS["api_url"],
        OUTPUTS["mobile_api_url"],
        "stream      events",
        "put 500 records: 490 archived in 8 objects, 10 quarantined "
        "(not_json 4, schema_violation 6)",
        "the demo's deliberate poison (2% malformed on purpose)",
        "make status",
        "make outputs",
    ):
        assert expected in shown
