"""``python -m cfmock demo`` (cfmock/demo.py): a printed tour that needs no AWS account, config or network.

It shows decisions 2 (ETVPDKIKX0DER, E3UN6WX5RRO2AG), the PreconditionFailed 412 of a stale If-Match
(api.md §4.6) and the connection functions of api.md §5.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cfmock.demo import run_demo


def check_tour(text: str) -> None:
    assert "CloudFront Functions" in text
    assert "PreconditionFailed (HTTP 412)" in text
    assert "ETVPDKIKX0DER" in text
    assert "E3UN6WX5RRO2AG" in text
    assert "NoSuchFunctionExists (HTTP 404)" in text
    functions = text.index("== CloudFront Functions")
    connections = text.index("== Connection Functions")
    assert functions < connections
    connection_part = text[connections:]
    assert "create_connection_function" in connection_part
    assert "arn:aws:cloudfront::123456789012:connection-function/" in connection_part
    assert "The mock is gone" in text


def test_python_m_cfmock_demo_needs_no_aws_config(tmp_path: Path) -> None:
    """Only PATH and an empty HOME: no credentials, no region, no ~/.aws."""
    home = tmp_path / "home"
    home.mkdir()
    import os

    result = subprocess.run(
        [sys.executable, "-m", "cfmock", "demo"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(home)},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    check_tour(result.stdout)
    assert list(home.iterdir()) == []  # nothing written to HOME either


def test_demo_opens_no_network_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tour runs with every socket connection and name lookup refused."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network use is forbidden in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    lines: list[str] = []
    run_demo(lines.append)
    assert attempts == []
    check_tour("\n".join(lines))


def test_a_reader_that_leaves_gets_no_traceback(tmp_path: Path) -> None:
    """`cfmock demo | head -1`: a closed pipe ends the tour quietly with 141 (128 + SIGPIPE), as other tools do.

    The read end is closed before the tour starts, so the failure is certain rather than a race with the
    reader (Python buffers a piped stdout and may write it all at once)."""
    import os

    reader, writer = os.pipe()
    os.close(reader)
    with subprocess.Popen(
        [sys.executable, "-m", "cfmock", "demo"],
        stdout=writer,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # as in most shells
    ) as process:
        os.close(writer)
        _, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (141, b"")
