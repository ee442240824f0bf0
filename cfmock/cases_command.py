"""``cfmock test FUNCTION.js CASES_DIR``: check (or ``--update``) a cases directory; the logic is ``cfmock.cases``.

Exit status: 0 when every case passes, 1 when any fails, 2 for usage errors (a missing function or directory,
an unusable --kvs file, an empty directory, an invalid --now).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import textwrap
from pathlib import Path
from typing import Any

RUNTIMES = ["cloudfront-js-1.0", "cloudfront-js-2.0"]


def register(commands: Any) -> None:
    """Add the ``test`` subcommand to the CLI's subparsers."""
    test = commands.add_parser(
        "test",
        help="run a function on every NAME.event.json of a directory and compare with NAME.expected.json",
        description="Run FUNCTION on every NAME.event.json in CASES_DIR and compare the result with "
        "NAME.expected.json (any of output, logs, error; only the keys present are compared).",
    )
    test.add_argument("file", type=Path, help="the function's JavaScript source")
    test.add_argument("cases", type=Path, help="the cases directory")
    test.add_argument("--runtime", default="cloudfront-js-2.0", choices=RUNTIMES)
    test.add_argument("--connection", action="store_true", help="a connection function (connectionHandler)")
    test.add_argument("--kvs", type=Path, help="key value store contents: an import file {'data': [{key, value}]}")
    test.add_argument("--now", help="the function's clock, an ISO 8601 time such as 2025-01-01T12:00:00Z")
    test.add_argument("--update", action="store_true", help="write the expected files from the actual results")


def run(args: argparse.Namespace) -> int:
    from cfmock.cases import CasesError, load_cases, orphans, parse_now

    how_to_update = shlex.join(["cfmock", "test", *_command_tail(args), "--update"])
    try:
        now = parse_now(args.now) if args.now is not None else None
        cases = load_cases(
            args.file, args.cases, runtime=args.runtime, connection=args.connection, kvs=args.kvs, now=now
        )
    except CasesError as error:
        print(f"cfmock: {error}", file=sys.stderr)
        return 2
    passed = failed = 0
    for case in cases:
        outcome = case.evaluate(args.update, how_to_update=how_to_update)
        if outcome.status == "failed":
            failed += 1
            print(f"FAIL {case.name}")
            print(textwrap.indent(outcome.detail, "    "))
        else:
            passed += 1
            written = f" (wrote {case.expected_path.name})" if outcome.status in ("created", "updated") else ""
            print(f"PASS {case.name}{written}")
        sys.stdout.flush()  # one line per case as it finishes
    for name in orphans(args.cases):
        failed += 1
        print(f"FAIL {name}")
        print(f"    no {name.removesuffix('.expected.json')}.event.json: this expected file belongs to no case")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _command_tail(args: argparse.Namespace) -> list[str]:
    words = [str(args.file), str(args.cases)]
    if args.runtime != "cloudfront-js-2.0":
        words += ["--runtime", args.runtime]
    if args.connection:
        words.append("--connection")
    if args.kvs is not None:
        words += ["--kvs", str(args.kvs)]
    if args.now is not None:
        words += ["--now", args.now]
    return words
