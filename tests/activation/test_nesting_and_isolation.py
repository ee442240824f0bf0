"""Nesting, teardown and isolation of activations (activation.py, interception.py)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.endpoint import Endpoint
from botocore.session import Session

from cfmock import activation, interception, mock_cloudfront_functions
from cfmock.activation import CloudFrontMock

CODE = b"function handler(event) { return event.request; }"
CONFIG = {"Comment": "", "Runtime": "cloudfront-js-2.0"}
ETAG_V1 = "ETVPDKIKX0DER"
OTHER_ACCOUNT = "111122223333"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
HANDLER_ID = "cfmock-before-call"
EMPTY_LIST = b'<?xml version="1.0"?><FunctionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><MaxItems>100</MaxItems><Quantity>0</Quantity></FunctionList>'


def create(client: Any, name: str) -> dict[str, Any]:
    return client.create_function(Name=name, FunctionConfig=CONFIG, FunctionCode=CODE)


def listed_names(client: Any) -> list[str]:
    return [item["Name"] for item in client.list_functions()["FunctionList"].get("Items", [])]


def is_active() -> bool:
    return interception.current_state() is not None


class _Raw(io.BytesIO):
    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self.read()


def answer_at_send(client: Any, body: bytes = EMPTY_LIST) -> list[str]:
    """Answer every request of ``client`` at ``before-send`` (never the network); return the URLs seen there."""
    seen: list[str] = []

    def before_send(request: Any, **_kwargs: Any) -> AWSResponse:
        seen.append(request.url)
        return AWSResponse(request.url, 200, {}, _Raw(body))

    client.meta.events.register("before-send", before_send)
    return seen


def has_cfmock_handler(client: Any) -> bool:
    return HANDLER_ID in client.meta.events._emitter._unique_id_handlers


# -- nesting --------------------------------------------------------------------------------------------


def test_nested_activation_shares_the_outer_state_and_inner_exit_keeps_the_outer_active() -> None:
    with mock_cloudfront_functions() as outer:
        client = boto3.client("cloudfront")
        create(client, "outer-fn")
        with mock_cloudfront_functions() as inner:
            assert inner.active
            assert list(inner.functions) == ["outer-fn"]  # the inner handle sees the outer state
            create(client, "inner-fn")
            assert list(outer.functions) == ["inner-fn", "outer-fn"]
        assert not inner.active
        assert outer.active and is_active()
        # A call after the inner exit is still mocked, and what the inner block made survives.
        assert listed_names(client) == ["inner-fn", "outer-fn"]
        assert client.describe_function(Name="inner-fn")["ETag"] == ETAG_V1
        assert create(boto3.client("cloudfront"), "after-inner")["ETag"] == ETAG_V1
    assert not is_active()


def test_nested_decorator_and_start_stop_share_state() -> None:
    with mock_cloudfront_functions(account_id=OTHER_ACCOUNT) as outer:

        @mock_cloudfront_functions
        def inner_body() -> str:
            return create(boto3.client("cloudfront"), "f")["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]

        assert inner_body() == f"arn:aws:cloudfront::{OTHER_ACCOUNT}:function/f"
        assert list(outer.functions) == ["f"]
        nested = mock_cloudfront_functions().start()
        nested.stop()
        assert listed_names(boto3.client("cloudfront")) == ["f"]


def test_nested_activation_with_the_same_explicit_options_is_allowed() -> None:
    with (
        mock_cloudfront_functions(account_id=OTHER_ACCOUNT) as outer,
        mock_cloudfront_functions(account_id=OTHER_ACCOUNT) as inner,
    ):
        create(boto3.client("cloudfront"), "f")
        assert list(outer.functions) == list(inner.functions) == ["f"]


def test_nested_activation_with_different_explicit_options_is_a_value_error_and_outer_survives() -> None:
    with mock_cloudfront_functions() as outer:
        create(boto3.client("cloudfront"), "f")
        with pytest.raises(ValueError, match="different options"), mock_cloudfront_functions(account_id=OTHER_ACCOUNT):
            raise AssertionError("the nested block must not run")
        with pytest.raises(ValueError, match="different options"):
            mock_cloudfront_functions(time_limit_s=5.0).start()
        assert outer.active
        assert listed_names(boto3.client("cloudfront")) == ["f"]


def test_nested_activation_explicitly_asking_for_the_default_account_differs_from_the_outer() -> None:
    # Passing account_id="123456789012" is an explicit option that differs from the outer activation's
    # account: it must be refused like any other different option, not silently ignored.
    with mock_cloudfront_functions(account_id=OTHER_ACCOUNT):
        nested = mock_cloudfront_functions(account_id="123456789012")
        try:
            with pytest.raises(ValueError, match="different options"):
                nested.start()
        finally:
            if nested.active:
                nested.stop()


def test_nested_handle_reports_the_account_of_the_state_it_shares() -> None:
    with mock_cloudfront_functions(account_id=OTHER_ACCOUNT), mock_cloudfront_functions() as inner:
        arn = create(boto3.client("cloudfront"), "f")["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]
        assert arn == f"arn:aws:cloudfront::{OTHER_ACCOUNT}:function/f"
        assert inner.functions["f"].arn == arn
        assert inner.account_id == OTHER_ACCOUNT  # the handle describes the state it is a handle on


# -- teardown -------------------------------------------------------------------------------------------


def test_outermost_exit_restores_every_patch_and_unregisters_handlers() -> None:
    originals = (BaseClient._make_api_call, Endpoint._send, Session.create_client)
    before = boto3.client("cloudfront", **CREDENTIALS)
    with mock_cloudfront_functions():
        assert (BaseClient._make_api_call, Endpoint._send, Session.create_client) != originals
        during = boto3.client("cloudfront")
        create(before, "a")
        create(during, "b")
        assert has_cfmock_handler(before) and has_cfmock_handler(during)
        with mock_cloudfront_functions():
            pass
        # The inner exit removed nothing.
        assert (BaseClient._make_api_call, Endpoint._send, Session.create_client) != originals
        assert has_cfmock_handler(before) and has_cfmock_handler(during)
    assert BaseClient._make_api_call is originals[0]
    assert Endpoint._send is originals[1]
    assert Session.create_client is originals[2]
    for client in (before, during):
        assert not has_cfmock_handler(client)
        assert "_cfmock_guarded" not in client._endpoint.__dict__
        assert "_cfmock_generation" not in client.__dict__
    # Black-box: the next call of a formerly intercepted client reaches the HTTP stage again.
    seen = answer_at_send(before)
    assert before.list_functions()["FunctionList"]["Quantity"] == 0
    assert len(seen) == 1 and seen[0].startswith("https://cloudfront.amazonaws.com/")


def test_a_client_used_in_two_activations_is_re_registered_with_the_new_state() -> None:
    client = boto3.client("cloudfront", **CREDENTIALS)
    with mock_cloudfront_functions():
        create(client, "first")
    with mock_cloudfront_functions() as second:
        assert listed_names(client) == []
        create(client, "second")
        assert list(second.functions) == ["second"]


def test_outermost_exit_discards_state() -> None:
    with mock_cloudfront_functions() as mock:
        create(boto3.client("cloudfront"), "f")
    with pytest.raises(RuntimeError, match="not active"):
        mock.functions  # noqa: B018
    with mock_cloudfront_functions() as again:
        assert len(again.functions) == 0
        assert create(boto3.client("cloudfront"), "f")["ETag"] == ETAG_V1


def test_sequential_activations_never_share_state() -> None:
    client = boto3.client("cloudfront", **CREDENTIALS)
    seen: list[list[str]] = []

    @mock_cloudfront_functions
    def decorated() -> None:
        seen.append(listed_names(client))
        create(client, "f")

    for _ in range(2):
        with mock_cloudfront_functions():
            seen.append(listed_names(client))
            create(client, "f")
        decorated()
        mock = mock_cloudfront_functions().start()
        try:
            seen.append(listed_names(client))
            create(client, "f")
        finally:
            mock.stop()
    assert seen == [[]] * 6


# -- stop order -----------------------------------------------------------------------------------------


def test_stopping_the_outer_before_the_inner_is_refused_and_happens_when_the_inner_stops() -> None:
    """The refused stop is not lost: an overlap (threads, tasks) must not leave the mock on for good."""
    outer = mock_cloudfront_functions().start()
    inner = mock_cloudfront_functions().start()
    try:
        create(boto3.client("cloudfront"), "f")
        with pytest.raises(RuntimeError, match="innermost first"):
            outer.stop()
        assert outer.active and inner.active  # nothing is torn down under the inner activation
        assert listed_names(boto3.client("cloudfront")) == ["f"]
    finally:
        inner.stop()
    assert not outer.active and not is_active()
    with pytest.raises(RuntimeError, match="not started"):
        outer.stop()


def test_leaving_a_with_block_while_a_started_inner_activation_runs_is_refused() -> None:
    outer = mock_cloudfront_functions()
    with pytest.raises(RuntimeError, match="innermost first"), outer:
        started = mock_cloudfront_functions().start()
    assert started.active and outer.active  # nothing was torn down under the inner activation
    started.stop()
    assert not outer.active and not is_active()


def test_only_the_pending_activations_end_with_the_inner_one() -> None:
    outer = mock_cloudfront_functions().start()
    middle = mock_cloudfront_functions().start()
    inner = mock_cloudfront_functions().start()
    with pytest.raises(RuntimeError, match="innermost first"):
        middle.stop()
    inner.stop()
    assert not middle.active and outer.active and is_active()
    outer.stop()
    assert not is_active()


def test_overlapping_threads_leave_no_mock_behind() -> None:
    """Two with blocks in two threads, the first to enter leaving first (docs: known differences)."""
    import threading

    entered, release_first, first_done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with mock_cloudfront_functions():
                entered.set()
                release_first.wait(5)
        except RuntimeError as error:
            errors.append(error)
        first_done.set()

    def second() -> None:
        entered.wait(5)
        with mock_cloudfront_functions():
            release_first.set()
            first_done.wait(5)
            create(boto3.client("cloudfront"), "still-mocked")  # the first's exit tore nothing down

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert [str(e) for e in errors] and "innermost first" in str(errors[0])
    assert not is_active()


# -- clients from before the activation (and before import cfmock) ------------------------------------


def test_a_client_created_before_activation_is_intercepted() -> None:
    before = boto3.client("cloudfront", **CREDENTIALS)
    botocore_client = botocore.session.get_session().create_client("cloudfront", **CREDENTIALS)
    sent = answer_at_send(before) + answer_at_send(botocore_client)
    with mock_cloudfront_functions() as mock:
        assert create(before, "a")["ETag"] == ETAG_V1
        assert create(botocore_client, "b")["ETag"] == ETAG_V1
        assert sorted(mock.functions) == ["a", "b"]
    assert sent == []  # answered before the HTTP stage


def _run_python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=120
    )


NETWORK_GUARD = """
import socket
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args))
    raise OSError("network access refused by the test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
"""


def test_a_client_created_before_import_cfmock_is_intercepted() -> None:
    result = _run_python(
        NETWORK_GUARD
        + """
import sys
import boto3
client = boto3.client("cloudfront", aws_access_key_id="x", aws_secret_access_key="y")
assert not [name for name in sys.modules if name.startswith("cfmock")]
import cfmock
with cfmock.mock_cloudfront_functions() as mock:
    created = client.create_function(
        Name="f", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"}, FunctionCode=b"x"
    )
    assert created["ETag"] == "ETVPDKIKX0DER", created
    assert list(mock.functions) == ["f"]
    listed = client.list_functions()["FunctionList"]["Items"]
    assert [item["Name"] for item in listed] == ["f"]
assert not attempts, attempts
print("OK")
"""
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "OK"


def test_a_bare_client_works_without_any_aws_configuration_and_opens_no_socket(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home)}
    result = _run_python(
        NETWORK_GUARD
        + """
import json
import boto3
import cfmock
with cfmock.mock_cloudfront_functions() as mock:
    client = boto3.client("cloudfront")
    created = client.create_function(
        Name="f", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"}, FunctionCode=b"x"
    )
    client.publish_function(Name="f", IfMatch=created["ETag"])
    live = client.describe_function(Name="f", Stage="LIVE")["ETag"]
    names = [item["Name"] for item in client.list_functions()["FunctionList"]["Items"]]
    client.delete_function(Name="f", IfMatch=created["ETag"])
    during = list(attempts)
# Control: outside the mock the same configuration-less session does look for credentials on the network
# (the EC2 metadata service), which shows the guard above would have caught a probe.
import botocore.session
credentials = botocore.session.get_session().get_credentials()
print(json.dumps({"etag": created["ETag"], "live": live, "names": names, "during": during,
                  "after": len(attempts), "credentials": credentials is not None}))
""",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["etag"] == report["live"] == ETAG_V1
    assert report["names"] == ["f", "f"]
    assert report["during"] == []
    assert report["after"] > 0 and report["credentials"] is False
    assert list(home.iterdir()) == []  # nothing was written to the (empty) home directory either


# -- boto3's default session ----------------------------------------------------------------------------


def test_the_default_boto3_session_is_never_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session(aws_access_key_id="mine", aws_secret_access_key="mine", region_name="eu-west-3")
    session = boto3.DEFAULT_SESSION
    assert session is not None
    with mock_cloudfront_functions():
        assert boto3.DEFAULT_SESSION is session
        client = boto3.client("cloudfront")
        create(client, "f")
        with mock_cloudfront_functions():
            create(boto3.client("cloudfront"), "g")
        assert boto3.DEFAULT_SESSION is session
    assert boto3.DEFAULT_SESSION is session
    credentials = session.get_credentials()
    assert (credentials.access_key, session.region_name) == ("mine", "eu-west-3")


def test_activation_does_not_create_a_default_boto3_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    mock = mock_cloudfront_functions().start()
    try:
        assert boto3.DEFAULT_SESSION is None
    finally:
        mock.stop()
    assert boto3.DEFAULT_SESSION is None


def test_explicit_credentials_of_a_client_made_during_activation_are_kept() -> None:
    with mock_cloudfront_functions():
        client = boto3.client("cloudfront", aws_access_key_id="explicit", aws_secret_access_key="secret")
        frozen = client._request_signer._credentials.get_frozen_credentials()
        assert frozen.access_key == "explicit"


def test_views_kept_after_the_mock_ends_refuse_writes() -> None:
    """Writes through a view of a discarded state would go nowhere: an error, not silence. Reads still work."""
    with mock_cloudfront_functions() as mock:
        functions, stores = mock.functions, mock.key_value_stores
        store = stores.create("s", data={"a": "1"})
        functions.create("f", "var x = 1;")
        with mock_cloudfront_functions():
            pass  # an inner activation ending discards nothing
        store.put("b", "2")
    writes = [
        lambda: functions.create("g", "var y = 1;"),
        lambda: functions.publish("f"),
        lambda: store.put("c", "3"),
        lambda: store.update({"c": "3"}),
        lambda: store.delete("a"),
        lambda: store.load_import_file({"data": []}),
        lambda: stores.create("t"),
    ]
    for write in writes:
        with pytest.raises(RuntimeError, match="has ended"):
            write()
    assert list(functions) == ["f"] and store.data == {"a": "1", "b": "2"}
    with mock_cloudfront_functions() as fresh:  # a new activation is unaffected
        fresh.key_value_stores.create("s").put("k", "v")


def test_a_refused_exit_never_replaces_the_error_of_the_block() -> None:
    outer = mock_cloudfront_functions()
    with pytest.raises(ZeroDivisionError) as raised, outer:
        started = mock_cloudfront_functions().start()
        1 / 0  # noqa: B018
    assert raised.value.__notes__ and "innermost first" in raised.value.__notes__[0]
    assert started.active and outer.active  # the refused stop is deferred, as without an error
    started.stop()
    assert not outer.active and not is_active()


def test_a_refused_async_exit_never_replaces_the_error_of_the_block() -> None:
    import asyncio

    outer = mock_cloudfront_functions()

    async def body() -> CloudFrontMock:
        async with outer:
            started = mock_cloudfront_functions().start()
            raise KeyError("the test's own error")
        return started  # pragma: no cover

    with pytest.raises(KeyError, match="the test's own error") as raised:
        asyncio.run(body())
    assert "innermost first" in raised.value.__notes__[0]
    assert outer.active
    activation._stack[-1].stop()
    assert not outer.active and not is_active()


def test_a_decorated_function_keeps_its_own_error_when_the_exit_is_refused() -> None:
    leaked: list[CloudFrontMock] = []

    @mock_cloudfront_functions
    def leaves_one_started_and_fails() -> None:
        leaked.append(mock_cloudfront_functions().start())
        raise LookupError("from the test")

    with pytest.raises(LookupError, match="from the test") as raised:
        leaves_one_started_and_fails()
    assert "innermost first" in raised.value.__notes__[0]
    leaked[0].stop()
    assert not is_active()
