"""`python -m clients.archive` as a user runs it: every view in --help, and a reader that
stops early (`... records | head -1`) ends the command quietly."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from clients.archive.__main__ import main
from local_runtime import emulator

ROOT = Path(__file__).resolve().parents[3]
BUCKET = "archive-cli-test"
# Far more than a pipe buffer holds, so the writer is still writing when the reader leaves.
RECORDS = 20_000


def test_help_names_every_view(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    for view in ("summary", "records", "quarantine"):
        assert f"\n  {view} " in shown, f"--help does not explain {view!r}"


def test_a_reader_that_stops_early_ends_it_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with emulator.running(tmp_path / "emulator.log") as running:
        for key, value in running.client_environment().items():
            monkeypatch.setenv(key, value)
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        lines = "\n".join(json.dumps({"n": n, "pad": "x" * 64}) for n in range(RECORDS))
        s3.put_object(
            Bucket=BUCKET, Key="archive/part-0.ndjson.gz", Body=gzip.compress(lines.encode())
        )
        command = [sys.executable, "-m", "clients.archive", "--bucket", BUCKET, "records"]
        with subprocess.Popen(  # noqa: S603 - our interpreter and our module
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        ) as reader:
            assert reader.stdout is not None
            assert reader.stderr is not None
            first = json.loads(reader.stdout.readline())
            reader.stdout.close()  # what `head -1` does once it has its line
            errors = reader.stderr.read().decode()
            status = reader.wait(timeout=60)
    assert first["n"] == 0
    assert errors == ""
    assert status == 0
