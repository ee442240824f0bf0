"""KeyValueStore data plane (cloudfront-keyvaluestore, rest-json) through boto3 clients with dummy credentials.

DescribeKeyValueStore, GetKey, PutKey, DeleteKey, ListKeys and UpdateKeys, checked against
docs/spec/api.md §2.5, §7, §8, §9 and decisions.md 35–36, without awscrt (SigV4A falls back while
the mock is active). Seeding goes through ``m.key_value_stores[name]`` (runtime.md §6 import-file format).
"""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

import cfmock

ACCOUNT = "123456789012"
DUMMY = {"aws_access_key_id": "x", "aws_secret_access_key": "y"}
MISSING_ARN = f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/00000000-0000-4000-8000-00000000dead"
FIVE_MB = 5 * 1024 * 1024
_MODEL = botocore.session.get_session().get_service_model("cloudfront-keyvaluestore")
QUOTA_STATUS = _MODEL.shape_for("ServiceQuotaExceededException").metadata["error"]["httpStatusCode"]
VALIDATION_STATUS = _MODEL.shape_for("ValidationException").metadata["error"]["httpStatusCode"]


@pytest.fixture(scope="module")
def shared_client() -> Any:
    """Created before any activation, with a region and only dummy credentials."""
    return boto3.client("cloudfront-keyvaluestore", region_name="us-east-1", **DUMMY)


@pytest.fixture
def kvs(cloudfront_functions: Any, shared_client: Any) -> Any:
    return shared_client


@pytest.fixture
def store(cloudfront_functions: Any) -> Any:
    """An empty store, created through the control plane."""
    cf = boto3.client("cloudfront", region_name="us-east-1", **DUMMY)
    cf.create_key_value_store(Name="store")
    return cloudfront_functions.key_value_stores["store"]


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def etag_of(kvs: Any, arn: str) -> str:
    return str(kvs.describe_key_value_store(KvsARN=arn)["ETag"])


def utf8_size(data: dict[str, str]) -> int:
    return sum(len(k.encode()) + len(v.encode()) for k, v in data.items())


# -- setup: no awscrt, dummy credentials, any client -------------------------------------------------------------


def test_awscrt_is_not_installed() -> None:
    """decisions 36: the data plane must work without awscrt (api.md §2.5: SigV4A needs it otherwise)."""
    assert importlib.util.find_spec("awscrt") is None


def test_a_client_created_before_activation_works(kvs: Any, store: Any) -> None:
    """decisions 36; the module's client was built before any activation."""
    assert kvs.describe_key_value_store(KvsARN=store.arn)["KvsARN"] == store.arn


