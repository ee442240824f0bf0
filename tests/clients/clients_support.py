"""Shared by the real-client tests: the running server, the client environment, skip-or-fail.

Real clients (the AWS CLI, the AWS SDK for JavaScript v3, Terraform) against a real `cfmock server` subprocess.

The server is started once for the session with `python -m cfmock server --port 0 --port-file …`, exactly as a
user starts it. Each test resets it first and checks that nothing is left on it at the end.

A client that is not installed skips its tests with the reason and the command that installs it
(`tests/clients/install.sh`); with CFMOCK_REQUIRE_CLIENTS=1 (set by .ci/run) a missing client fails instead,
so CI always runs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ACCOUNT = "123456789012"
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
START_TIMEOUT = 30.0


def missing_client(reason: str) -> None:
    """Skip the test for a client this machine lacks, or fail it where CI demands every client."""
    if os.environ.get("CFMOCK_REQUIRE_CLIENTS") == "1":
        pytest.fail(f"{reason} (CFMOCK_REQUIRE_CLIENTS=1 demands it)", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class ServerProcess:
    """A `cfmock server` subprocess listening on 127.0.0.1:port."""

    port: int
    process: subprocess.Popen[str]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def control(self, method: str, name: str) -> Any:
        # An opener without proxies: the test process's own environment may name one.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(
            f"{self.endpoint}/_cfmock/{name}", method=method, data=b"" if method == "POST" else None
        )
        with opener.open(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def reset(self) -> None:
        self.control("POST", "reset")

    def state(self) -> Any:
        return self.control("GET", "state")

    def client_env(self) -> dict[str, str]:
        """The environment a user sets for any AWS client (docs/clients.md): endpoints, dummy keys, the proxy."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k.lower() != "no_proxy"}
        env.update(
            AWS_ENDPOINT_URL_CLOUDFRONT=self.endpoint,
            AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE=self.endpoint,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_REGION="us-east-1",
            # The data plane's host becomes <account>.127.0.0.1: the server is its own proxy, so no name is resolved.
            HTTP_PROXY=self.endpoint,
            http_proxy=self.endpoint,
            AWS_MAX_ATTEMPTS="1",
            AWS_EC2_METADATA_DISABLED="true",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        return env


def which_or_missing(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        missing_client(f"`{tool}` is not on PATH")
    assert found is not None
    return found
