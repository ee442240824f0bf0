"""The AWS CLI (awscli from PyPI, its own venv, `crt` extra for SigV4A) against `cfmock server`.

Every call is a real `aws` subprocess configured only through the environment a user sets (docs/clients.md):
AWS_ENDPOINT_URL_CLOUDFRONT, AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE and HTTP_PROXY for the data plane.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from clients_support import ACCOUNT, HERE, ServerProcess, missing_client

AWS = HERE / ".venv-awscli" / "bin" / "aws"
RUNTIMES = ("cloudfront-js-1.0", "cloudfront-js-2.0")
ERROR_LINE = re.compile(r"An error occurred \((\w+)\) when calling the (\w+) operation")

CODE_V1 = {
    "cloudfront-js-1.0": "function handler(event) { var r = event.request; r.uri = '/v1' + r.uri; return r; }",
    "cloudfront-js-2.0": "async function handler(event) { const r = event.request; r.uri = `/v1${r.uri}`; return r; }",
}
CODE_V2 = {rt: code.replace("/v1", "/v2") for rt, code in CODE_V1.items()}
# A runtime-2.0 function reading the store through cf.kvs(): the key written on the data plane reaches the runtime.
KVS_CODE = """import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  const r = event.request;
  r.uri = await kvs.get('prefix') + r.uri;
  return r;
}
"""
EVENT = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.7"},
    "request": {"method": "GET", "uri": "/index.html", "headers": {}, "cookies": {}, "querystring": {}},
}
ALLOW = "async function connectionHandler(connection) { connection.allow(); }"
DENY = "async function connectionHandler(connection) { connection.deny(); }"
CONNECTION = {"connectionId": "c1", "clientIp": "203.0.113.42"}


class AwsCli:
    """Runs `aws` against the server and decodes its JSON answers and its error lines."""

    def __init__(self, server: ServerProcess, workdir: Path) -> None:
        self.env = server.client_env()
        self.workdir = workdir

    def file(self, name: str, content: str | dict[str, Any]) -> str:
        path = self.workdir / name
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return f"fileb://{path}"

    def _run(self, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(AWS), "--output", "json", *args],
            env=self.env, cwd=self.workdir, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    def __call__(self, *args: str) -> Any:
        done = self._run(args)
        assert done.returncode == 0, f"aws {' '.join(args)} failed ({done.returncode}):\n{done.stderr}"
        return json.loads(done.stdout) if done.stdout.strip() else None

    def error(self, *args: str) -> tuple[str, str]:
        """The (error code, operation) of a call that must fail on the server's answer."""
        done = self._run(args)
        assert done.returncode != 0, f"aws {' '.join(args)} succeeded:\n{done.stdout}"
        found = ERROR_LINE.search(done.stderr)
        assert found, f"no service error in the output of aws {' '.join(args)}:\n{done.stderr}"
        return found.group(1), found.group(2)


@pytest.fixture
def aws(server: ServerProcess, tmp_path: Path) -> AwsCli:
    if not AWS.exists():
        missing_client(f"the AWS CLI venv is missing ({AWS}); run tests/clients/install.sh")
    return AwsCli(server, tmp_path)


