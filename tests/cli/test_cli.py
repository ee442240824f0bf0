"""``cfmock run FILE.js --event EVENT.json`` (cfmock/cli.py): what TestFunction would report, offline.

Exit status: 0 when the function ran, 1 on a function error, 2 on bad input (a missing file, an invalid
event, an unusable --kvs file). Errors are worded as runtime.md §5.3 / decisions 24 say.
"""

from __future__ import annotations

import _thread
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from cli_process import cfmock_process

from cfmock.cli import main

PREFIX = "The CloudFront function associated with the CloudFront distribution is invalid or could not run. "
EVENT = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/old", "headers": {"host": {"value": "example.org"}}},
}
REDIRECT = """function handler(event) {
    console.log('redirecting ' + event.request.uri);
    return { statusCode: 301, statusDescription: 'Moved Permanently',
             headers: { location: { value: '/new' } } };
}
"""
REDIRECT_OUTPUT = {
    "response": {
        "headers": {"location": {"value": "/new"}},
        "statusDescription": "Moved Permanently",
        "cookies": {},
        "statusCode": 301,
    }
}
FAILING = "function handler(event) { console.log('before'); throw new Error('thrown error'); }\n"
CONNECTION_CODE = """function connectionHandler(connection) {
    console.log('client ' + connection.clientIp);
    connection.logCustomData('seen');
    return connection.allow();
}
"""
CONNECTION = {"connectionId": "c1", "clientIp": "203.0.113.42", "endpoint": "d.cloudfront.net", "distributionId": "E1"}
KVS_CODE = """import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
    const request = event.request;
    const target = await kvs.get(request.uri);
    console.log('kvs says ' + target);
    request.uri = target;
    return request;
}
"""


