"""The AWS SDK for JavaScript v3 (Node, packages pinned by js/package-lock.json) against `cfmock server`.

The scenarios and their assertions live in js/lifecycle.mjs; each test runs one of them in a real `node` process
configured as docs/clients.md tells a user, and checks that it finished and left nothing on the server.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from clients_support import HERE, ServerProcess, missing_client, which_or_missing

JS = HERE / "js"
SCENARIOS = ("function cloudfront-js-1.0", "function cloudfront-js-2.0", "connection function", "key value store")


@pytest.fixture
def node() -> str:
    found = which_or_missing("node")
    if not (JS / "node_modules" / "@aws-sdk" / "client-cloudfront-keyvaluestore").is_dir():
        missing_client(f"the JavaScript SDK is not installed in {JS}; run tests/clients/install.sh")
    return found


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_lifecycle(node: str, server: ServerProcess, scenario: str) -> None:
    done = subprocess.run(
        [node, "lifecycle.mjs", scenario],
        cwd=JS, env=server.client_env(), capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, f"node lifecycle.mjs {scenario!r} failed:\n{done.stdout}\n{done.stderr}"
    finished = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert [(line["scenario"], line["ok"]) for line in finished] == [(scenario, True)]
