"""`python -m local_runtime serve`: serve what is deployed in the emulator until SIGTERM.
`python -m local_runtime status`: what the running runtime reports, as one table."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

from local_runtime.emulator import DEFAULT_REGION
from local_runtime.runtime import LocalRuntime, RuntimeSettings
from local_runtime.status import status_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_runtime", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="deliver events to the deployed functions' artifacts")
    serve.add_argument(
        "--endpoint-url",
        default=os.environ.get("AWS_ENDPOINT_URL"),
        help="the emulator's URL (default: $AWS_ENDPOINT_URL)",
    )
    serve.add_argument("--region", default=os.environ.get("AWS_REGION", DEFAULT_REGION))
    serve.add_argument("--artifacts-dir", type=Path, default=Path("dist/host"))
    serve.add_argument("--state-dir", type=Path, default=Path(".local/runtime"))
    serve.add_argument(
        "--code-cache",
        type=Path,
        help="where artifacts are unpacked, by content (default: STATE_DIR/code)",
    )
    serve.add_argument(
        "--runtime-libs",
        type=Path,
        action="append",
        default=[],
        help="directory of libraries the Lambda runtime provides (boto3); repeatable",
    )
    serve.add_argument(
        "--gateway-port",
        type=int,
        default=0,
        help="port of the local API Gateway and site (default 0: a free port, "
        "written to status.json as gateway_url)",
    )
    serve.add_argument(
        "--site-bucket", help="bucket whose objects are served at /site/ (the web app's site)"
    )
    status = sub.add_parser(
        "status",
        help="functions, mappings, APIs and failure queues; exit 1 when something is failing",
        description=status_report.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    status.add_argument(
        "--state-dir",
        type=Path,
        default=Path(".local/runtime"),
        help="the runtime's state directory (default: .local/runtime, where make up puts it)",
    )
    status.add_argument("--json", action="store_true", help="the full status as JSON")
    args = parser.parse_args(argv)
    if args.command == "status":
        return status_report.main(args.state_dir, as_json=args.json)
    if not args.endpoint_url:
        parser.error("no emulator: pass --endpoint-url or set AWS_ENDPOINT_URL")
    if not args.artifacts_dir.is_dir():
        parser.error(f"{args.artifacts_dir} does not exist: run `make build` first")
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    runtime = LocalRuntime(
        RuntimeSettings(
            endpoint_url=args.endpoint_url,
            region=args.region,
            artifacts_dir=args.artifacts_dir.resolve(),
            state_dir=args.state_dir.resolve(),
            runtime_libs=tuple(p.resolve() for p in args.runtime_libs),
            gateway_port=args.gateway_port,
            site_bucket=args.site_bucket,
            code_cache=args.code_cache.resolve() if args.code_cache else None,
        )
    )
    signal.signal(signal.SIGTERM, lambda *_: runtime.stop())
    signal.signal(signal.SIGINT, lambda *_: runtime.stop())
    runtime.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