def function_output(result: dict[str, Any]) -> dict[str, Any]:
    test_result = result["TestResult"]
    assert test_result.get("FunctionErrorMessage", "") == "", test_result
    return dict(json.loads(test_result["FunctionOutput"]))


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_function_lifecycle_in_both_stages(aws: AwsCli, runtime: str) -> None:
    name = f"cli-{runtime.replace('.', '-')}"
    event = aws.file("event.json", EVENT)
    created = aws(
        "cloudfront", "create-function", "--name", name, "--function-config", f"Comment=first,Runtime={runtime}",
        "--function-code", aws.file("v1.js", CODE_V1[runtime]),
    )  # fmt: skip
    summary = created["FunctionSummary"]
    assert (summary["Name"], summary["Status"], summary["FunctionMetadata"]["Stage"]) == (
        name, "UNPUBLISHED", "DEVELOPMENT")  # fmt: skip
    assert summary["FunctionMetadata"]["FunctionARN"] == f"arn:aws:cloudfront::{ACCOUNT}:function/{name}"
    etag1 = created["ETag"]
    assert aws("cloudfront", "describe-function", "--name", name, "--stage", "DEVELOPMENT")["ETag"] == etag1
    assert aws.error("cloudfront", "describe-function", "--name", name, "--stage", "LIVE")[0] == "NoSuchFunctionExists"

    got = aws("cloudfront", "get-function", "--name", name, "--stage", "DEVELOPMENT", "code.js")
    assert got["ETag"] == etag1
    assert (aws.workdir / "code.js").read_text() == CODE_V1[runtime]

    tested = aws("cloudfront", "test-function", "--name", name, "--if-match", etag1, "--stage", "DEVELOPMENT",
                 "--event-object", event)  # fmt: skip
    assert function_output(tested)["request"]["uri"] == "/v1/index.html"

    published = aws("cloudfront", "publish-function", "--name", name, "--if-match", etag1)["FunctionSummary"]
    assert (published["Status"], published["FunctionMetadata"]["Stage"]) == ("UNASSOCIATED", "LIVE")
    live_etag = aws("cloudfront", "describe-function", "--name", name, "--stage", "LIVE")["ETag"]

    updated = aws(
        "cloudfront", "update-function", "--name", name, "--if-match", etag1,
        "--function-config", f"Comment=second,Runtime={runtime}",
        "--function-code", aws.file("v2.js", CODE_V2[runtime]),
    )  # fmt: skip
    etag2 = updated["ETag"]
    assert etag2 != etag1
    assert updated["FunctionSummary"]["FunctionConfig"]["Comment"] == "second"
    # Stale and missing If-Match.
    stale = ("cloudfront", "update-function", "--name", name, "--if-match", etag1, "--function-config",
             f"Comment=third,Runtime={runtime}", "--function-code", aws.file("v3.js", CODE_V2[runtime]))  # fmt: skip
    assert aws.error(*stale) == ("PreconditionFailed", "UpdateFunction")
    assert aws.error("cloudfront", "publish-function", "--name", name, "--if-match", "") == (
        "InvalidIfMatchVersion", "PublishFunction")  # fmt: skip
    assert aws.error("cloudfront", "delete-function", "--name", name, "--if-match", etag1) == (
        "PreconditionFailed", "DeleteFunction")  # fmt: skip

    # The two stages now differ: LIVE still runs v1, DEVELOPMENT runs v2.
    live = aws("cloudfront", "test-function", "--name", name, "--if-match", live_etag, "--stage", "LIVE",
               "--event-object", event)  # fmt: skip
    assert function_output(live)["request"]["uri"] == "/v1/index.html"
    dev = aws("cloudfront", "test-function", "--name", name, "--if-match", etag2, "--event-object", event)
    assert function_output(dev)["request"]["uri"] == "/v2/index.html"
    aws("cloudfront", "get-function", "--name", name, "--stage", "LIVE", "live.js")
    assert (aws.workdir / "live.js").read_text() == CODE_V1[runtime]

    listed = aws("cloudfront", "list-functions")["FunctionList"]
    assert sorted(item["FunctionMetadata"]["Stage"] for item in listed["Items"]) == ["DEVELOPMENT", "LIVE"]
    aws("cloudfront", "delete-function", "--name", name, "--if-match", etag2)
    assert aws("cloudfront", "list-functions")["FunctionList"].get("Items", []) == []


def test_connection_function_lifecycle(aws: AwsCli) -> None:
    config = "Comment=conn,Runtime=cloudfront-js-2.0"
    allow, deny = aws.file("allow.js", ALLOW), aws.file("deny.js", DENY)
    created = aws("cloudfront", "create-connection-function", "--name", "cli-conn",
                  "--connection-function-config", config, "--connection-function-code", allow)  # fmt: skip
    fid, etag1 = created["ConnectionFunctionSummary"]["Id"], created["ETag"]
    connection = aws.file("connection.json", CONNECTION)
    tested = aws("cloudfront", "test-connection-function", "--id", fid, "--if-match", etag1,
                 "--connection-object", connection)["ConnectionFunctionTestResult"]  # fmt: skip
    assert "allow" in tested["ConnectionFunctionOutput"]
    assert aws.error("cloudfront", "publish-connection-function", "--id", fid, "--if-match", "") == (
        "InvalidIfMatchVersion", "PublishConnectionFunction")  # fmt: skip
    aws("cloudfront", "publish-connection-function", "--id", fid, "--if-match", etag1)
    updated = aws("cloudfront", "update-connection-function", "--id", fid, "--if-match", etag1,
                  "--connection-function-config", config, "--connection-function-code", deny)  # fmt: skip
    etag2 = updated["ETag"]
    assert aws.error("cloudfront", "update-connection-function", "--id", fid, "--if-match", etag1,
                     "--connection-function-config", config,
                     "--connection-function-code", deny) == (
        "PreconditionFailed", "UpdateConnectionFunction")  # fmt: skip
    live_etag = aws("cloudfront", "describe-connection-function", "--identifier", fid, "--stage", "LIVE")["ETag"]
    live = aws("cloudfront", "test-connection-function", "--id", fid, "--if-match", live_etag, "--stage", "LIVE",
               "--connection-object", connection)["ConnectionFunctionTestResult"]  # fmt: skip
    dev = aws("cloudfront", "test-connection-function", "--id", fid, "--if-match", etag2,
              "--connection-object", connection)["ConnectionFunctionTestResult"]  # fmt: skip
    assert ("allow" in live["ConnectionFunctionOutput"], "deny" in dev["ConnectionFunctionOutput"]) == (True, True)
    aws("cloudfront", "delete-connection-function", "--id", fid, "--if-match", etag2)
    assert (aws("cloudfront", "list-connection-functions") or {}).get("ConnectionFunctions", []) == []


