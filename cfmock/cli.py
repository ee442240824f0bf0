"""The ``cfmock`` command line: ``cfmock demo``, ``cfmock run FILE.js --event EVENT``, ``cfmock test`` and
``cfmock server``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cfmock._version import __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cfmock", description="Offline mock of AWS CloudFront Functions.")
    parser.add_argument("--version", action="version", version=f"cfmock {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="print a tour of the mock, run through a real boto3 client")
    run = commands.add_parser("run", help="run a function's code on an event, as TestFunction would")
    run.add_argument("file", type=Path, help="the function's JavaScript source")
    run.add_argument(
        "--event", required=True, help="the event (or connection object): a JSON file, - for standard input, or JSON"
    )
    run.add_argument("--runtime", default="cloudfront-js-2.0", choices=["cloudfront-js-1.0", "cloudfront-js-2.0"])
    run.add_argument("--connection", action="store_true", help="run a connection function (connectionHandler)")
    run.add_argument("--kvs", type=Path, help="key value store contents: an import file {'data': [{key, value}]}")
    run.add_argument("--now", help="the function's clock, an ISO 8601 time such as 2025-01-01T12:00:00Z")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    from cfmock import cases_command

    cases_command.register(commands)
    _add_server_command(commands)
    args = parser.parse_args(argv)
    if args.command == "server":
        from cfmock.server.serve import run_command

        return run_command(args)
    try:
        if args.command == "demo":
            from cfmock.demo import run_demo

            run_demo()
            status = 0
        elif args.command == "test":
            status = cases_command.run(args)
        else:
            status = run_file(args)
        sys.stdout.flush()  # a reader that left shows here, in the handler below, not at interpreter exit
        return status
    except KeyboardInterrupt:  # Ctrl-C stops a running function at once; no traceback for it
        print("cfmock: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `cfmock demo | head`: the reader left; stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python flushes stdout at exit
        return 141


def run_file(args: argparse.Namespace) -> int:
    from cfmock.cases import CasesError, connection_hint, parse_now, read_source
    from cfmock.runner import load_import_file, run_connection_function, run_function
    from cfmock.runtime import InvalidEventError

    try:
        code = read_source(args.file, "function")
        event = _event_text(args.event)
        kvs = load_import_file(read_source(args.kvs, "key value store")) if args.kvs else None
        now = parse_now(args.now) if args.now is not None else None
    except (CasesError, EventArgumentError) as error:
        print(f"cfmock: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"cfmock: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # not UTF-8, or a malformed import file (JSONDecodeError is a ValueError)
        print(f"cfmock: invalid input: {error}", file=sys.stderr)
        return 2
    try:
        if args.connection:
            result: Any = run_connection_function(code, event, runtime=args.runtime, kvs=kvs, now=now)
        else:
            result = run_function(code, event, runtime=args.runtime, kvs=kvs, now=now)
    except (InvalidEventError, ValueError) as error:
        print(f"cfmock: invalid input: {error}", file=sys.stderr)
        return 2
    if args.json:
        from cfmock.runtime.nesting import recursion_room

        with recursion_room():  # output nests up to 1,001 levels, deeper than Python 3.11's json goes by itself
            data = result.to_dict()
            data["output"] = json.loads(result.output) if result.output else None  # an object, not JSON text
            print(json.dumps(data, indent=2))
    else:
        print(result.describe())
        if result.error_location is not None:
            print(_pointer(args.file, code, result.error_location))
    hint = connection_hint(code, args.connection, result.error_message)
    if hint:
        print(f"cfmock: {hint}", file=sys.stderr)
    return 1 if result.error_message else 0


def _pointer(path: Path, code: str, location: Any) -> str:
    """``  --> FILE:LINE:COLUMN`` and the offending line with a caret under the column."""
    from cfmock.runtime.locations import excerpt

    return f"  --> {path}:{location}\n{excerpt(code, location, '    ')}"


class EventArgumentError(Exception):
    """``--event`` names no readable event."""


def _event_text(argument: str) -> str:
    """``--event``: ``-`` reads standard input, text starting with ``{`` or ``[`` is the JSON itself, else a file."""
    if argument == "-":
        return sys.stdin.read()
    if argument.lstrip().startswith(("{", "[")):
        return argument
    path = Path(argument)
    if path.is_dir():
        raise EventArgumentError(
            f"--event {argument} is a directory; to run every NAME.event.json in it, use "
            "`cfmock test FILE.js DIRECTORY`"
        )
    if not path.exists():
        raise EventArgumentError(
            f"--event {argument}: no such file (--event takes a JSON file, - for standard input, or inline JSON)"
        )
    return path.read_text(encoding="utf-8")


def _add_server_command(commands: Any) -> None:
    from cfmock.options import DEFAULT_ACCOUNT_ID

    default_port = 7457  # cfmock.server.serve.DEFAULT_PORT, not imported here to keep the CLI's start light
    server = commands.add_parser("server", help="serve the mocked CloudFront over HTTP (AWS CLI, Terraform, SDKs)")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    server.add_argument(
        "--port", type=_port, default=default_port, help=f"port (default: {default_port}; 0: a free one)"
    )
    server.add_argument("--port-file", type=Path, help="write the port to this file once the server listens")
    server.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, help="the account in every ARN")
    server.add_argument("--verbose", action="store_true", help="log each request to stderr")


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535; 0 picks a free port)")
    return int(text)