def write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["run", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# -- success -------------------------------------------------------------------------------------------------


def test_readable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, event = write(tmp_path, "f.js", REDIRECT), write(tmp_path, "e.json", EVENT)
    status, out, err = cli(capsys, code, "--event", event)
    assert status == 0
    assert err == ""
    assert "ComputeUtilization: " in out
    assert "Logs:" in out and "redirecting /old" in out
    assert "Output:" in out
    assert json.loads(out[out.index("Output:") + len("Output:") :]) == REDIRECT_OUTPUT
    assert "Error" not in out


def test_json_output_is_parseable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, event = write(tmp_path, "f.js", REDIRECT), write(tmp_path, "e.json", EVENT)
    status, out, _ = cli(capsys, code, "--event", event, "--json")
    assert status == 0
    data = json.loads(out)
    assert data["output"] == REDIRECT_OUTPUT
    assert data["logs"] == ["redirecting /old"]
    assert data["error_message"] == ""
    assert isinstance(data["compute_utilization"], int) and 0 <= data["compute_utilization"] <= 100


def test_connection_function(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, conn = write(tmp_path, "c.js", CONNECTION_CODE), write(tmp_path, "conn.json", CONNECTION)
    status, out, _ = cli(capsys, code, "--event", conn, "--connection")
    assert status == 0
    assert "client 203.0.113.42" in out
    assert '{"action":"allow","customData":"seen"}' in out
    status, out, _ = cli(capsys, code, "--event", conn, "--connection", "--json")
    data = json.loads(out)
    assert data["output"] == {"action": "allow", "customData": "seen"}
    assert data["logs"] == ["client 203.0.113.42"]


def test_connection_function_without_the_flag_finds_no_handler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, event = write(tmp_path, "c.js", CONNECTION_CODE), write(tmp_path, "e.json", EVENT)
    status, out, _ = cli(capsys, code, "--event", event)
    assert status == 1
    assert PREFIX in out and "handler" in out


def test_runtime_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """decisions 26: the same code runs on 2.0 and is refused by 1.0."""
    code = write(tmp_path, "f.js", "function handler(event) { const r = event.request; return r; }")
    event = write(tmp_path, "e.json", EVENT)
    assert cli(capsys, code, "--event", event, "--runtime", "cloudfront-js-2.0")[0] == 0
    status, out, _ = cli(capsys, code, "--event", event, "--runtime", "cloudfront-js-1.0", "--json")
    assert status == 1
    assert json.loads(out)["error_message"] == PREFIX + 'SyntaxError: Token "const" not supported in this version'


def test_unknown_runtime_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, event = write(tmp_path, "f.js", REDIRECT), write(tmp_path, "e.json", EVENT)
    with pytest.raises(SystemExit) as excinfo:
        main(["run", code, "--event", event, "--runtime", "cloudfront-js-3.0"])
    assert excinfo.value.code == 2
    assert "cloudfront-js-3.0" in capsys.readouterr().err


def test_kvs_import_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, event = write(tmp_path, "f.js", KVS_CODE), write(tmp_path, "e.json", EVENT)
    kvs = write(tmp_path, "kvs.json", {"data": [{"key": "/old", "value": "/from-kvs"}]})
    status, out, _ = cli(capsys, code, "--event", event, "--kvs", kvs, "--json")
    assert status == 0
    data = json.loads(out)
    assert data["logs"] == ["kvs says /from-kvs"]
    assert data["output"]["request"]["uri"] == "/from-kvs"
    # A key the store lacks: the function's promise rejects, a function error (decisions 37).
    other = write(tmp_path, "other.json", {"data": [{"key": "/elsewhere", "value": "x"}]})
    status, out, _ = cli(capsys, code, "--event", event, "--kvs", other)
    assert status == 1
    assert "Error: " + PREFIX + "KeyNotFound" in out


# -- function errors: exit 1 ----------------------------------------------------------------------------------


def test_function_error_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, event = write(tmp_path, "f.js", FAILING), write(tmp_path, "e.json", EVENT)
    status, out, _ = cli(capsys, code, "--event", event)
    assert status == 1
    assert "Error: " + PREFIX + "Error: thrown error" in out
    assert "before" in out
    status, out, _ = cli(capsys, code, "--event", event, "--json")
    assert status == 1
    data = json.loads(out)
    assert data["error_message"] == PREFIX + "Error: thrown error"
    assert data["output"] is None
    assert data["logs"] == ["before"]


def test_connection_function_error_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = write(tmp_path, "c.js", "function connectionHandler(c) { return c.clientCertificate.certificates; }")
    conn = write(tmp_path, "conn.json", CONNECTION)
    status, out, _ = cli(capsys, code, "--event", conn, "--connection")
    assert status == 1
    assert PREFIX + 'TypeError: cannot get property "certificates" of undefined' in out


# -- bad input: exit 2 ----------------------------------------------------------------------------------------


def test_ctrl_c_stops_a_spinning_function_and_exits_130(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], python_handles_ctrl_c: None
) -> None:
    # The run's hard limit is 1 s; Ctrl-C stops the function at once, and the command exits as shells expect
    # after SIGINT, without a traceback.
    code = write(tmp_path, "spin.js", "function handler(event) { while (true) {} }\n")
    event = write(tmp_path, "e.json", EVENT)
    timer = threading.Timer(0.2, _thread.interrupt_main)
    cpu = time.thread_time()
    timer.start()
    try:
        status, out, err = cli(capsys, code, "--event", event)
    except KeyboardInterrupt:
        pytest.fail("the KeyboardInterrupt escaped the command")
    finally:
        timer.cancel()
    assert (status, out, err) == (130, "", "cfmock: interrupted\n")
    from cfmock.runtime import engine

    # This thread's CPU time, which the hard limit counts too: waiting out the 1 s limit would use >= 1 s of it
    # however busy the machine is, while wall time also grows with the load (0.44 s seen on a loaded machine).
    if engine.fast_path():
        assert time.thread_time() - cpu < 0.9
    else:  # the plain path stops the code at the binding's 1 s CPU-time limit, then raises Ctrl-C
        assert time.thread_time() - cpu < 1.6


def test_missing_code_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, str(tmp_path / "nope.js"), "--event", write(tmp_path, "e.json", EVENT))
    assert status == 2
    assert out == ""
    assert err == f"cfmock: no function file {tmp_path / 'nope.js'}\n"  # not a raw [Errno 2]


def test_missing_event_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, write(tmp_path, "f.js", REDIRECT), "--event", str(tmp_path / "nope.json"))
    assert status == 2
    assert out == "" and "nope.json" in err


def test_missing_kvs_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, event = write(tmp_path, "f.js", KVS_CODE), write(tmp_path, "e.json", EVENT)
    status, _, err = cli(capsys, code, "--event", event, "--kvs", str(tmp_path / "nope.json"))
    assert status == 2 and err == f"cfmock: no key value store file {tmp_path / 'nope.json'}\n"