def test_key_value_store_both_planes(aws: AwsCli) -> None:
    created = aws("cloudfront", "create-key-value-store", "--name", "cli-kvs", "--comment", "store")
    store, kvs_etag = created["KeyValueStore"], created["ETag"]
    arn = store["ARN"]
    assert arn.startswith(f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/")
    assert aws("cloudfront", "describe-key-value-store", "--name", "cli-kvs")["KeyValueStore"]["ARN"] == arn
    assert [s["Name"] for s in aws("cloudfront", "list-key-value-stores")["KeyValueStoreList"]["Items"]] == ["cli-kvs"]

    # The data plane: SigV4A through awscrt, the host <account>.127.0.0.1 reached through HTTP_PROXY.
    data = aws("cloudfront-keyvaluestore", "describe-key-value-store", "--kvs-arn", arn)
    assert (data["KvsARN"], data["ItemCount"]) == (arn, 0)
    kvs = ("cloudfront-keyvaluestore",)
    etag = aws(*kvs, "put-key", "--kvs-arn", arn, "--key", "prefix", "--value", "/from-kvs",
               "--if-match", data["ETag"])["ETag"]  # fmt: skip
    assert aws.error(*kvs, "put-key", "--kvs-arn", arn, "--key", "x", "--value", "y", "--if-match", data["ETag"]) == (
        "ConflictException", "PutKey")  # fmt: skip
    assert aws(*kvs, "get-key", "--kvs-arn", arn, "--key", "prefix")["Value"] == "/from-kvs"
    etag = aws(*kvs, "update-keys", "--kvs-arn", arn, "--if-match", etag,
               "--puts", "Key=a,Value=1", "Key=b,Value=2", "--deletes", "Key=prefix")["ETag"]  # fmt: skip
    assert aws.error(*kvs, "get-key", "--kvs-arn", arn, "--key", "prefix") == ("ResourceNotFoundException", "GetKey")
    assert [(i["Key"], i["Value"]) for i in aws(*kvs, "list-keys", "--kvs-arn", arn)["Items"]] == [
        ("a", "1"),
        ("b", "2"),
    ]
    etag = aws(*kvs, "delete-key", "--kvs-arn", arn, "--key", "a", "--if-match", etag)["ETag"]
    etag = aws(*kvs, "put-key", "--kvs-arn", arn, "--key", "prefix", "--value", "/from-kvs", "--if-match", etag)["ETag"]
    described = aws(*kvs, "describe-key-value-store", "--kvs-arn", arn)
    assert (described["ETag"], described["ItemCount"]) == (etag, 2)

    # A runtime-2.0 function associated with the store reads what the data plane wrote.
    created_fn = aws(
        "cloudfront", "create-function", "--name", "cli-kvs-reader", "--function-code", aws.file("kvs.js", KVS_CODE),
        "--function-config", json.dumps({"Comment": "", "Runtime": "cloudfront-js-2.0",
                                         "KeyValueStoreAssociations": {"Quantity": 1, "Items": [
                                             {"KeyValueStoreARN": arn}]}}),
    )  # fmt: skip
    tested = aws("cloudfront", "test-function", "--name", "cli-kvs-reader", "--if-match", created_fn["ETag"],
                 "--event-object", aws.file("event.json", EVENT))  # fmt: skip
    assert function_output(tested)["request"]["uri"] == "/from-kvs/index.html"
    assert aws.error("cloudfront", "delete-key-value-store", "--name", "cli-kvs", "--if-match", kvs_etag) == (
        "CannotDeleteEntityWhileInUse", "DeleteKeyValueStore")  # fmt: skip
    aws("cloudfront", "delete-function", "--name", "cli-kvs-reader", "--if-match", created_fn["ETag"])
    assert aws.error("cloudfront", "delete-key-value-store", "--name", "cli-kvs", "--if-match", "") == (
        "InvalidIfMatchVersion", "DeleteKeyValueStore")  # fmt: skip
    aws("cloudfront", "delete-key-value-store", "--name", "cli-kvs", "--if-match", kvs_etag)
    # An empty paginated listing prints nothing at all.
    assert aws("cloudfront", "list-key-value-stores") is None
