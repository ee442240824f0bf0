"""Nothing reaches the network; other services pass through; composition with moto (decisions 39)."""

from __future__ import annotations

import io
import pickle
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.cloudfront.models import cloudfront_backends
from moto.core import DEFAULT_ACCOUNT_ID as MOTO_ACCOUNT

import cfmock
from cfmock import mock_cloudfront_functions

CODE = b"function handler(event) { return event.request; }"
CONFIG = {"Comment": "", "Runtime": "cloudfront-js-2.0"}
ETAG_V1 = "ETVPDKIKX0DER"
ETAG_V2 = "E3UN6WX5RRO2AG"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
S3_EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    b"<Owner><ID>owner</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>"
)


class _Raw(io.BytesIO):
    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self.read()


def record_sends(client: Any, body: bytes | None = None) -> list[str]:
    """Record what reaches ``before-send``; with ``body``, answer there so nothing goes further."""
    seen: list[str] = []

    def before_send(request: Any, **_kwargs: Any) -> AWSResponse | None:
        seen.append(request.url)
        return None if body is None else AWSResponse(request.url, 200, {}, _Raw(body))

    client.meta.events.register("before-send", before_send)
    return seen


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    """Fail (and record) any connection attempt; leave no AWS credentials anywhere to be found."""
    attempts: list[Any] = []

    def refuse(*args: Any, **_kwargs: Any) -> Any:
        attempts.append(args)
        pytest.fail(f"a connection was attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    return attempts


# -- no socket at all ------------------------------------------------------------------------------------


def test_a_full_lifecycle_opens_no_socket(connections: list[Any]) -> None:
    with mock_cloudfront_functions() as mock:
        client = boto3.session.Session().client("cloudfront")  # no credentials anywhere: none probed for
        sent = record_sends(client)
        created = client.create_function(Name="f", FunctionConfig=CONFIG, FunctionCode=CODE)
        assert created["ETag"] == ETAG_V1
        assert client.describe_function(Name="f")["FunctionSummary"]["Status"] == "UNPUBLISHED"
        assert client.get_function(Name="f")["FunctionCode"].read() == CODE
        updated = client.update_function(Name="f", IfMatch=ETAG_V1, FunctionConfig=CONFIG, FunctionCode=b"var x=1;")
        assert updated["ETag"] == ETAG_V2
        with pytest.raises(client.exceptions.PreconditionFailed):
            client.publish_function(Name="f", IfMatch=ETAG_V1)
        client.publish_function(Name="f", IfMatch=ETAG_V2)
        assert client.describe_function(Name="f", Stage="LIVE")["ETag"] == ETAG_V2
        assert client.list_functions()["FunctionList"]["Quantity"] == 2
        assert mock.functions["f"].live is not None

        with pytest.raises(cfmock.UnsupportedOperationError) as raised:
            client.list_distributions()
        error = raised.value
        assert not isinstance(error, botocore.exceptions.ClientError)
        assert not isinstance(error, botocore.exceptions.BotoCoreError)
        assert error.operation == "ListDistributions"
        assert "ListDistributions" in str(error) and "moto" in str(error)
        copied = pickle.loads(pickle.dumps(error))  # e.g. reported from a worker process
        assert (type(copied), copied.operation, str(copied)) == (type(error), error.operation, str(error))

        client.delete_function(Name="f", IfMatch=ETAG_V2)
        with pytest.raises(client.exceptions.NoSuchFunctionExists):
            client.describe_function(Name="f")
        assert sent == []  # no request even reached the HTTP stage
    assert connections == []


def test_an_unimplemented_operation_never_reaches_the_http_stage(connections: list[Any]) -> None:
    client = boto3.client("cloudfront", **CREDENTIALS)
    sent = record_sends(client)
    with mock_cloudfront_functions():
        for call in (
            lambda: client.list_distributions(),
            lambda: client.create_origin_access_control(
                OriginAccessControlConfig={
                    "Name": "oac",
                    "SigningProtocol": "sigv4",
                    "SigningBehavior": "always",
                    "OriginAccessControlOriginType": "s3",
                }
            ),
        ):
            with pytest.raises(cfmock.UnsupportedOperationError, match="moto"):
                call()
    assert sent == []
    assert connections == []


# -- other services pass through -----------------------------------------------------------------------


def test_other_services_are_not_intercepted(connections: list[Any]) -> None:
    before = boto3.client("s3", **CREDENTIALS)
    with mock_cloudfront_functions():
        during = boto3.client("s3", **CREDENTIALS)
        for client in (before, during):
            sent = record_sends(client, S3_EMPTY)  # answered at before-send: the network is never used
            assert client.list_buckets()["Buckets"] == []
            assert len(sent) == 1 and "s3" in sent[0]
            assert not hasattr(client._endpoint, "_cfmock_guarded")
            assert "cfmock-before-call" not in client.meta.events._emitter._unique_id_handlers
    assert connections == []


def test_non_cloudfront_clients_made_during_activation_get_no_dummy_credentials(connections: list[Any]) -> None:
    with mock_cloudfront_functions():
        session = boto3.session.Session(region_name="us-east-1")
        cloudfront = session.client("cloudfront")
        assert cloudfront._request_signer._credentials is not None  # dummy, so no credential probe
        s3 = session.client("s3", aws_access_key_id="mine", aws_secret_access_key="mine")
        assert s3._request_signer._credentials.access_key == "mine"


# -- moto composition ----------------------------------------------------------------------------------


def moto_backend() -> Any:
    return cloudfront_backends[MOTO_ACCOUNT]["global"]


OAC_CONFIG = {
    "Name": "my-oac",
    "SigningProtocol": "sigv4",
    "SigningBehavior": "always",
    "OriginAccessControlOriginType": "s3",
}


@pytest.mark.parametrize("order", ["cfmock outside moto", "moto outside cfmock"])
def test_composition_with_moto(order: str, connections: list[Any]) -> None:
    before = boto3.client("cloudfront", **CREDENTIALS)
    with ExitStack() as stack:
        if order == "cfmock outside moto":
            mock = stack.enter_context(mock_cloudfront_functions())
            stack.enter_context(mock_aws())
        else:
            stack.enter_context(mock_aws())
            mock = stack.enter_context(mock_cloudfront_functions())
        after = boto3.client("cloudfront", **CREDENTIALS)
        bare_after = boto3.client("cloudfront")
        for index, client in enumerate((before, after, bare_after)):
            name = f"fn-{index}"
            # cfmock answers what it implements: its ETag, its state, nothing in moto's backend.
            created = client.create_function(Name=name, FunctionConfig=CONFIG, FunctionCode=CODE)
            assert created["ETag"] == ETAG_V1
            assert created["FunctionSummary"]["FunctionMetadata"]["Stage"] == "DEVELOPMENT"
            assert mock.functions[name].development.code == CODE
            assert name not in moto_backend().functions
            client.publish_function(Name=name, IfMatch=ETAG_V1)
            assert client.describe_function(Name=name, Stage="LIVE")["ETag"] == ETAG_V1

            # moto answers what cfmock lacks.
            assert client.list_distributions()["DistributionList"]["Quantity"] == 0
            oac = client.create_origin_access_control(OriginAccessControlConfig={**OAC_CONFIG, "Name": f"oac-{index}"})
            oac_id = oac["OriginAccessControl"]["Id"]
            assert oac_id in moto_backend().origin_access_controls
            assert client.get_origin_access_control(Id=oac_id)["OriginAccessControl"]["Id"] == oac_id
        assert sorted(mock.functions) == ["fn-0", "fn-1", "fn-2"]
        listed = before.list_functions(Stage="LIVE")["FunctionList"]["Items"]
        assert [item["Name"] for item in listed] == ["fn-0", "fn-1", "fn-2"]
        assert moto_backend().functions == {}
    assert connections == []


def test_after_cfmock_exits_inside_moto_moto_answers_everything(connections: list[Any]) -> None:
    client = boto3.client("cloudfront", **CREDENTIALS)
    with mock_aws():
        with mock_cloudfront_functions():
            client.create_function(Name="by-cfmock", FunctionConfig=CONFIG, FunctionCode=CODE)
        assert "by-cfmock" not in moto_backend().functions
        client.create_function(Name="by-moto", FunctionConfig=CONFIG, FunctionCode=CODE)
        assert "by-moto" in moto_backend().functions
    assert connections == []


def test_after_moto_exits_inside_cfmock_unimplemented_operations_are_refused_again(connections: list[Any]) -> None:
    client = boto3.client("cloudfront", **CREDENTIALS)
    sent = record_sends(client)
    with mock_cloudfront_functions():
        with mock_aws():
            assert client.list_distributions()["DistributionList"]["Quantity"] == 0
        sent.clear()
        with pytest.raises(cfmock.UnsupportedOperationError):
            client.list_distributions()
        assert sent == []
    assert connections == []


@pytest.mark.parametrize("order", ["cfmock outside moto", "moto outside cfmock"])
def test_a_client_created_before_import_moto_and_cfmock_composes(order: str) -> None:
    outer, inner = ("cfmock_mock", "mock_aws()") if order == "cfmock outside moto" else ("mock_aws()", "cfmock_mock")
    script = f"""
import socket
def refuse(*args, **kwargs):
    raise OSError("network access refused by the test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse

import boto3
client = boto3.client("cloudfront", aws_access_key_id="x", aws_secret_access_key="y", region_name="us-east-1")
import cfmock
from moto import mock_aws
cfmock_mock = cfmock.mock_cloudfront_functions()
with {outer}, {inner}:
    created = client.create_function(
        Name="f", FunctionConfig={{"Comment": "", "Runtime": "cloudfront-js-2.0"}}, FunctionCode=b"x"
    )
    assert created["ETag"] == "ETVPDKIKX0DER", created
    assert list(cfmock_mock.functions) == ["f"]
    assert client.list_distributions()["DistributionList"]["Quantity"] == 0
print("OK")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "OK"


def test_a_botocore_client_with_a_positional_region_probes_for_no_credentials(connections: list[Any]) -> None:
    # botocore's Session.create_client(service_name, region_name=None, ...) is often called positionally.
    with mock_cloudfront_functions() as mock:
        client = botocore.session.Session().create_client("cloudfront", "us-east-1")
        client.create_function(Name="f", FunctionConfig=CONFIG, FunctionCode=CODE)
        assert list(mock.functions) == ["f"]
    assert connections == []
