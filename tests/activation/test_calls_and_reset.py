"""``mock.calls``, ``mock.reset()`` and injected errors nothing used, through real boto3 clients."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

import cfmock
from cfmock import (
    CloudFrontMock,
    RecordedCall,
    RecordedError,
    UnusedInjectionError,
    UnusedInjectionWarning,
    mock_cloudfront_functions,
)

CONFIG = {"Comment": "", "Runtime": "cloudfront-js-2.0"}
CODE = b"function handler(event) { return event.request; }"


@pytest.fixture
def mock() -> Iterator[CloudFrontMock]:
    with mock_cloudfront_functions() as active:
        yield active


def test_calls_lists_every_call_in_order_with_its_answer(mock: CloudFrontMock) -> None:
    cf = boto3.client("cloudfront")
    created = cf.create_function(Name="f", FunctionConfig=CONFIG, FunctionCode=CODE)
    with pytest.raises(ClientError) as failed:
        cf.publish_function(Name="f", IfMatch="stale")
    kvs = cf.create_key_value_store(Name="s")["KeyValueStore"]
    data = boto3.client("cloudfront-keyvaluestore", region_name="us-east-1")
    etag = data.describe_key_value_store(KvsARN=kvs["ARN"])["ETag"]
    data.put_key(KvsARN=kvs["ARN"], Key="k", Value="v", IfMatch=etag)

    calls = mock.calls
    assert [(c.service, c.operation) for c in calls] == [
        ("cloudfront", "CreateFunction"),
        ("cloudfront", "PublishFunction"),
        ("cloudfront", "CreateKeyValueStore"),
        ("cloudfront-keyvaluestore", "DescribeKeyValueStore"),
        ("cloudfront-keyvaluestore", "PutKey"),
    ]
    assert all(isinstance(c, RecordedCall) for c in calls)
    first = calls[0]
    assert first.parameters == {"Name": "f", "FunctionConfig": CONFIG, "FunctionCode": CODE}
    assert first.ok and first.error is None
    assert first.response is not None and first.response["ETag"] == created["ETag"]
    assert first.response["FunctionSummary"]["Name"] == "f"

    publish = calls[1]
    assert publish.parameters == {"Name": "f", "IfMatch": "stale"} and publish.response is None
    code = failed.value.response["Error"]["Code"]
    assert publish.error == RecordedError(
        code, failed.value.response["Error"]["Message"], failed.value.response["ResponseMetadata"]["HTTPStatusCode"]
    )
    assert not publish.ok and not publish.error.injected
    assert calls[4].parameters == {"KvsARN": kvs["ARN"], "Key": "k", "Value": "v", "IfMatch": etag}
    assert repr(publish) == f"<RecordedCall cloudfront PublishFunction(IfMatch, Name) error={code}>"


def test_records_are_copies_that_later_calls_do_not_change(mock: CloudFrontMock) -> None:
    cf = boto3.client("cloudfront")
    etag = cf.create_function(Name="f", FunctionConfig=CONFIG, FunctionCode=CODE)["ETag"]
    described = mock.calls[0].response
    assert described is not None
    before = described["FunctionSummary"]["FunctionConfig"]["Comment"]
    cf.update_function(Name="f", IfMatch=etag, FunctionConfig={**CONFIG, "Comment": "changed"}, FunctionCode=CODE)
    assert mock.calls[0].response["FunctionSummary"]["FunctionConfig"]["Comment"] == before == ""  # type: ignore[index]
    snapshot = mock.calls
    cf.list_functions()
    assert len(snapshot) == 2 and len(mock.calls) == 3  # calls is a snapshot


def test_a_test_function_record_is_its_answer_and_shares_nothing_with_the_state(mock: CloudFrontMock) -> None:
    cf = boto3.client("cloudfront")
    etag = cf.create_function(Name="f", FunctionConfig=CONFIG, FunctionCode=CODE)["ETag"]
    event = b'{"version":"1.0","context":{"eventType":"viewer-request"},"viewer":{"ip":"1.2.3.4"},"request":{}}'
    answer = cf.test_function(Name="f", IfMatch=etag, EventObject=event)["TestResult"]
    recorded = mock.calls[-1].response
    assert recorded is not None
    result = recorded["TestResult"]
    assert result["FunctionOutput"] == answer["FunctionOutput"]
    assert result["FunctionSummary"]["FunctionConfig"] == answer["FunctionSummary"]["FunctionConfig"]
    result["FunctionSummary"]["FunctionConfig"]["Comment"] = "changed in the record"
    result["FunctionSummary"]["FunctionMetadata"]["Stage"] = "changed in the record"
    described = cf.describe_function(Name="f")["FunctionSummary"]
    assert described["FunctionConfig"]["Comment"] == ""
    assert described["FunctionMetadata"]["Stage"] == "DEVELOPMENT"
    again = cf.test_function(Name="f", IfMatch=etag, EventObject=event)["TestResult"]
    assert again["FunctionSummary"]["FunctionConfig"]["Comment"] == ""
    assert mock.calls[-1].response is not recorded


def test_injected_errors_are_recorded_as_injected(mock: CloudFrontMock) -> None:
    cf = boto3.client("cloudfront")
    mock.inject_error("ListFunctions", "InvalidArgument", "injected!")
    with pytest.raises(ClientError):
        cf.list_functions()
    (call,) = mock.calls
    assert call.error is not None and call.error.injected
    assert (call.error.code, call.error.message) == ("InvalidArgument", "injected!")


def test_calls_from_threads_are_all_recorded(mock: CloudFrontMock) -> None:
    def work(index: int) -> None:
        client = boto3.session.Session().client("cloudfront")
        for n in range(5):
            client.create_function(Name=f"f{index}-{n}", FunctionConfig=CONFIG, FunctionCode=CODE)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mock.calls) == 20
    assert {c.parameters["Name"] for c in mock.calls} == {f"f{i}-{n}" for i in range(4) for n in range(5)}


def test_nested_activations_share_the_record(mock: CloudFrontMock) -> None:
    cf = boto3.client("cloudfront")
    with mock_cloudfront_functions() as inner:
        cf.list_functions()
        assert len(inner.calls) == 1
    cf.list_functions()
    assert len(mock.calls) == 2


def test_reset_clears_state_calls_and_pending_injections(mock: CloudFrontMock) -> None:
    cf = boto3.client("cloudfront")
    cf.create_function(Name="f", FunctionConfig=CONFIG, FunctionCode=CODE)
    mock.key_value_stores.create("s", data={"k": "v"})
    mock.inject_error("ListFunctions", "InvalidArgument", count=3)
    old_view = mock.functions
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a reset's dropped injections are not "unused": no warning
        mock.reset()
    assert mock.calls == ()
    assert len(mock.functions) == 0 and len(mock.key_value_stores) == 0
    assert cf.list_functions()["FunctionList"]["Quantity"] == 0  # the injection is gone too
    # The same name again starts at the first version, as in a fresh mock.
    assert cf.create_function(Name="f", FunctionConfig=CONFIG, FunctionCode=CODE)["ETag"] == "ETVPDKIKX0DER"
    with pytest.raises(RuntimeError, match="reset"):
        old_view.create("g", CODE)
    assert [c.operation for c in mock.calls] == ["ListFunctions", "CreateFunction"]


def test_reset_and_calls_need_an_active_mock() -> None:
    idle = mock_cloudfront_functions()
    with pytest.raises(RuntimeError, match="not active"):
        idle.reset()
    with pytest.raises(RuntimeError, match="not active"):
        _ = idle.calls


def test_unused_injections_warn_at_the_end_and_name_them() -> None:
    with pytest.warns(UnusedInjectionWarning) as caught, mock_cloudfront_functions() as mock:
        mock.inject_error("UpdateFunction", "PreconditionFailed", count=2)
        mock.inject_error("delete_function", "FunctionInUse")
    (warning,) = caught
    assert issubclass(warning.category, UserWarning)
    assert str(warning.message) == (
        "the cfmock activation ended with injected errors no call used: "
        "cloudfront UpdateFunction: PreconditionFailed (2 left); cloudfront DeleteFunction: FunctionInUse (1 left)"
    )
    assert warning.filename == __file__  # it points at the test, not into cfmock


def test_a_partly_used_injection_names_what_is_left() -> None:
    left = pytest.warns(UnusedInjectionWarning, match=r"ListFunctions: InvalidArgument \(1 left\)")
    with left, mock_cloudfront_functions() as mock:
        mock.inject_error("ListFunctions", "InvalidArgument", count=2)
        with pytest.raises(ClientError):
            boto3.client("cloudfront").list_functions()


def test_used_injections_and_inner_activations_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with mock_cloudfront_functions() as mock:
            with mock_cloudfront_functions():
                mock.inject_error("ListFunctions", "InvalidArgument")
            # the inner one ended, but the state (and the injection) lives on in the outer one
            with pytest.raises(ClientError):
                boto3.client("cloudfront").list_functions()


def test_strict_injections_make_it_an_error() -> None:
    unused = pytest.raises(UnusedInjectionError, match="cloudfront ListFunctions: InvalidArgument")
    with unused, mock_cloudfront_functions(strict_injections=True) as mock:
        mock.inject_error("ListFunctions", "InvalidArgument")
    assert not cfmock.interception.current_state()  # the mock still ended completely
    assert issubclass(UnusedInjectionError, AssertionError)


def test_strict_injections_do_not_hide_the_exception_that_ended_the_block() -> None:
    real = pytest.raises(KeyError, match="the real failure")
    with pytest.warns(UnusedInjectionWarning), real, mock_cloudfront_functions(strict_injections=True) as mock:
        mock.inject_error("ListFunctions", "InvalidArgument")
        raise KeyError("the real failure")


def test_strict_injections_through_the_decorator_and_start_stop() -> None:
    @mock_cloudfront_functions(strict_injections=True)
    def forgets() -> None:
        cfmock.interception.current_state().injector  # noqa: B018 - active
        from cfmock.activation import _stack

        _stack[0].inject_error("ListFunctions", "InvalidArgument")

    with pytest.raises(UnusedInjectionError):
        forgets()
    started = mock_cloudfront_functions(strict_injections=True).start()
    started.inject_error("ListFunctions", "InvalidArgument")
    with pytest.raises(UnusedInjectionError):
        started.stop()
    assert not started.active