@pytest.mark.parametrize(
    "event",
    [
        "not json",
        "[1, 2]",
        '{"context": {"eventType": "viewer-request"}}',
        json.dumps({**EVENT, "pad": "x" * 41_000}),
        json.dumps(EVENT)[:-1] + ', "deep": ' + '{"a":' * 5000 + "1" + "}" * 5000 + "}",  # 30 KB, within the limit
    ],
    ids=["non-json", "array", "no-request", "too-big", "too-deep"],
)
def test_invalid_event_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], event: str) -> None:
    status, out, err = cli(capsys, write(tmp_path, "f.js", REDIRECT), "--event", write(tmp_path, "e.json", event))
    assert status == 2
    assert out == ""
    assert err.startswith("cfmock: invalid input: ")


def test_invalid_connection_object_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = write(tmp_path, "c.js", CONNECTION_CODE)
    status, _, err = cli(capsys, code, "--event", write(tmp_path, "c.json", '{"clientIp": 5}'), "--connection")
    assert status == 2 and err.startswith("cfmock: invalid input: ")


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"data": 5}',
        '{"data": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}',
        '{"data": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
    ids=["non-json", "not-a-list", "duplicate-key", "too-deep"],
)
def test_invalid_kvs_import_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> None:
    """A bad --kvs file is bad input (exit 2, one ``cfmock: invalid input: …`` line), not a traceback."""
    code, event = write(tmp_path, "f.js", KVS_CODE), write(tmp_path, "e.json", EVENT)
    kvs = write(tmp_path, "kvs.json", content)
    status, out, err = cli(capsys, code, "--event", event, "--kvs", kvs)
    assert status == 2
    assert out == ""
    assert err.startswith("cfmock: invalid input: ")


