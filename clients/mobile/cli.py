"""Command line: `python -m clients.mobile [--config FILE | flags] COMMAND ...`.

Exit status: 0 done; 1 the operation failed (Cognito, the API or S3 refused it, not
signed in, network); 2 usage or input error (bad flags or config, unsafe file name,
no password), in which case nothing was sent.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from clients.mobile.api import ApiClient
from clients.mobile.config import MobileConfig
from clients.mobile.errors import (
    ConfigError,
    FileKeyError,
    MobileClientError,
    SessionFileError,
)
from clients.mobile.files import UserFiles
from clients.mobile.identity import IdentityCredentials
from clients.mobile.session import DEFAULT_SESSION_FILE, Session, TokenStore

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

CONFIG_FLAGS = (
    "api_url",
    "region",
    "user_pool_id",
    "user_pool_client_id",
    "identity_pool_id",
    "user_files_bucket",
)

DESCRIPTION = """\
Do what the mobile app does against the mobile backend: sign up and in (SRP), call
the notes API with the ID token, keep files in your own private/<identity-id>/ folder
with identity-pool credentials, register a device for push.

The backend comes from --config FILE (the JSON of the `mobile_client_config`
Terraform output) and/or the individual flags, which override the file. AWS_ENDPOINT_URL
points the Cognito and S3 calls at the local emulator. Tokens are kept in
--session-file (mode 0600) and are never printed.
"""

EPILOG = """\
exit status: 0 done; 1 the operation failed (refused, not signed in, network);
2 usage or input error, nothing sent.
"""


class UsageError(Exception):
    """A problem with the command line or local input; exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m clients.mobile",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", metavar="FILE", help="mobile_client_config JSON file")
    for name in CONFIG_FLAGS:
        parser.add_argument("--" + name.replace("_", "-"), dest=name, metavar="VALUE")
    parser.add_argument(
        "--session-file",
        metavar="PATH",
        default=str(DEFAULT_SESSION_FILE),
        help="where the tokens are kept, mode 0600 (default %(default)s)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def password_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--email", required=True)
        sub.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of stdin (default: prompt)",
        )

    signup = commands.add_parser("signup", help="register an account (email + password)")
    password_options(signup)
    signup.add_argument(
        "--confirm-with-admin",
        action="store_true",
        help="EMULATOR/OPERATOR ONLY: confirm at once with AdminConfirmSignUp, using your "
        "AWS credentials, instead of the emailed code",
    )
    signin = commands.add_parser("signin", help="sign in with SRP and save the session")
    password_options(signin)
    commands.add_parser("signout", help="revoke the tokens and delete the session file")

    notes = commands.add_parser("notes", help="your notes").add_subparsers(
        dest="notes_command", required=True, metavar="ACTION"
    )
    notes.add_parser("list", help="all your notes")
    add = notes.add_parser("add", help="create a note")
    add.add_argument("--title", required=True)
    add.add_argument("--body", default="")
    get = notes.add_parser("get", help="one note")
    get.add_argument("note_id")
    update = notes.add_parser("update", help="change a note's title and/or body")
    update.add_argument("note_id")
    update.add_argument("--title")
    update.add_argument("--body")
    delete = notes.add_parser("delete", help="delete a note")
    delete.add_argument("note_id")

    share = commands.add_parser("share", help="share one of your notes with another user")
    share.add_argument("note_id")
    share.add_argument("email", help="the other user's email")
    commands.add_parser("shared", help="notes others shared with you")

    files = commands.add_parser("files", help="your private files").add_subparsers(
        dest="files_command", required=True, metavar="ACTION"
    )
    put = files.add_parser("put", help="upload a local file")
    put.add_argument("local", metavar="LOCAL_FILE")
    put.add_argument("--name", help="file name in your folder (default: the local name)")
    fget = files.add_parser("get", help="download a file")
    fget.add_argument("name")
    fget.add_argument(
        "-o", "--output", help="local path, '-' for stdout (default: the name's last part)"
    )
    fget.add_argument("--force", action="store_true", help="overwrite an existing local file")
    ls = files.add_parser("ls", help="list your files")
    ls.add_argument("--prefix", default="", help="only files whose name starts with this")
    rm = files.add_parser("rm", help="delete a file")
    rm.add_argument("name")

    device = commands.add_parser("register-device", help="register a push token")
    device.add_argument("--platform", required=True, choices=["fcm", "apns"])
    device.add_argument("--token", required=True, help="the device's FCM or APNs token")
    return parser


