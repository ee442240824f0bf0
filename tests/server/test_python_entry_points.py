"""From Python: the ``cloudfront_server`` fixture, the ``running_server`` context manager, a light plugin."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time

import pytest

from cfmock.server import running_server

pytest_plugins = ["pytester"]


def test_the_session_fixture_serves_every_test_of_the_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_generated=textwrap.dedent(
            """
            import boto3

            PORTS = []

            def client(server):
                return boto3.client("cloudfront", endpoint_url=server.endpoint, region_name="us-east-1",
                                    aws_access_key_id="a", aws_secret_access_key="b")

            def test_first(cloudfront_server):
                PORTS.append(cloudfront_server.port)
                assert cloudfront_server.endpoint == f"http://127.0.0.1:{cloudfront_server.port}"
                client(cloudfront_server).create_key_value_store(Name="kept")

            def test_second_shares_it(cloudfront_server):
                assert PORTS == [cloudfront_server.port]
                assert "kept" in cloudfront_server.backend.key_value_stores
                env = cloudfront_server.environment()
                assert env["HTTP_PROXY"] == cloudfront_server.endpoint
                assert env["AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE"] == cloudfront_server.endpoint
                cloudfront_server.backend.reset()
                assert client(cloudfront_server).list_key_value_stores()["KeyValueStoreList"]["Quantity"] == 0
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    heavy = "('botocore', 'quickjs', 'cfmock.server')"
    code = f"import sys, cfmock.pytest_plugin; print(sorted(m for m in {heavy} if m in sys.modules))"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    )


def test_the_context_manager_stops_even_with_idle_keep_alive_connections() -> None:
    with running_server(account_id="111122223333") as server:
        idle = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        idle.sendall(b"GET /_cfmock/health HTTP/1.1\r\n\r\n")
        assert idle.recv(65536).startswith(b"HTTP/1.1 200 ")
        assert server.backend.account_id == "111122223333"
        began = time.monotonic()
    assert time.monotonic() - began < 5  # the idle connection did not hold the server up
    assert idle.recv(65536) == b""  # the server closed it
    idle.close()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass


def test_servers_are_independent() -> None:
    with running_server() as first, running_server() as second:
        first.backend.key_value_stores.create("only-in-first")
        assert first.port != second.port
        assert "only-in-first" not in second.backend.key_value_stores
