"""The ``cfmock`` command line: ``cfmock demo`` and ``cfmock run FILE.js --event EVENT.json``."""

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
    run.add_argument("--event", type=Path, required=True, help="the event (or connection object) as JSON")
    run.add_argument("--runtime", default="cloudfront-js-2.0", choices=["cloudfront-js-1.0", "cloudfront-js-2.0"])
    run.add_argument("--connection", action="store_true", help="run a connection function (connectionHandler)")
    run.add_argument("--kvs", type=Path, help="key value store contents: an import file {'data': [{key, value}]}")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            from cfmock.demo import run_demo

            run_demo()
            status = 0
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
    from cfmock.runner import run_connection_function, run_function
    from cfmock.runtime import InvalidEventError

    try:
        code = args.file.read_text(encoding="utf-8")
        event = args.event.read_text(encoding="utf-8")
        kvs = _load_kvs(args.kvs) if args.kvs else None
    except OSError as error:
        print(f"cfmock: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # not UTF-8, or a malformed import file (JSONDecodeError is a ValueError)
        print(f"cfmock: invalid input: {error}", file=sys.stderr)
        return 2
    try:
        if args.connection:
            result: Any = run_connection_function(code, event, runtime=args.runtime, kvs=kvs)
        else:
            result = run_function(code, event, runtime=args.runtime, kvs=kvs)
    except (InvalidEventError, ValueError) as error:
        print(f"cfmock: invalid input: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(result.describe())
    return 1 if result.error_message else 0


def _load_kvs(path: Path) -> dict[str, str]:
    from cfmock.runner import load_import_file

    return load_import_file(path.read_text(encoding="utf-8"))
