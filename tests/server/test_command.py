"""``cfmock server`` as a real subprocess: options, the banner, the port file, SIGINT and SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], int]:
    port_file = tmp_path / "port"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "cfmock", "server", "--port", "0", "--port-file", str(port_file), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 30
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the server did not start: {process.communicate()}")
        time.sleep(0.02)
    return process, int(port_file.read_text())


def get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return dict(json.loads(answer.read()))


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serves_prints_the_setup_lines_and_stops_cleanly(tmp_path: Path, stop_signal: signal.Signals) -> None:
    process, port = start(tmp_path, "--account-id", "111122223333")
    health = get_json(f"http://127.0.0.1:{port}/_cfmock/health")
    assert health["status"] == "ok" and health["account_id"] == "111122223333"
    process.send_signal(stop_signal)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    lines = stdout.splitlines()
    assert f"export AWS_ENDPOINT_URL_CLOUDFRONT=http://127.0.0.1:{port}" in lines
    assert f"export AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE=http://127.0.0.1:{port}" in lines
    assert any(f"HTTP_PROXY=http://127.0.0.1:{port}" in line for line in lines)
    assert all(line.startswith(("export ", "#")) for line in lines)  # the whole output can be sourced
    assert "Traceback" not in stderr
    assert not (tmp_path / "port").exists()  # removed at a clean stop, so no script reads a stale port


def test_the_default_port_is_documented_and_used(tmp_path: Path) -> None:
    from cfmock.server import DEFAULT_PORT

    help_text = subprocess.run(
        [sys.executable, "-m", "cfmock", "server", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    ).stdout
    assert str(DEFAULT_PORT) in help_text
    assert f"| `--port` | `{DEFAULT_PORT}` |" in (ROOT / "docs" / "server.md").read_text()
    port_file = tmp_path / "port"
    process = subprocess.Popen(
        [sys.executable, "-m", "cfmock", "server", "--port-file", str(port_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 30
    while not port_file.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if port_file.exists():
        assert int(port_file.read_text()) == DEFAULT_PORT
        process.terminate()
        assert process.communicate(timeout=30) and process.returncode == 0
    else:  # something on this machine already listens there: the error names the default port
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 1 and f"127.0.0.1:{DEFAULT_PORT}" in stderr


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    process, port = start(tmp_path)
    try:
        second = subprocess.run(
            [sys.executable, "-m", "cfmock", "server", "--port", str(port)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=60,
        )
        assert second.returncode == 1
        assert f"cannot listen on 127.0.0.1:{port}" in second.stderr
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_an_invalid_account_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cfmock", "server", "--port", "0", "--account-id", "12"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.returncode == 2
    assert "account_id must be 12 digits" in result.stderr


@pytest.mark.parametrize("port", ["70000", "-1", "x"])
def test_an_invalid_port_is_a_usage_error(port: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cfmock", "server", "--port", port],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.returncode == 2
    assert "is not a port number" in result.stderr


def test_the_endpoint_of_a_wildcard_listener_is_loopback() -> None:
    from cfmock.server import Backend, RunningServer

    assert RunningServer("0.0.0.0", 7457, Backend()).endpoint == "http://127.0.0.1:7457"
    assert RunningServer("::1", 7457, Backend()).endpoint == "http://[::1]:7457"


def test_an_unwritable_port_file_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cfmock", "server", "--port", "0", "--port-file", str(tmp_path / "no" / "such" / "dir")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.returncode == 1
    assert "cannot write the port file" in result.stderr and "Traceback" not in result.stderr


def test_verbose_logs_each_request_on_stderr(tmp_path: Path) -> None:
    process, port = start(tmp_path, "--verbose")
    get_json(f"http://127.0.0.1:{port}/_cfmock/health")
    process.terminate()
    _, stderr = process.communicate(timeout=30)
    assert "GET /_cfmock/health -> 200" in stderr
