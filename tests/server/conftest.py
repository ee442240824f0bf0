"""Fixtures for the server's tests: the plugin's session server, reset around every test, and clients on it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import boto3
import botocore
import pytest
from botocore.config import Config

CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}


@pytest.fixture
def server(cloudfront_server: Any) -> Iterator[Any]:
    """The session's server (cfmock's ``cloudfront_server`` fixture), empty at the start of each test."""
    cloudfront_server.backend.reset()
    yield cloudfront_server


@pytest.fixture
def cf(server: Any) -> Any:
    """A real boto3 CloudFront client pointed at the server by ``endpoint_url``."""
    return boto3.client("cloudfront", endpoint_url=server.endpoint, **CREDENTIALS)


@pytest.fixture
def kvs(server: Any) -> Any:
    """A real boto3 KeyValueStore data-plane client. botocore rewrites its endpoint to
    ``<account>.127.0.0.1:PORT``, which never resolves: the server is its HTTP proxy, as the docs advise. No CRT
    is installed here, so the client does not sign (SigV4A needs awscrt); the server verifies no signature."""
    config = Config(signature_version=botocore.UNSIGNED, proxies={"http": server.endpoint}, retries={"max_attempts": 1})
    return boto3.client("cloudfront-keyvaluestore", endpoint_url=server.endpoint, config=config, **CREDENTIALS)


def exchange(port: int, data: bytes, *, timeout: float = 10.0) -> bytes:
    """Send raw bytes on a fresh loopback connection, end the sending side (so a truncated request is truncated,
    not merely slow), and read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)
