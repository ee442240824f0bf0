"""``cfmock run`` and ``cfmock test`` show the offending line of the user's file with a caret (issue 16 point 3),
run as a user would: a subprocess, real files."""

from __future__ import annotations

import json
from pathlib import Path

from cli_process import cfmock_process

PREFIX = "The CloudFront function associated with the CloudFront distribution is invalid or could not run. "
EVENT = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/old", "headers": {"host": {"value": "example.org"}}},
}
SYNTAX = 'function handler(event) {\n  if (event.request.uri.startsWith("/a" {\n    return event.request;\n  }\n}\n'
RUNTIME = "function handler(event) {\r\n\tvar é = '😀';\r\n\treturn event.request.headers.nope.value;\r\n}\r\n"


def test_run_points_at_a_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "f.js").write_text(SYNTAX, encoding="utf-8")
    done = cfmock_process("run", "f.js", "--event", json.dumps(EVENT), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[-4:] == [
        "Error: " + PREFIX + "SyntaxError: Unexpected token '{'",
        "  --> f.js:2:41",
        '    2 |   if (event.request.uri.startsWith("/a" {',
        "      |                                         ^",
    ]


def test_run_points_at_a_runtime_error_in_a_crlf_file_with_tabs_and_non_ascii(tmp_path: Path) -> None:
    (tmp_path / "f.js").write_bytes(RUNTIME.encode("utf-8"))
    done = cfmock_process("run", "f.js", "--event", json.dumps(EVENT), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[-4:] == [
        "Error: " + PREFIX + 'TypeError: cannot get property "value" of undefined',
        "  --> f.js:3:9",
        "    3 | \treturn event.request.headers.nope.value;",
        "      | \t       ^",
    ]


def test_run_json_carries_the_location(tmp_path: Path) -> None:
    (tmp_path / "f.js").write_text(SYNTAX, encoding="utf-8")
    failed = cfmock_process("run", "f.js", "--event", json.dumps(EVENT), "--json", cwd=tmp_path)
    data = json.loads(failed.stdout)
    assert data["error_location"] == {"line": 2, "column": 41}
    assert data["error_message"] == PREFIX + "SyntaxError: Unexpected token '{'"
    (tmp_path / "ok.js").write_text("function handler(e) { return e.request; }", encoding="utf-8")
    ok = cfmock_process("run", "ok.js", "--event", json.dumps(EVENT), "--json", cwd=tmp_path)
    assert json.loads(ok.stdout)["error_location"] is None


def test_run_points_at_a_connection_function_error(tmp_path: Path) -> None:
    (tmp_path / "c.js").write_text(
        "function connectionHandler(connection) {\n  connection.nope();\n}", encoding="utf-8"
    )
    done = cfmock_process("run", "c.js", "--connection", "--event", '{"clientIp": "203.0.113.1"}', cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[-3:] == [
        "  --> c.js:2:14",
        "    2 |   connection.nope();",
        "      |              ^",
    ]


def test_a_successful_run_shows_no_pointer(tmp_path: Path) -> None:
    (tmp_path / "f.js").write_text("function handler(e) { return e.request; }", encoding="utf-8")
    done = cfmock_process("run", "f.js", "--event", json.dumps(EVENT), cwd=tmp_path)
    assert done.returncode == 0 and "-->" not in done.stdout


def test_cfmock_test_failure_shows_the_line(tmp_path: Path) -> None:
    (tmp_path / "f.js").write_bytes(RUNTIME.encode("utf-8"))
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.event.json").write_text(json.dumps(EVENT), encoding="utf-8")
    (cases / "a.expected.json").write_text('{"logs": []}', encoding="utf-8")
    (cases / "b.event.json").write_text(json.dumps(EVENT), encoding="utf-8")
    (cases / "b.expected.json").write_text('{"error": "TypeError: something else"}', encoding="utf-8")
    done = cfmock_process("test", "f.js", "cases", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "PASS a"  # the error is not compared in a, so a passes without a pointer
    pointer = [
        "    (the error is at f.js:3:9)",
        "    3 | \treturn event.request.headers.nope.value;",
        "      | \t       ^",
    ]
    assert lines[1] == "FAIL b" and lines[-4:] == [*pointer, "1 passed, 1 failed"]
    # --update writes only the compared keys: the location never enters an expected file.
    updated = cfmock_process("test", "f.js", "cases", "--update", cwd=tmp_path)
    assert updated.returncode == 0, updated.stdout
    assert json.loads((cases / "b.expected.json").read_text(encoding="utf-8")) == {
        "error": 'TypeError: cannot get property "value" of undefined'
    }


def test_the_pytest_helper_shows_the_line_in_its_failure(tmp_path: Path) -> None:
    import pytest

    from cfmock.cases import load_cases

    (tmp_path / "f.js").write_bytes(RUNTIME.encode("utf-8"))
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "a.event.json").write_text(json.dumps(EVENT), encoding="utf-8")
    (tmp_path / "cases" / "a.expected.json").write_text('{"error": null}', encoding="utf-8")
    [case] = load_cases(tmp_path / "f.js", tmp_path / "cases")
    with pytest.raises(AssertionError) as failure:
        case.check(update=False)
    assert str(failure.value).endswith(
        f"(the error is at {tmp_path / 'f.js'}:3:9)\n3 | \treturn event.request.headers.nope.value;\n  | \t       ^"
    )
