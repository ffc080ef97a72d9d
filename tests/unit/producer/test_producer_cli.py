"""CLI: argument parsing and `main` with a fake client (no AWS)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from producer_fakes import FakeKinesis, client_error

from clients.producer.cli import EXIT_FAILED_RECORDS, EXIT_OK, EXIT_USAGE, build_parser, main
from clients.producer.samples import sample_events, to_ndjson


def run(argv: list[str], client: FakeKinesis, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, client=client, stdin=io.BytesIO(stdin), stdout=out, stderr=err)  # type: ignore[arg-type]
    return code, out.getvalue(), err.getvalue()


def test_defaults() -> None:
    args = build_parser().parse_args(["--stream", "s"])
    assert args.count is None
    assert args.input is None
    assert args.rate is None
    assert not args.aggregate
    assert str(args.partition_key) == "random"
    assert args.max_attempts == 5
    assert not args.json


def test_all_options_parse() -> None:
    args = build_parser().parse_args(
        [
            "--stream",
            "s",
            "--count",
            "7",
            "--rate",
            "2.5",
            "--aggregate",
            "--partition-key",
            "field:source",
            "--seed",
            "3",
            "--region",
            "eu-west-1",
            "--max-attempts",
            "2",
            "--json",
            "--poison-fraction",
            "0.5",
        ]
    )
    assert (args.count, args.rate, args.seed, args.region) == (7, 2.5, 3, "eu-west-1")
    assert (args.partition_key.kind, args.partition_key.field) == ("field", "source")
    assert args.aggregate
    assert args.json
    assert args.poison_fraction == 0.5


@pytest.mark.parametrize(
    "argv",
    [
        [],  # --stream is required
        ["--stream", "s", "--count", "1", "--input", "-"],
        ["--stream", "s", "--partition-key", "hash"],
        ["--stream", "s", "--rate", "0"],
        ["--stream", "s", "--count", "-1"],
        ["--stream", "s", "--max-attempts", "0"],
        ["--stream", "s", "--poison-fraction", "2"],
    ],
)
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        build_parser().parse_args(argv)
    assert raised.value.code == EXIT_USAGE
    assert "error:" in capsys.readouterr().err


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        build_parser().parse_args(["--help"])
    assert raised.value.code == 0
    text = capsys.readouterr().out
    for option in [
        "--stream",
        "--count",
        "--input",
        "--rate",
        "--aggregate",
        "--partition-key",
        "--seed",
        "--region",
        "--json",
        "--max-attempts",
        "AWS_ENDPOINT_URL",
    ]:
        assert option in text


def test_generates_count_events_and_prints_a_summary() -> None:
    client = FakeKinesis()
    code, out, _ = run(["--stream", "s", "--count", "120", "--seed", "1"], client)
    assert code == EXIT_OK
    assert len(client.stored) == 120
    assert "put 120 of 120 records into s" in out
    events = [json.loads(r["Data"]) for r in client.stored]
    assert [e["event_id"] for e in events] == [e["event_id"] for e in sample_events(120, seed=1)]


def test_default_count_is_100_and_unseeded_runs_differ() -> None:
    first, second = FakeKinesis(), FakeKinesis()
    run(["--stream", "s"], first)
    run(["--stream", "s"], second)
    assert len(first.stored) == 100
    assert first.stored[0]["Data"] != second.stored[0]["Data"]


def test_json_summary() -> None:
    code, out, _ = run(["--stream", "s", "--count", "3", "--json"], FakeKinesis())
    data = json.loads(out)
    assert code == EXIT_OK
    assert (data["succeeded"], data["failed"], data["ok"]) == (3, 0, True)


def test_stdin_ndjson_is_sent_in_order() -> None:
    events = sample_events(5, seed=2)
    client = FakeKinesis()
    code, _, _ = run(
        ["--stream", "s", "--input", "-", "--partition-key", "event_id"],
        client,
        to_ndjson(events).encode(),
    )
    assert code == EXIT_OK
    assert [json.loads(r["Data"]) for r in client.stored] == events
    assert [r["PartitionKey"] for r in client.stored] == [e["event_id"] for e in events]


def test_malformed_line_exits_2_before_anything_is_sent() -> None:
    client = FakeKinesis()
    stdin = b'{"a": 1}\n{"a": 2}\nnot json\n{"a": 4}\n'
    code, out, err = run(["--stream", "s", "--input", "-"], client, stdin)
    assert code == EXIT_USAGE
    assert client.calls == []
    assert "line 3: not valid JSON" in err
    assert out == ""


def test_input_file(tmp_path: Path) -> None:
    path = tmp_path / "events.ndjson"
    path.write_text(to_ndjson(sample_events(3)))
    client = FakeKinesis()
    assert run(["--stream", "s", "--input", str(path)], client)[0] == EXIT_OK
    assert len(client.stored) == 3


def test_missing_input_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run(["--stream", "s", "--input", str(tmp_path / "nope")], FakeKinesis())
    assert code == EXIT_USAGE
    assert "cannot read" in err


def test_oversized_line_exits_2_naming_the_record() -> None:
    client = FakeKinesis()
    big = json.dumps({"blob": "x" * (1024 * 1024)}).encode()
    code, _, err = run(["--stream", "s", "--input", "-"], client, b'{"a":1}\n' + big + b"\n")
    assert code == EXIT_USAGE
    assert "record #1" in err
    assert "nothing was sent" in err
    assert client.calls == []


def test_poison_fraction_with_input_is_rejected() -> None:
    code, _, err = run(["--stream", "s", "--input", "-", "--poison-fraction", "0.1"], FakeKinesis())
    assert code == EXIT_USAGE
    assert "--poison-fraction" in err


def test_poison_fraction_sends_poison_records() -> None:
    client = FakeKinesis()
    run(["--stream", "s", "--count", "20", "--poison-fraction", "0.5", "--seed", "1"], client)
    assert len(client.stored) == 20
    invalid = 0
    for record in client.stored:
        try:
            json.loads(record["Data"])
        except ValueError:
            invalid += 1
    assert invalid >= 2  # not_json and invalid_utf8 among the 10 poison records


def test_failed_records_exit_1_and_are_listed() -> None:
    client = FakeKinesis(call_errors=[client_error("ResourceNotFoundException")])
    code, out, _ = run(["--stream", "missing", "--count", "3"], client)
    assert code == EXIT_FAILED_RECORDS
    assert "failed           3" in out
    assert "ResourceNotFoundException" in out


def test_aggregate_with_random_keys_warns() -> None:
    _, _, err = run(["--stream", "s", "--count", "2", "--aggregate"], FakeKinesis())
    assert "unaggregated" in err


def test_missing_region_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    err = io.StringIO()
    code = main(["--stream", "s", "--count", "1"], stderr=err)
    assert code == EXIT_USAGE
    assert "--region" in err.getvalue()


def test_region_is_taken_from_a_stream_arn(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    monkeypatch.setenv("AWS_REGION", "us-east-2")
    seen: dict[str, object] = {}

    def fake_client(service: str, region_name: str | None = None) -> FakeKinesis:
        seen.update(service=service, region=region_name)
        return FakeKinesis()

    monkeypatch.setattr(boto3, "client", fake_client)
    arn = "arn:aws:kinesis:ap-south-1:123456789012:stream/s"
    assert main(["--stream", arn, "--count", "1"], stdout=io.StringIO()) == EXIT_OK
    assert seen == {"service": "kinesis", "region": "ap-south-1"}
    assert main(["--stream", "s", "--count", "1"], stdout=io.StringIO()) == EXIT_OK
    assert seen["region"] == "us-east-2"  # AWS_REGION, which boto3 alone ignores
    assert (
        main(["--stream", arn, "--region", "sa-east-1", "--count", "1"], stdout=io.StringIO()) == 0
    )
    assert seen["region"] == "sa-east-1"