def load_config(args: argparse.Namespace) -> MobileConfig:
    flags = {name: getattr(args, name) for name in CONFIG_FLAGS}
    if args.config:
        return MobileConfig.from_file(args.config).with_overrides(**flags)
    missing = [f"--{name.replace('_', '-')}" for name, value in flags.items() if not value]
    if missing:
        raise ConfigError("no --config FILE, and these flags are missing: " + " ".join(missing))
    return MobileConfig.from_mapping(flags)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    prompt: Callable[[str], str] = getpass.getpass,
    session_factory: Callable[[MobileConfig, TokenStore], Session] = Session,
) -> int:
    """Runs the CLI and returns the exit status; the keywords are for tests."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        config = load_config(args)
        session = session_factory(config, TokenStore(args.session_file))
        result = _run(args, config, session, stdin=stdin or sys.stdin, out=out, prompt=prompt)
    except (UsageError, ConfigError, FileKeyError, SessionFileError, ValueError) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    except MobileClientError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_FAILED
    if result is not None:
        print(json.dumps(result, indent=2, default=str), file=out)
    return EXIT_OK


def _password(args: argparse.Namespace, stdin: IO[str], prompt: Callable[[str], str]) -> str:
    if args.password_stdin:
        password = stdin.readline().rstrip("\r\n")
    elif stdin.isatty():
        password = prompt("Password: ")
    else:
        raise UsageError("no password: use --password-stdin, or run in a terminal")
    if not password:
        raise UsageError("the password is empty")
    return password


def _run(
    args: argparse.Namespace,
    config: MobileConfig,
    session: Session,
    *,
    stdin: IO[str],
    out: IO[str],
    prompt: Callable[[str], str],
) -> Any:
    if args.command in ("signup", "signin", "signout"):
        return _account(args, session, stdin, prompt)
    if args.command == "files":
        return _files(args, UserFiles(IdentityCredentials(config, session)), out)
    return _api(args, ApiClient(config.api_url, session.id_token), session)


def _account(
    args: argparse.Namespace, session: Session, stdin: IO[str], prompt: Callable[[str], str]
) -> Any:
    if args.command == "signout":
        return {"signed_out": True, "tokens_revoked": session.sign_out()}
    password = _password(args, stdin, prompt)
    if args.command == "signin":
        session.sign_in(args.email, password)
        return {"signed_in": args.email, "session_file": str(session.store.path)}
    result = session.sign_up(args.email, password)
    confirmed = result.confirmed
    if args.confirm_with_admin and not confirmed:
        session.confirm_with_admin(args.email)
        confirmed = True
    return {"email": args.email, "user_sub": result.user_sub, "confirmed": confirmed}


def _api(args: argparse.Namespace, api: ApiClient, session: Session) -> Any:
    if args.command == "notes":
        return _notes(args, api)
    if args.command == "share":
        return api.share_note(args.note_id, args.email)
    if args.command == "shared":
        return api.shared_with_me()
    return api.register_device(args.platform, args.token, session.installation_id())


def _notes(args: argparse.Namespace, api: ApiClient) -> Any:
    action = args.notes_command
    if action == "list":
        return api.list_notes()
    if action == "add":
        return api.create_note(args.title, args.body)
    if action == "get":
        return api.get_note(args.note_id)
    if action == "update":
        return api.update_note(args.note_id, title=args.title, body=args.body)
    api.delete_note(args.note_id)
    return {"deleted": args.note_id}


def _files(args: argparse.Namespace, files: UserFiles, out: IO[str]) -> Any:
    action = args.files_command
    if action == "put":
        local = Path(args.local)
        name = args.name or local.name
        files.key(name)  # refuse an unsafe name before reading or sending anything
        try:
            data = local.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {local}: {exc}") from exc
        return {"uploaded": name, "key": files.upload(name, data), "bytes": len(data)}
    if action == "get":
        target = args.output or Path(args.name).name
        if target != "-" and Path(target).exists() and not args.force:
            raise UsageError(f"{target} exists: pass --force to overwrite, or -o another path")
        data = files.download(args.name)
        if target == "-":
            out.flush()
            sys.stdout.buffer.write(data)
            return None
        Path(target).write_bytes(data)
        return {"downloaded": args.name, "to": target, "bytes": len(data)}
    if action == "ls":
        return {
            "files": [
                {"name": f.name, "size": f.size, "last_modified": f.last_modified.isoformat()}
                for f in files.list(args.prefix)
            ]
        }
    files.delete(args.name)
    return {"deleted": args.name}
