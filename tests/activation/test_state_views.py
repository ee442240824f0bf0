"""Seeding through the state views, and inject_error's arguments: Python errors, never impossible state.

Each case here was found by an audit against docs/activation.md and the API's rules: an internal exception
class, state the API could never produce, a half-made store, an ETag changed by writing nothing, writes into
a deleted store, and injection arguments that failed far from where the mistake was made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from cfmock import CloudFrontMock, mock_cloudfront_functions


@pytest.fixture
def mock() -> Iterator[CloudFrontMock]:
    with mock_cloudfront_functions() as active:
        yield active


@pytest.mark.parametrize(
    ("seed", "aws_error"),
    [
        (lambda m: [m.functions.create("f", "x"), m.functions.create("f", "x")], "FunctionAlreadyExists"),
        (lambda m: m.functions.create("f", "x" * 10_241), "FunctionSizeLimitExceeded"),
        (lambda m: m.functions.create("f", "x", runtime="nodejs"), "InvalidArgument"),
        (lambda m: m.functions.create("f", "x", comment="c" * 129), "InvalidArgument"),
        (lambda m: m.functions.create("f", "x", key_value_store_arn="arn:aws:cloudfront::1:key-value-store/x"),
         "InvalidArgument"),
        (lambda m: m.connection_functions.create("c", "x", runtime="cloudfront-js-1.0"), "InvalidArgument"),
        (lambda m: [m.key_value_stores.create("s"), m.key_value_stores.create("s")], "EntityAlreadyExists"),
        (lambda m: m.key_value_stores.create("s").put("k" * 513, "v"), "ServiceQuotaExceededException"),
        (lambda m: m.key_value_stores.create("s").put("k", "v" * 1025), "ServiceQuotaExceededException"),
    ],
)  # fmt: skip
def test_a_broken_rule_is_a_value_error_naming_the_aws_error(
    mock: CloudFrontMock, seed: Callable[[CloudFrontMock], Any], aws_error: str
) -> None:
    with pytest.raises(ValueError, match=f"^{aws_error}: "):
        seed(mock)


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        (lambda m: m.functions.create("f", 123), "the code must be str or bytes, not int"),
        (lambda m: m.key_value_stores.create("s", comment=7), "the comment must be a str, not int"),
        (lambda m: m.key_value_stores.create("s").put("k", 5), "a value must be a str, not int"),
        (lambda m: m.key_value_stores.create("s").put(5, "v"), "a key must be a str, not int"),
        (lambda m: m.key_value_stores.create("s").put("k", None), "a value must be a str, not NoneType"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_type_error(
    mock: CloudFrontMock, seed: Callable[[CloudFrontMock], Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        seed(mock)
    assert list(mock.functions) == []  # bytes(123) used to store 123 NUL bytes as the code


def test_store_seeding_cannot_make_what_the_api_refuses(mock: CloudFrontMock) -> None:
    with pytest.raises(ValueError, match="longer than 128"):
        mock.key_value_stores.create("long", comment="c" * 129)  # the API: MalformedXML
    store = mock.key_value_stores.create("s", comment="c" * 128)
    with pytest.raises(ValueError, match="must not be empty"):
        store.put("", "x")  # the API: the key's minimum length is 1
    assert sorted(mock.key_value_stores) == ["s"] and store.data == {}


def test_creating_a_store_with_too_much_data_leaves_no_store_behind(mock: CloudFrontMock) -> None:
    too_much = {f"k{i}": "v" * 1000 for i in range(6000)}  # over the 5 MB quota
    with pytest.raises(ValueError, match=r"^ServiceQuotaExceededException: "):
        mock.key_value_stores.create("big", data=too_much)
    assert list(mock.key_value_stores) == []
    assert mock.key_value_stores.create("big", data={"a": "b"}).data == {"a": "b"}  # the retry works


def test_writing_nothing_changes_nothing(mock: CloudFrontMock) -> None:
    store = mock.key_value_stores.create("s", data={"a": "1"})
    etag = store.etag
    store.update({})
    store.load_import_file({"data": []})
    assert store.etag == etag  # a test holding the ETag must not get a ConflictException
    store.load_import_file(b'{"data": [{"key": "b", "value": "2"}]}')  # bytes are read as UTF-8
    assert store.data == {"a": "1", "b": "2"} and store.etag != etag


def test_a_handle_of_a_store_deleted_through_the_api_refuses_writes(mock: CloudFrontMock) -> None:
    handle = mock.key_value_stores.create("ghost")
    cf = boto3.client("cloudfront", region_name="us-east-1")
    cf.delete_key_value_store(Name="ghost", IfMatch=cf.describe_key_value_store(Name="ghost")["ETag"])
    for write in (lambda: handle.put("x", "y"), lambda: handle.update({"x": "y"}), lambda: handle.delete("x")):
        with pytest.raises(RuntimeError, match="was deleted"):
            write()
    assert "ghost" not in mock.key_value_stores


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"count": 1.5}, TypeError, "count must be an int, not float"),
        ({"count": float("nan")}, TypeError, "count must be an int, not float"),
        ({"count": "2"}, TypeError, "count must be an int, not str"),
        ({"count": None}, TypeError, "count must be an int, not NoneType"),
        ({"count": True}, TypeError, "count must be an int, not bool"),
        ({"count": 0}, ValueError, "count must be at least 1"),
        ({"message": 123}, TypeError, "message must be a str or None, not int"),
    ],
)
def test_inject_error_checks_its_arguments_where_they_are_given(
    mock: CloudFrontMock, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        mock.inject_error("ListFunctions", "InvalidArgument", **kwargs)
    cf = boto3.client("cloudfront", region_name="us-east-1")
    assert cf.list_functions()["FunctionList"]["Quantity"] == 0  # nothing was queued