def test_event_file_that_is_not_utf8_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An event file that cannot be decoded is an invalid event (exit 2), not a traceback."""
    event = write(tmp_path, "e.json", b'{"request": {"uri": "/\xff"}}')
    status, out, err = cli(capsys, write(tmp_path, "f.js", REDIRECT), "--event", event)
    assert status == 2
    assert out == "" and err.startswith("cfmock: ")


def test_connection_with_runtime_1_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """runtime.md §2.1 / decisions 21: connection functions run only on cloudfront-js-2.0."""
    code, conn = write(tmp_path, "c.js", CONNECTION_CODE), write(tmp_path, "conn.json", CONNECTION)
    status, out, err = cli(capsys, code, "--event", conn, "--connection", "--runtime", "cloudfront-js-1.0")
    assert status == 2
    assert out == "" and "cloudfront-js-1.0" in err


def test_event_is_required(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as excinfo:
        main(["run", write(tmp_path, "f.js", REDIRECT)])
    assert excinfo.value.code == 2
    assert "--event" in capsys.readouterr().err


# -- as a process -----------------------------------------------------------------------------------------------


def test_python_m_cfmock_run_in_a_subprocess(tmp_path: Path) -> None:
    code, event = write(tmp_path, "f.js", REDIRECT), write(tmp_path, "e.json", EVENT)
    failing = write(tmp_path, "bad.js", FAILING)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    ok = subprocess.run(
        [sys.executable, "-m", "cfmock", "run", code, "--event", event, "--json"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["output"] == REDIRECT_OUTPUT
    bad = subprocess.run(
        [sys.executable, "-m", "cfmock", "run", failing, "--event", event],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 1, bad.stderr
    assert PREFIX + "Error: thrown error" in bad.stdout
    assert "Traceback" not in bad.stderr


def test_run_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """A short output is written only when flushed: that must happen inside the CLI, not at interpreter exit."""
    reader, writer = os.pipe()
    os.close(reader)
    code, event = write(tmp_path, "f.js", REDIRECT), write(tmp_path, "e.json", EVENT)
    with subprocess.Popen(
        [sys.executable, "-m", "cfmock", "run", code, "--event", event],
        stdout=writer,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # a pipe is block-buffered then
    ) as process:
        os.close(writer)
        _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (141, b"")


# -- --event from anywhere, --now, the --connection hint: as a process --------------------------------------------


def test_event_from_standard_input(tmp_path: Path) -> None:
    write(tmp_path, "f.js", REDIRECT)
    done = cfmock_process("run", "f.js", "--event", "-", "--json", cwd=tmp_path, stdin=json.dumps(EVENT))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["output"] == REDIRECT_OUTPUT
    empty = cfmock_process("run", "f.js", "--event", "-", cwd=tmp_path, stdin="")
    assert empty.returncode == 2 and empty.stderr.startswith("cfmock: invalid input: ")


def test_inline_event_json(tmp_path: Path) -> None:
    write(tmp_path, "f.js", REDIRECT)
    done = cfmock_process("run", "f.js", "--event", json.dumps(EVENT), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["logs"] == ["redirecting /old"]
    not_an_object = cfmock_process("run", "f.js", "--event", "[1, 2]", cwd=tmp_path)
    assert not_an_object.returncode == 2 and not_an_object.stderr.startswith("cfmock: invalid input: ")


def test_event_that_is_a_directory_or_missing_says_what_event_takes(tmp_path: Path) -> None:
    write(tmp_path, "f.js", REDIRECT)
    (tmp_path / "cases").mkdir()
    directory = cfmock_process("run", "f.js", "--event", "cases", cwd=tmp_path)
    assert (directory.returncode, directory.stdout) == (2, "")
    assert directory.stderr == (
        "cfmock: --event cases is a directory; to run every NAME.event.json in it, use "
        "`cfmock test FILE.js DIRECTORY`\n"
    )
    missing = cfmock_process("run", "f.js", "--event", "nope.json", cwd=tmp_path)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == (
        "cfmock: --event nope.json: no such file (--event takes a JSON file, - for standard input, or inline JSON)\n"
    )
    assert "Errno" not in directory.stderr + missing.stderr


def test_json_output_is_an_object_and_null_after_an_error(tmp_path: Path) -> None:
    write(tmp_path, "bad.js", FAILING)
    done = cfmock_process("run", "bad.js", "--event", json.dumps(EVENT), "--json", cwd=tmp_path)
    assert done.returncode == 1
    assert json.loads(done.stdout)["output"] is None
    write(tmp_path, "c.js", CONNECTION_CODE)
    done = cfmock_process("run", "c.js", "--event", json.dumps(CONNECTION), "--connection", "--json", cwd=tmp_path)
    assert json.loads(done.stdout)["output"] == {"action": "allow", "customData": "seen"}


def test_forgetting_connection_says_so(tmp_path: Path) -> None:
    write(tmp_path, "c.js", CONNECTION_CODE)
    done = cfmock_process("run", "c.js", "--event", json.dumps(EVENT), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        "cfmock: this code defines connectionHandler, not handler: it is a connection function (use --connection)\n"
    )
    write(tmp_path, "f.js", REDIRECT)
    done = cfmock_process("run", "f.js", "--event", json.dumps(CONNECTION), "--connection", cwd=tmp_path)
    assert done.returncode == 1
    assert "it is a viewer function (drop --connection)" in done.stderr
    # A viewer function that simply fails gets no such hint.
    write(tmp_path, "bad.js", FAILING)
    assert cfmock_process("run", "bad.js", "--event", json.dumps(EVENT), cwd=tmp_path).stderr == ""


def test_invalid_now_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path, "f.js", REDIRECT)
    done = cfmock_process("run", "f.js", "--event", json.dumps(EVENT), "--now", "tomorrow", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("cfmock: invalid time 'tomorrow': give an ISO 8601 time")


CLOCK = """function handler(event) {
    var now = new Date();
    console.log('now ' + now.toISOString() + ' ' + Date.now());
    return event.request;
}
"""


@pytest.mark.parametrize(
    ("given", "seen"),
    [
        ("2030-01-01T00:00:00Z", "2030-01-01T00:00:00.000Z 1893456000000"),
        ("2029-12-31T23:00:00.250-02:00", "2030-01-01T01:00:00.250Z 1893459600250"),
        ("2030-01-01 00:00", "2030-01-01T00:00:00.000Z 1893456000000"),  # no offset: UTC
    ],
)
def test_now_sets_the_function_clock(tmp_path: Path, given: str, seen: str) -> None:
    write(tmp_path, "clock.js", CLOCK)
    done = cfmock_process("run", "clock.js", "--event", json.dumps(EVENT), "--now", given, "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["logs"] == [f"now {seen}"]


def test_now_sets_the_connection_function_clock(tmp_path: Path) -> None:
    write(tmp_path, "c.js", "function connectionHandler(c) { console.log(Date.now()); c.allow(); }")
    done = cfmock_process(
        "run", "c.js", "--event", json.dumps(CONNECTION), "--connection", "--now", "1970-01-01T00:00:01Z", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "  1000\n" in done.stdout


def test_without_now_the_clock_is_the_real_time(tmp_path: Path) -> None:
    write(tmp_path, "clock.js", CLOCK)
    before = time.time() * 1000
    done = cfmock_process("run", "clock.js", "--event", json.dumps(EVENT), "--json", cwd=tmp_path)
    seen = int(json.loads(done.stdout)["logs"][0].rsplit(" ", 1)[1])
    assert before <= seen <= time.time() * 1000
