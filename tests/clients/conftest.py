"""Fixtures for the real-client tests: one `cfmock server` subprocess for the session, reset before each test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from clients_support import ACCOUNT, REPO, START_TIMEOUT, ServerProcess


@pytest.fixture(scope="session")
def cfmock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    port_file = tmp_path_factory.mktemp("cfmock-server") / "port"
    log = port_file.with_name("server.log")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    with log.open("w") as log_stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "cfmock", "server", "--host", "127.0.0.1", "--port", "0",
             "--port-file", str(port_file), "--account-id", ACCOUNT],
            stdout=log_stream, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO,
        )  # fmt: skip
    deadline = time.monotonic() + START_TIMEOUT
    while not (port_file.exists() and port_file.read_text().strip()):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"cfmock server did not start:\n{log.read_text()}", pytrace=False)
        time.sleep(0.02)
    server = ServerProcess(int(port_file.read_text().strip()), process)
    try:
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            raise


@pytest.fixture
def server(cfmock_server: ServerProcess) -> Iterator[ServerProcess]:
    """The session's server, reset before the test; after it, the test must have left nothing behind."""
    if cfmock_server.process.poll() is not None:
        pytest.fail("cfmock server has exited", pytrace=False)
    cfmock_server.reset()
    yield cfmock_server
    assert cfmock_server.process.poll() is None, "cfmock server died during the test"
    state = cfmock_server.state()
    leftovers = {name: items for name, items in state.items() if isinstance(items, dict | list) and items}
    assert not leftovers, f"the test left resources on the server: {leftovers}"
