"""`python -m local_runtime status`: the running runtime's state as one table, and an exit
status scripts can use.

    0  every function, mapping, API and failure queue is fine
    1  something is failing (each problem is listed under the table)
    2  the runtime is not running (no status file, or it stopped updating it)

"Failing" means: a function whose last invocation failed, an event source poller that
died, an API whose last answer was a 5xx, a failure queue holding messages (events that
exhausted their retries: look at them in the console, then redrive or purge), or an
error the runtime reports about the deployed configuration. Errors that a retry since
resolved (a function's earlier errors, 4xx answers) are counted, not failing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAILING = 1
EXIT_NOT_RUNNING = 2
# The runtime rewrites its status every couple of seconds; this much silence means it stopped.
STALE_AFTER_SECONDS = 15.0


def problems(status: dict[str, Any]) -> list[str]:
    """What is failing now, one sentence each (empty when everything is fine)."""
    found = [f"runtime: {name}: {error}" for name, error in sorted(status["errors"].items())]
    for name, function in sorted(status["functions"].items()):
        if function["last_invocation_failed"]:
            found.append(f"function {name}: last invocation failed: {function['last_error']}")
    for key, mapping in sorted({**status["mappings"], **status["sqs_mappings"]}.items()):
        if not mapping["alive"]:
            found.append(
                f"mapping {key}: its poller stopped"
                + (f": {mapping['last_error']}" if mapping["last_error"] else "")
            )
    for api_id, api in sorted(status["apis"].items()):
        if (api["last_status"] or 0) >= 500:
            found.append(f"API {api['name'] or api_id}: last answer was {api['last_status']}")
    for name, queue in sorted(status["failure_queues"].items()):
        if queue["depth"]:
            found.append(
                f"failure queue {name}: {queue['depth']} message(s) waiting "
                f"({', '.join(queue['fed_by'])})"
            )
    return found


def read_status(state_dir: Path) -> dict[str, Any] | None:
    path = state_dir / "status.json"
    if not path.is_file():
        return None
    status: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return status


def _short(value: Any, width: int = 60) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(title: str, headers: Sequence[str], rows: list[list[Any]]) -> list[str]:
    cells = [[str(h) for h in headers]] + [[_short(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [f"{title} ({len(rows)})"]
    for row in cells:
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    if not rows:
        lines.append("  (none)")
    return lines


def _name(arn: str) -> str:
    return arn.rsplit(":", 1)[-1]


def _source_name(arn: str) -> str:
    """`stream/NAME` (Kinesis) -> NAME; `table/NAME/stream/...` (DynamoDB) -> NAME stream."""
    kind, name, *_ = [*arn.split(":", 5)[-1].split("/"), ""]
    return f"{name} stream" if kind == "table" else name


def render(status: dict[str, Any]) -> str:
    """The status as text tables: functions, mappings, APIs, failure queues, problems."""
    lines = _table(
        "Functions",
        ["function", "invocations", "errors", "cold", "warm", "init ms", "last error"],
        [
            [
                name,
                f["invocations"],
                f["errors"],
                f["cold_starts"],
                f["warm_starts"],
                "" if f["init_ms"] is None else f"{f['init_ms']:.0f}",
                f["last_error"] or "",
            ]
            for name, f in sorted(status["functions"].items())
        ],
    )
    lines += _table(
        "\nStream mappings (per shard)",
        ["function", "source", "shard", "delivered", "iterator age", "checkpoint", "to failure"],
        [
            [
                _name(m["function_arn"]),
                _source_name(m["source_arn"]),
                key.split("/", 1)[1],
                m["records_delivered"],
                "caught up" if m["caught_up"] else f"{m['iterator_age_ms'] / 1000:.1f} s",
                m["checkpoint"] or "-",
                f"{m['batches_to_failure_destination']} batches",
            ]
            for key, m in sorted(status["mappings"].items())
        ],
    )
    lines += _table(
        "\nQueue mappings",
        ["function", "queue", "received", "deleted", "errors", "last error"],
        [
            [
                _name(m["function_arn"]),
                _name(m["queue_arn"]),
                m["messages_received"],
                m["messages_deleted"],
                m["function_errors"],
                m["last_error"] or "",
            ]
            for _, m in sorted(status["sqs_mappings"].items())
        ],
    )
    lines += _table(
        "\nAPIs",
        ["api", "id", "requests", "4xx", "5xx"],
        [
            [a["name"], api_id, a["requests"], a["client_errors"], a["server_errors"]]
            for api_id, a in sorted(status["apis"].items())
        ],
    )
    lines += _table(
        "\nFailure queues",
        ["queue", "depth", "fed by"],
        [
            [name, q["depth"], ", ".join(q["fed_by"])]
            for name, q in sorted(status["failure_queues"].items())
        ],
    )
    found = problems(status)
    lines.append("")
    lines += [f"FAILING: {p}" for p in found] or ["OK: nothing is failing."]
    return "\n".join(lines)


def main(state_dir: Path, as_json: bool = False, now: float | None = None) -> int:
    status = read_status(state_dir)
    if status is None:
        print(f"The local runtime is not running: no {state_dir / 'status.json'} (`make up`).")
        return EXIT_NOT_RUNNING
    age = (time.time() if now is None else now) - float(status["updated_at"])
    if as_json:
        print(json.dumps(status, indent=2, sort_keys=True))
    else:
        print(render(status))
    if age > STALE_AFTER_SECONDS:
        print(f"NOT RUNNING: the runtime last updated its status {age:.0f} s ago.")
        return EXIT_NOT_RUNNING
    return EXIT_FAILING if problems(status) else EXIT_OK