def test_a_client_created_with_no_region_works(
    cloudfront_functions: Any, store: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """The data plane is global: a client with no region gets us-east-1 while the mock is active."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    # boto3's default session reads the config once, and the fixtures above may have made it already: with a
    # region in ~/.aws/config (a developer's machine, a CI runner) the client then had that region, not none.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    client = boto3.client("cloudfront-keyvaluestore", **DUMMY)
    assert client.meta.region_name == "us-east-1"
    store.put("k", "v")
    assert client.get_key(KvsARN=store.arn, Key="k")["Value"] == "v"


def test_a_client_with_no_credentials_at_all_works(cloudfront_functions: Any, store: Any, monkeypatch: Any) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.client("cloudfront-keyvaluestore", region_name="us-east-1")
    assert client.describe_key_value_store(KvsARN=store.arn)["ItemCount"] == 0


def test_the_same_client_works_across_activations(shared_client: Any) -> None:
    """A new activation has fresh state; the old client reaches it."""
    for value in ("one", "two"):
        with cfmock.mock_cloudfront_functions() as m:
            handle = m.key_value_stores.create("s", data={"k": value})
            assert shared_client.get_key(KvsARN=handle.arn, Key="k")["Value"] == value


# -- DescribeKeyValueStore ------------------------------------------------------------------------------------------


def test_describe_reports_counts_etag_and_times(kvs: Any, store: Any) -> None:
    """api.md §7: ItemCount, TotalSizeInBytes (UTF-8 key + value, decisions 35), ETag header, Created/LastModified."""
    empty = kvs.describe_key_value_store(KvsARN=store.arn)
    assert empty["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert (empty["ItemCount"], empty["TotalSizeInBytes"], empty["Status"]) == (0, 0, "READY")
    assert empty["KvsARN"] == store.arn
    assert empty["ETag"] == store.etag
    assert empty["ResponseMetadata"]["HTTPHeaders"]["etag"] == empty["ETag"]
    assert isinstance(empty["Created"], datetime) and empty["Created"].tzinfo is not None
    assert abs(empty["Created"] - datetime.now(UTC)) < timedelta(minutes=1)
    assert "FailureReason" not in empty

    data = {"ascii": "value", "ключ": "значение", "emoji-🙂": "✓", "empty": ""}
    kvs.update_keys(KvsARN=store.arn, IfMatch=empty["ETag"], Puts=[{"Key": k, "Value": v} for k, v in data.items()])
    full = kvs.describe_key_value_store(KvsARN=store.arn)
    assert full["ItemCount"] == 4
    assert full["TotalSizeInBytes"] == utf8_size(data) != sum(len(k) + len(v) for k, v in data.items())
    assert full["Created"] == empty["Created"]
    assert full["LastModified"] >= empty["LastModified"]
    assert full["ETag"] != empty["ETag"]


def test_timestamps_are_epoch_seconds_on_the_wire(cloudfront_functions: Any, store: Any) -> None:
    """api.md §2.5: rest-json timestamps are epoch numbers, which botocore parses to datetimes."""
    client = boto3.client("cloudfront-keyvaluestore", region_name="us-east-1", **DUMMY)
    bodies: list[bytes] = []
    client.meta.events.register(
        "before-parse.cloudfront-keyvaluestore.DescribeKeyValueStore",
        lambda response_dict, **_: bodies.append(response_dict["body"]),
    )
    parsed = client.describe_key_value_store(KvsARN=store.arn)
    raw = json.loads(bodies[0])
    assert isinstance(raw["Created"], int | float) and isinstance(raw["LastModified"], int | float)
    assert abs(parsed["Created"].timestamp() - raw["Created"]) < 0.001
    assert raw["ItemCount"] == 0


def test_data_etag_is_independent_of_the_control_plane_etag(kvs: Any, store: Any) -> None:
    """api.md §6.2, decisions 35: its own opaque string per store."""
    cf = boto3.client("cloudfront", region_name="us-east-1", **DUMMY)
    control = cf.describe_key_value_store(Name="store")["ETag"]
    data = etag_of(kvs, store.arn)
    assert data != control
    cf.create_key_value_store(Name="other")
    other = cf.describe_key_value_store(Name="other")["KeyValueStore"]["ARN"]
    assert etag_of(kvs, other) != data  # per store


# -- GetKey / PutKey / DeleteKey --------------------------------------------------------------------------------------


def test_put_get_delete_round_trip(kvs: Any, store: Any) -> None:
    etag = etag_of(kvs, store.arn)
    put = kvs.put_key(KvsARN=store.arn, Key="a/b c?é", Value="ü", IfMatch=etag)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert (put["ItemCount"], put["TotalSizeInBytes"]) == (1, len("a/b c?é".encode()) + 2)
    assert put["ETag"] != etag
    assert put["ResponseMetadata"]["HTTPHeaders"]["etag"] == put["ETag"]

    got = kvs.get_key(KvsARN=store.arn, Key="a/b c?é")
    assert {k: got[k] for k in ("Key", "Value", "ItemCount", "TotalSizeInBytes")} == {
        "Key": "a/b c?é",
        "Value": "ü",
        "ItemCount": 1,
        "TotalSizeInBytes": put["TotalSizeInBytes"],
    }
    assert store.get("a/b c?é") == "ü"

    replaced = kvs.put_key(KvsARN=store.arn, Key="a/b c?é", Value="longer", IfMatch=put["ETag"])
    assert replaced["ItemCount"] == 1
    assert replaced["TotalSizeInBytes"] == len("a/b c?é".encode()) + 6

    deleted = kvs.delete_key(KvsARN=store.arn, Key="a/b c?é", IfMatch=replaced["ETag"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 200  # not 204: a body
    assert (deleted["ItemCount"], deleted["TotalSizeInBytes"]) == (0, 0)
    assert deleted["ETag"] not in (etag, put["ETag"], replaced["ETag"])
    assert store.data == {}


def test_every_write_changes_the_etag_and_reads_do_not(kvs: Any, store: Any) -> None:
    """decisions 35."""
    seen = [etag_of(kvs, store.arn)]

    def read_everything() -> None:
        kvs.describe_key_value_store(KvsARN=store.arn)
        kvs.list_keys(KvsARN=store.arn)
        if store.data:
            kvs.get_key(KvsARN=store.arn, Key=next(iter(store.data)))
        assert etag_of(kvs, store.arn) == seen[-1]

    read_everything()
    seen.append(kvs.put_key(KvsARN=store.arn, Key="a", Value="1", IfMatch=seen[-1])["ETag"])
    read_everything()
    seen.append(kvs.put_key(KvsARN=store.arn, Key="a", Value="1", IfMatch=seen[-1])["ETag"])  # same value: a write
    read_everything()
    seen.append(kvs.update_keys(KvsARN=store.arn, IfMatch=seen[-1], Puts=[{"Key": "b", "Value": "2"}])["ETag"])
    read_everything()
    seen.append(kvs.delete_key(KvsARN=store.arn, Key="a", IfMatch=seen[-1])["ETag"])
    read_everything()
    seen.append(kvs.update_keys(KvsARN=store.arn, IfMatch=seen[-1], Deletes=[{"Key": "b"}])["ETag"])
    read_everything()
    assert len(set(seen)) == len(seen)
    assert store.etag == seen[-1]


WRITES = {
    "put_key": {"Key": "a", "Value": "new"},
    "delete_key": {"Key": "a"},
    "update_keys": {"Puts": [{"Key": "b", "Value": "2"}]},
}


@pytest.mark.parametrize("operation", WRITES)
def test_stale_etag_is_conflict_exception(kvs: Any, store: Any, operation: str) -> None:
    """decisions 35: stale If-Match -> ConflictException 409; nothing changes."""
    stale = etag_of(kvs, store.arn)
    store.put("a", "1")
    current = etag_of(kvs, store.arn)
    with pytest.raises(kvs.exceptions.ConflictException) as excinfo:
        getattr(kvs, operation)(KvsARN=store.arn, IfMatch=stale, **WRITES[operation])
    assert error_of(excinfo) == ("ConflictException", 409)
    assert excinfo.value.response["Error"]["Message"]
    assert store.data == {"a": "1"}
    assert etag_of(kvs, store.arn) == current


@pytest.mark.parametrize("operation", ["get_key", "delete_key"])
def test_missing_key_is_resource_not_found(kvs: Any, store: Any, operation: str) -> None:
    """decisions 35: GetKey/DeleteKey of a missing key -> ResourceNotFoundException 404."""
    store.put("a", "1")
    etag = store.etag
    kwargs = {"IfMatch": etag} if operation == "delete_key" else {}
    with pytest.raises(kvs.exceptions.ResourceNotFoundException) as excinfo:
        getattr(kvs, operation)(KvsARN=store.arn, Key="missing", **kwargs)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    assert (store.data, store.etag) == ({"a": "1"}, etag)


UNKNOWN_STORE_CALLS = {
    "describe_key_value_store": {},
    "get_key": {"Key": "a"},
    "put_key": {"Key": "a", "Value": "1", "IfMatch": "whatever"},
    "delete_key": {"Key": "a", "IfMatch": "whatever"},
    "list_keys": {},
    "update_keys": {"IfMatch": "whatever", "Puts": [{"Key": "a", "Value": "1"}]},
}


@pytest.mark.parametrize("operation", UNKNOWN_STORE_CALLS)
def test_unknown_store_arn_is_resource_not_found(kvs: Any, store: Any, operation: str) -> None:
    """api.md §7: an ARN that parses but names no store -> ResourceNotFoundException 404 (before the ETag)."""
    with pytest.raises(kvs.exceptions.ResourceNotFoundException) as excinfo:
        getattr(kvs, operation)(KvsARN=MISSING_ARN, **UNKNOWN_STORE_CALLS[operation])
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


def test_a_deleted_store_is_resource_not_found(kvs: Any, store: Any) -> None:
    cf = boto3.client("cloudfront", region_name="us-east-1", **DUMMY)
    cf.delete_key_value_store(Name="store", IfMatch="ETVPDKIKX0DER")
    with pytest.raises(kvs.exceptions.ResourceNotFoundException):
        kvs.describe_key_value_store(KvsARN=store.arn)


# -- sizes and quotas (api.md §7, §9) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "ok"),
    [
        ("k" * 512, "v", True),
        ("é" * 256, "v", True),  # 512 bytes
        ("k" * 513, "v", False),
        ("é" * 257, "v", False),  # 514 bytes in 257 characters
        ("k", "v" * 1024, True),
        ("k", "é" * 512, True),
        ("k", "v" * 1025, False),
        ("k", "é" * 513, False),  # 1026 bytes
    ],
    ids=[
        "key-512",
        "key-512-bytes-utf8",
        "key-513",
        "key-514-bytes-utf8",
        "value-1k",
        "value-1k-utf8",
        "value-1025",
        "value-1026-bytes-utf8",
    ],
)
@pytest.mark.parametrize("operation", ["put_key", "update_keys"])
def test_key_and_value_byte_limits(kvs: Any, store: Any, key: str, value: str, ok: bool, operation: str) -> None:
    """Keys over 512 bytes and values over 1 KB break a quota (decisions 44); the limits count UTF-8 bytes."""
    etag = store.etag

    def call() -> Any:
        if operation == "put_key":
            return kvs.put_key(KvsARN=store.arn, Key=key, Value=value, IfMatch=etag)
        return kvs.update_keys(KvsARN=store.arn, IfMatch=etag, Puts=[{"Key": key, "Value": value}])

    if ok:
        assert call()["ItemCount"] == 1
        assert store.get(key) == value
    else:
        with pytest.raises(kvs.exceptions.ServiceQuotaExceededException) as excinfo:
            call()
        assert error_of(excinfo) == ("ServiceQuotaExceededException", QUOTA_STATUS)
        assert (store.data, store.etag) == ({}, etag)


def test_store_size_quota_is_service_quota_exceeded(kvs: Any, store: Any) -> None:
    """api.md §7: past 5 MB -> ServiceQuotaExceededException (HTTP 402); exactly 5 MB is allowed."""
    store.update({f"k{i:05d}": "v" * 1018 for i in range(5120)})  # 5120 × 1024 bytes = exactly 5 MiB
    assert kvs.describe_key_value_store(KvsARN=store.arn)["TotalSizeInBytes"] == FIVE_MB
    etag = store.etag
    with pytest.raises(kvs.exceptions.ServiceQuotaExceededException) as excinfo:
        kvs.put_key(KvsARN=store.arn, Key="z", Value="", IfMatch=etag)
    assert error_of(excinfo) == ("ServiceQuotaExceededException", QUOTA_STATUS)
    with pytest.raises(kvs.exceptions.ServiceQuotaExceededException):
        kvs.update_keys(KvsARN=store.arn, IfMatch=etag, Puts=[{"Key": "k00000", "Value": "v" * 1019}])
    assert store.etag == etag
    assert kvs.describe_key_value_store(KvsARN=store.arn)["ItemCount"] == 5120
    # a same-size replacement, and one that frees room, still fit
    etag = kvs.put_key(KvsARN=store.arn, Key="k00000", Value="w" * 1018, IfMatch=etag)["ETag"]
    done = kvs.update_keys(
        KvsARN=store.arn, IfMatch=etag, Deletes=[{"Key": "k00001"}], Puts=[{"Key": "z", "Value": "v" * 1000}]
    )
    assert done["TotalSizeInBytes"] == FIVE_MB - 1024 + 1001


# -- ListKeys ----------------------------------------------------------------------------------------------------------

SEEDED = {f"key-{i:03d}": f"value-{i}" for i in range(120)}


def test_list_keys_is_ordered_and_pages_by_hand_with_next_token(kvs: Any, cloudfront_functions: Any) -> None:
    """decisions 35: ordered by key; MaxResults 1–50 with an opaque NextToken, absent on the last page."""
    handle = cloudfront_functions.key_value_stores.create("s", data=dict(reversed(list(SEEDED.items()))))
    items: list[tuple[str, str]] = []
    token: str | None = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"NextToken": token} if token else {}
        page = kvs.list_keys(KvsARN=handle.arn, MaxResults=50, **kwargs)
        pages += 1
        items += [(i["Key"], i["Value"]) for i in page["Items"]]
        token = page.get("NextToken")
        if not token:
            assert "NextToken" not in page
            break
    assert pages == 3
    assert items == sorted(SEEDED.items())


def test_list_keys_default_page_is_ten(kvs: Any, cloudfront_functions: Any) -> None:
    handle = cloudfront_functions.key_value_stores.create("s", data=SEEDED)
    page = kvs.list_keys(KvsARN=handle.arn)
    assert [i["Key"] for i in page["Items"]] == sorted(SEEDED)[:10]
    assert page["NextToken"]


@pytest.mark.parametrize("page_size", [None, 7, 50])
def test_list_keys_paginator(kvs: Any, cloudfront_functions: Any, page_size: int | None) -> None:
    handle = cloudfront_functions.key_value_stores.create("s", data=SEEDED)
    config = {"PageSize": page_size} if page_size else {}
    pages = list(kvs.get_paginator("list_keys").paginate(KvsARN=handle.arn, PaginationConfig=config))
    assert [(i["Key"], i["Value"]) for p in pages for i in p["Items"]] == sorted(SEEDED.items())
    assert len(pages) == -(-120 // (page_size or 10))


def test_list_keys_of_an_empty_store(kvs: Any, store: Any) -> None:
    page = kvs.list_keys(KvsARN=store.arn)
    assert page.get("Items", []) == []
    assert "NextToken" not in page


@pytest.mark.parametrize("max_results", [51, 1000])
def test_max_results_over_50_is_validation_exception(kvs: Any, store: Any, max_results: int) -> None:
    """api.md §9: MaxResults 1–50; botocore only checks the minimum."""
    with pytest.raises(kvs.exceptions.ValidationException) as excinfo:
        kvs.list_keys(KvsARN=store.arn, MaxResults=max_results)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert kvs.list_keys(KvsARN=store.arn, MaxResults=50)["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize("token", ["%%% not a token %%%", "!!!", "%%%", "a2V5=="])
def test_list_keys_with_a_bad_token_is_validation_exception(kvs: Any, store: Any, token: str) -> None:
    """A token cfmock did not issue is refused, never read as 'from the start' (which can loop a client)."""
    kvs.put_key(KvsARN=store.arn, Key="key", Value="v", IfMatch=etag_of(kvs, store.arn))
    with pytest.raises(kvs.exceptions.ValidationException):
        kvs.list_keys(KvsARN=store.arn, NextToken=token)


# -- UpdateKeys -------------------------------------------------------------------------------------------------------


def test_update_keys_applies_puts_and_deletes_together(kvs: Any, store: Any) -> None:
    store.update({"a": "1", "b": "2", "c": "3"})
    etag = store.etag
    done = kvs.update_keys(
        KvsARN=store.arn,
        IfMatch=etag,
        Puts=[{"Key": "a", "Value": "one"}, {"Key": "d", "Value": "4"}],
        Deletes=[{"Key": "b"}],
    )
    assert store.data == {"a": "one", "c": "3", "d": "4"}
    assert (done["ItemCount"], done["TotalSizeInBytes"]) == (3, utf8_size(store.data))
    assert done["ETag"] != etag
    assert done["ResponseMetadata"]["HTTPStatusCode"] == 200


def _failing_batches() -> dict[str, tuple[str, dict[str, Any]]]:
    good = [{"Key": "new", "Value": "1"}]
    quota, invalid = "ServiceQuotaExceededException", "ValidationException"
    return {
        "value-too-big": (quota, {"Puts": [*good, {"Key": "big", "Value": "x" * 1025}]}),
        "key-too-big": (quota, {"Puts": [*good, {"Key": "k" * 513, "Value": "x"}]}),
        "51-keys": (quota, {"Puts": [{"Key": f"p{i}", "Value": "1"} for i in range(51)]}),
        "51-keys-mixed": (
            quota,
            {
                "Puts": [{"Key": f"p{i}", "Value": "1"} for i in range(26)],
                "Deletes": [{"Key": f"k{i}"} for i in range(25)],
            },
        ),
        "empty": (invalid, {}),
        "empty-lists": (invalid, {"Puts": [], "Deletes": []}),
    }


@pytest.mark.parametrize(("code", "batch"), _failing_batches().values(), ids=_failing_batches().keys())
def test_a_failing_batch_changes_nothing_and_keeps_the_etag(
    kvs: Any, store: Any, code: str, batch: dict[str, Any]
) -> None:
    """api.md §7: UpdateKeys is atomic; a broken quota (decisions 44) or an empty batch changes nothing."""
    store.update({f"k{i}": "v" for i in range(25)})
    before, etag = store.data, store.etag
    with pytest.raises(ClientError) as excinfo:
        kvs.update_keys(KvsARN=store.arn, IfMatch=etag, **batch)
    status = _MODEL.shape_for(code).metadata["error"]["httpStatusCode"]
    assert error_of(excinfo) == (code, status)
    assert (store.data, store.etag) == (before, etag)
    described = kvs.describe_key_value_store(KvsARN=store.arn)
    assert (described["ETag"], described["ItemCount"]) == (etag, 25)


def test_a_batch_deleting_a_missing_key_changes_nothing(kvs: Any, store: Any) -> None:
    store.put("a", "1")
    etag = store.etag
    with pytest.raises(ClientError):
        kvs.update_keys(KvsARN=store.arn, IfMatch=etag, Puts=[{"Key": "b", "Value": "2"}], Deletes=[{"Key": "missing"}])
    assert (store.data, store.etag) == ({"a": "1"}, etag)


def test_fifty_keys_in_one_batch_are_accepted(kvs: Any, store: Any) -> None:
    store.update({f"k{i}": "v" for i in range(25)})
    done = kvs.update_keys(
        KvsARN=store.arn,
        IfMatch=store.etag,
        Puts=[{"Key": f"p{i}", "Value": "1"} for i in range(25)],
        Deletes=[{"Key": f"k{i}"} for i in range(25)],
    )
    assert done["ItemCount"] == 25
    assert set(store.data) == {f"p{i}" for i in range(25)}


# -- errors only inject_error can produce ------------------------------------------------------------------------------

CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "GetKey": ("get_key", {"Key": "a"}),
    "PutKey": ("put_key", {"Key": "a", "Value": "2"}),
    "DeleteKey": ("delete_key", {"Key": "a"}),
    "ListKeys": ("list_keys", {}),
    "UpdateKeys": ("update_keys", {"Puts": [{"Key": "b", "Value": "2"}]}),
}
WRITE_OPERATIONS = {"PutKey", "DeleteKey", "UpdateKeys"}
DOCUMENTED = [
    (op, shape.error_code, shape.metadata["error"]["httpStatusCode"])
    for op in CALLS
    for shape in _MODEL.operation_model(op).error_shapes
]


@pytest.mark.parametrize(("operation", "code", "status"), DOCUMENTED, ids=[f"{o}-{c}" for o, c, _ in DOCUMENTED])
def test_every_documented_error_can_be_injected(
    kvs: Any, cloudfront_functions: Any, operation: str, code: str, status: int
) -> None:
    """InternalServerException (500, answered once: no retries), AccessDeniedException 403 and the rest."""
    handle = cloudfront_functions.key_value_stores.create("s", data={"a": "1"})
    method, kwargs = CALLS[operation]
    if operation in WRITE_OPERATIONS:
        kwargs = {**kwargs, "IfMatch": handle.etag}
    etag = handle.etag
    cloudfront_functions.inject_error(operation, code)
    with pytest.raises(getattr(kvs.exceptions, code)) as excinfo:
        getattr(kvs, method)(KvsARN=handle.arn, **kwargs)
    assert error_of(excinfo) == (code, status)
    assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert (handle.data, handle.etag) == ({"a": "1"}, etag)
    getattr(kvs, method)(KvsARN=handle.arn, **kwargs)  # count=1: answered normally next time


def test_data_plane_describe_errors_can_be_injected(kvs: Any, cloudfront_functions: Any) -> None:
    """The data plane's DescribeKeyValueStore documents ConflictException, InternalServerException,
    ResourceNotFoundException and AccessDeniedException (api.md §7); inject_error must reach them although the
    control plane has an operation of the same name."""
    handle = cloudfront_functions.key_value_stores.create("s")
    documented = {
        shape.error_code: shape.metadata["error"]["httpStatusCode"]
        for shape in _MODEL.operation_model("DescribeKeyValueStore").error_shapes
    }
    for code, status in sorted(documented.items()):
        cloudfront_functions.inject_error("DescribeKeyValueStore", code)
        with pytest.raises(getattr(kvs.exceptions, code)) as excinfo:
            kvs.describe_key_value_store(KvsARN=handle.arn)
        assert error_of(excinfo) == (code, status)


# -- seeding through m.key_value_stores (runtime.md §6) --------------------------------------------------------------


def test_seeding_handle_is_visible_through_the_data_plane(kvs: Any, cloudfront_functions: Any) -> None:
    handle = cloudfront_functions.key_value_stores.create("seeded", comment="from a test", data={"a": "1"})
    cf = boto3.client("cloudfront", region_name="us-east-1", **DUMMY)
    assert cf.describe_key_value_store(Name="seeded")["KeyValueStore"]["Comment"] == "from a test"
    assert kvs.get_key(KvsARN=handle.arn, Key="a")["Value"] == "1"

    etag = handle.etag
    assert kvs.describe_key_value_store(KvsARN=handle.arn)["ETag"] == etag
    handle.put("b", "2")
    assert handle.etag != etag  # a seed write is a write (decisions 35)
    handle.update({"c": "3", "d": "4"})
    handle.delete("a")
    assert handle.get("b") == "2"
    assert handle.data == {"b": "2", "c": "3", "d": "4"}
    with pytest.raises(KeyError):
        handle.delete("a")
    with pytest.raises(KeyError):
        handle.get("a")
    page = kvs.list_keys(KvsARN=handle.arn)
    assert [(i["Key"], i["Value"]) for i in page["Items"]] == [("b", "2"), ("c", "3"), ("d", "4")]
    assert kvs.describe_key_value_store(KvsARN=handle.arn)["ETag"] == handle.etag
    # and the other way round: data-plane writes show up in the handle
    kvs.put_key(KvsARN=handle.arn, Key="e", Value="5", IfMatch=handle.etag)
    assert handle.get("e") == "5"
    assert cloudfront_functions.key_value_stores["seeded"].data == handle.data


def test_load_import_file_in_the_documented_format(kvs: Any, cloudfront_functions: Any) -> None:
    """runtime.md §6: ``{"data":[{"key":…,"value":…}]}``, as a string or a mapping."""
    handle = cloudfront_functions.key_value_stores.create("s")
    handle.load_import_file('{"data": [{"key": "k1", "value": "v1"}, {"key": "ключ", "value": "значение"}]}')
    handle.load_import_file({"data": [{"key": "k2", "value": "v2"}]})
    assert kvs.get_key(KvsARN=handle.arn, Key="ключ")["Value"] == "значение"
    described = kvs.describe_key_value_store(KvsARN=handle.arn)
    assert described["ItemCount"] == 3
    assert described["TotalSizeInBytes"] == utf8_size({"k1": "v1", "ключ": "значение", "k2": "v2"})


@pytest.mark.parametrize(
    "document",
    [
        {"data": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]},
        {"data": [{"key": "a", "value": 1}]},
        {"items": []},
        '{"data": [',
    ],
    ids=["duplicate", "non-string", "no-data", "bad-json"],
)
def test_load_import_file_rejects_bad_documents_and_loads_nothing(cloudfront_functions: Any, document: Any) -> None:
    handle = cloudfront_functions.key_value_stores.create("s", data={"kept": "yes"})
    etag = handle.etag
    with pytest.raises(ValueError):
        handle.load_import_file(document)
    assert (handle.data, handle.etag) == ({"kept": "yes"}, etag)


def test_seeding_respects_the_quotas(cloudfront_functions: Any) -> None:
    handle = cloudfront_functions.key_value_stores.create("s")
    with pytest.raises(Exception, match=r"^ServiceQuotaExceededException: Limit exceeded: Maximum size of the key"):
        handle.put("k" * 513, "v")
    assert handle.data == {}


def test_key_value_stores_view_lists_and_rejects_unknown_names(cloudfront_functions: Any) -> None:
    cloudfront_functions.key_value_stores.create("b")
    cloudfront_functions.key_value_stores.create("a")
    assert list(cloudfront_functions.key_value_stores) == ["a", "b"]
    assert len(cloudfront_functions.key_value_stores) == 2
    with pytest.raises(KeyError):
        cloudfront_functions.key_value_stores["nope"]
    with pytest.raises(ValueError):
        cloudfront_functions.key_value_stores.create("bad name!")
