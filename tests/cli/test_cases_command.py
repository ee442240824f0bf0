"""``cfmock test FUNCTION.js CASES_DIR``, run as a user runs it: a real process, real files.

One line per case, a unified diff under a failing case, ``N passed, M failed`` last; exit 0 when every case
passes, 1 when any fails, 2 for usage errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_process import cfmock_process

REDIRECT = """function handler(event) {
    var request = event.request;
    console.log('uri ' + request.uri);
    if (request.uri === '/old') {
        return { statusCode: 301, statusDescription: 'Moved Permanently',
                 headers: { location: { value: '/new' } } };
    }
    return request;
}
"""
OLD = {"request": {"method": "GET", "uri": "/old", "headers": {}}}
OTHER = {"request": {"method": "GET", "uri": "/other", "headers": {}}}
OLD_EXPECTED = {
    "output": {
        "response": {
            "cookies": {},
            "headers": {"location": {"value": "/new"}},
            "statusCode": 301,
            "statusDescription": "Moved Permanently",
        }
    },
    "logs": ["uri /old"],
    "error": None,
}
CONNECTION_CODE = """import cf from 'cloudfront';
async function connectionHandler(connection) {
    if (await cf.kvs().exists(connection.clientIp)) {
        connection.logCustomData('blocked ' + connection.clientIp);
        return connection.deny();
    }
    connection.allow();
}
"""


def write(path: Path, content: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "redirect.js", REDIRECT)
    write(tmp_path / "cases" / "old.event.json", OLD)
    write(tmp_path / "cases" / "other.event.json", OTHER)
    return tmp_path


def test_cases_without_expected_files_fail_and_say_how_to_create_them(project: Path) -> None:
    done = cfmock_process("test", "redirect.js", "cases", cwd=project)
    assert done.returncode == 1, done.stderr
    hint = "run `cfmock test redirect.js cases --update` to create it from the actual result"
    assert done.stdout == (
        f"FAIL old\n    no old.expected.json: {hint}\n"
        f"FAIL other\n    no other.expected.json: {hint}\n"
        "0 passed, 2 failed\n"
    )
    assert not (project / "cases" / "old.expected.json").exists()


def test_update_writes_the_expected_files_then_every_case_passes(project: Path) -> None:
    done = cfmock_process("test", "redirect.js", "cases", "--update", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "PASS old (wrote old.expected.json)\nPASS other (wrote other.expected.json)\n2 passed, 0 failed\n"
    )
    written = (project / "cases" / "old.expected.json").read_text(encoding="utf-8")
    assert json.loads(written) == OLD_EXPECTED
    assert list(json.loads(written)) == ["output", "logs", "error"]  # the documented order, whatever JS did
    again = cfmock_process("test", "redirect.js", "cases", cwd=project)
    assert (again.returncode, again.stdout) == (0, "PASS old\nPASS other\n2 passed, 0 failed\n")
    # Nothing changed: --update writes nothing and says nothing about writing.
    unchanged = cfmock_process("test", "redirect.js", "cases", "--update", cwd=project)
    assert unchanged.stdout == "PASS old\nPASS other\n2 passed, 0 failed\n"


def test_a_failing_case_prints_a_unified_diff(project: Path) -> None:
    assert cfmock_process("test", "redirect.js", "cases", "--update", cwd=project).returncode == 0
    write(project / "redirect.js", REDIRECT.replace("'/new'", "'/newer'"))
    done = cfmock_process("test", "redirect.js", "cases", cwd=project)
    assert done.returncode == 1
    assert done.stdout == (
        "FAIL old\n"
        "    --- old.expected.json\n"
        "    +++ old (actual)\n"
        "    @@ -4,7 +4,7 @@\n"
        '           "cookies": {},\n'
        '           "headers": {\n'
        '             "location": {\n'
        '    -          "value": "/new"\n'
        '    +          "value": "/newer"\n'
        "             }\n"
        "           },\n"
        '           "statusCode": 301,\n'
        "PASS other\n"
        "1 passed, 1 failed\n"
    )


def test_only_the_keys_present_are_compared_and_update_keeps_that_choice(project: Path) -> None:
    write(project / "cases" / "old.expected.json", {"logs": ["uri /old"]})
    write(project / "cases" / "other.expected.json", {"output": {"request": {"uri": "/other"}}})
    done = cfmock_process("test", "redirect.js", "cases", cwd=project)
    assert done.returncode == 1
    assert done.stdout.startswith("PASS old\nFAIL other\n    --- other.expected.json\n")
    assert '+      "cookies": {},' in done.stdout  # the whole actual output, against the partial one expected
    assert cfmock_process("test", "redirect.js", "cases", "--update", cwd=project).returncode == 0
    assert json.loads((project / "cases" / "old.expected.json").read_text()) == {"logs": ["uri /old"]}
    other = json.loads((project / "cases" / "other.expected.json").read_text())
    assert list(other) == ["output"] and other["output"]["request"]["uri"] == "/other"


def test_function_errors_are_compared_without_cloudfronts_prefix(project: Path) -> None:
    write(project / "bad.js", "function handler(event) { console.log('before'); throw new Error('boom'); }")
    assert cfmock_process("test", "bad.js", "cases", "--update", cwd=project).returncode == 0
    written = json.loads((project / "cases" / "old.expected.json").read_text())
    assert written == {"output": None, "logs": ["before"], "error": "Error: boom"}
    # An expectation on the output alone: the diff says why there is none.
    write(project / "cases" / "old.expected.json", {"output": OLD_EXPECTED["output"]})
    done = cfmock_process("test", "bad.js", "cases", cwd=project)
    assert done.returncode == 1
    assert '+  "output": null' in done.stdout
    assert "    (the function failed: Error: boom)\n" in done.stdout


def test_bad_cases_fail_alone_and_the_run_goes_on(project: Path) -> None:
    write(project / "cases" / "old.expected.json", {"output": None, "status": 1})
    write(project / "cases" / "broken.event.json", "{not json")
    write(project / "cases" / "broken.expected.json", {"error": None})
    write(project / "cases" / "empty.event.json", OTHER)
    write(project / "cases" / "empty.expected.json", {})
    write(project / "cases" / "stray.expected.json", {"logs": []})
    write(project / "cases" / "README.md", "not a case")
    done = cfmock_process("test", "redirect.js", "cases", cwd=project)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == "FAIL broken"
    assert lines[1].startswith("    invalid event broken.event.json: ")
    assert lines[2:4] == [
        "FAIL empty",
        "    empty.expected.json compares nothing: give at least one of output, logs, error",
    ]
    assert lines[4:6] == [
        "FAIL old",
        "    old.expected.json has unknown keys ['status']; it may hold output, logs, error",
    ]
    assert lines[6].startswith("FAIL other") and lines[7].startswith("    no other.expected.json")
    assert lines[8:] == [
        "FAIL stray.expected.json",
        "    no stray.event.json: this expected file belongs to no case",
        "0 passed, 5 failed",
    ]


def test_connection_functions_with_a_store(tmp_path: Path) -> None:
    write(tmp_path / "check.js", CONNECTION_CODE)
    write(tmp_path / "blocked.json", {"data": [{"key": "203.0.113.9", "value": "abuse"}]})
    write(tmp_path / "cases" / "blocked.event.json", {"clientIp": "203.0.113.9"})
    write(tmp_path / "cases" / "allowed.event.json", {"clientIp": "192.0.2.1"})
    command = ["test", "check.js", "cases", "--connection", "--kvs", "blocked.json"]
    assert cfmock_process(*command, "--update", cwd=tmp_path).returncode == 0
    assert json.loads((tmp_path / "cases" / "blocked.expected.json").read_text()) == {
        "output": {"action": "deny", "customData": "blocked 203.0.113.9"},
        "logs": [],
        "error": None,
    }
    assert json.loads((tmp_path / "cases" / "allowed.expected.json").read_text())["output"] == {
        "action": "allow",
        "customData": None,
    }
    done = cfmock_process(*command, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "PASS allowed\nPASS blocked\n2 passed, 0 failed\n")
    # The store is part of the command to repeat: the hint says so.
    (tmp_path / "cases" / "allowed.expected.json").unlink()
    done = cfmock_process(*command, cwd=tmp_path)
    assert "`cfmock test check.js cases --connection --kvs blocked.json --update`" in done.stdout


def test_forgetting_connection_says_so(tmp_path: Path) -> None:
    write(tmp_path / "check.js", CONNECTION_CODE)
    write(tmp_path / "cases" / "a.event.json", {"request": {"uri": "/"}})
    write(tmp_path / "cases" / "a.expected.json", {"error": None})
    done = cfmock_process("test", "check.js", "cases", cwd=tmp_path)
    assert done.returncode == 1
    assert "(hint: this code defines connectionHandler, not handler: it is a connection function" in done.stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.js", "cases"], "cfmock: no function file missing.js\n"),
        (["redirect.js", "nowhere"], "cfmock: no nowhere\n"),
        (["redirect.js", "redirect.js"], "cfmock: redirect.js is not a directory of cases\n"),
        (["redirect.js", "empty"], "cfmock: empty holds no case: a case is a NAME.event.json file\n"),
        (["redirect.js", "cases", "--kvs", "nope.json"], "cfmock: no key value store file nope.json\n"),
        (["redirect.js", "cases", "--now", "yesterday"], "cfmock: invalid time 'yesterday': give an ISO 8601 time"),
        (["redirect.js", "cases", "--connection", "--runtime", "cloudfront-js-1.0"], "connection functions run only"),
    ],
    ids=["no-function", "no-directory", "not-a-directory", "empty", "no-kvs", "bad-now", "connection-runtime-1"],
)
def test_usage_errors_exit_2(project: Path, argv: list[str], message: str) -> None:
    (project / "empty").mkdir()
    done = cfmock_process("test", *argv, cwd=project)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(message) if message.startswith("cfmock") else message in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_arguments_exit_2(project: Path) -> None:
    done = cfmock_process("test", "redirect.js", cwd=project)
    assert done.returncode == 2 and "CASES" in done.stderr.upper()


def test_now_fixes_the_clock_of_every_case(tmp_path: Path) -> None:
    write(tmp_path / "expiry.js", "function handler(e) { console.log(new Date().toISOString()); return e.request; }")
    write(tmp_path / "cases" / "a.event.json", OLD)
    write(tmp_path / "cases" / "a.expected.json", {"logs": ["2030-06-01T12:00:00.000Z"]})
    done = cfmock_process("test", "expiry.js", "cases", "--now", "2030-06-01T12:00:00Z", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "PASS a\n1 passed, 0 failed\n")
    later = cfmock_process("test", "expiry.js", "cases", "--now", "2030-06-01T12:00:01Z", cwd=tmp_path)
    assert later.returncode == 1
    assert '+    "2030-06-01T12:00:01.000Z"' in later.stdout
    # The clock is part of the command to repeat.
    (tmp_path / "cases" / "a.expected.json").unlink()
    again = cfmock_process("test", "expiry.js", "cases", "--now", "2030-06-01T12:00:00Z", cwd=tmp_path)
    assert "`cfmock test expiry.js cases --now 2030-06-01T12:00:00Z --update`" in again.stdout


def test_runtime_applies_to_every_case(tmp_path: Path) -> None:
    """decisions 26: code that 2.0 runs, 1.0 refuses; the refusal is the case's error."""
    write(tmp_path / "f.js", "function handler(event) { const r = event.request; return r; }")
    write(tmp_path / "cases" / "a.event.json", OLD)
    write(tmp_path / "cases" / "a.expected.json", {"error": None})
    assert cfmock_process("test", "f.js", "cases", "--runtime", "cloudfront-js-2.0", cwd=tmp_path).returncode == 0
    done = cfmock_process("test", "f.js", "cases", "--runtime", "cloudfront-js-1.0", cwd=tmp_path)
    assert done.returncode == 1
    assert '+  "error": "SyntaxError: Token \\"const\\" not supported in this version"' in done.stdout
