"""KeyValueStore quotas on the data plane (decision 44), through a real boto3 client.

Every quota answers ``ServiceQuotaExceededException`` with the status of the loaded model's error shape and a
``Limit exceeded: Maximum …`` message (two recorded from AWS: terraform-provider-aws#42789 for more than 50
keys in one UpdateKeys, sst#5748/sst#6052 for a value over 1 KB). A call that breaks one changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

DUMMY = {"aws_access_key_id": "x", "aws_secret_access_key": "y"}
_MODEL = botocore.session.get_session().get_service_model("cloudfront-keyvaluestore")
QUOTA = "ServiceQuotaExceededException"
QUOTA_STATUS = _MODEL.shape_for(QUOTA).metadata["error"]["httpStatusCode"]
# Recorded AWS answers (decision 44).
TOO_MANY_KEYS = "Limit exceeded: Maximum key values pairs that you can update in a single API request"
VALUE_TOO_BIG = "Limit exceeded: Maximum size of the value in a key value pair"
LIMIT_PREFIX = "Limit exceeded: Maximum "
KIB, MIB = 1024, 1024 * 1024


@pytest.fixture
def kvs(cloudfront_functions: Any) -> Any:
    return boto3.client("cloudfront-keyvaluestore", region_name="us-east-1", **DUMMY)


@pytest.fixture
def store(cloudfront_functions: Any) -> Any:
    boto3.client("cloudfront", region_name="us-east-1", **DUMMY).create_key_value_store(Name="store")
    handle = cloudfront_functions.key_value_stores["store"]
    handle.update({"kept": "1", "other": "2"})
    return handle


def _quota_error(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as excinfo:
        call()
    response = excinfo.value.response
    assert response["Error"]["Code"] == QUOTA
    assert response["ResponseMetadata"]["HTTPStatusCode"] == QUOTA_STATUS
    assert excinfo.type.__name__ == QUOTA  # the modelled exception class, so `except client.exceptions.…` works
    return str(response["Error"]["Message"])


def _writes(kvs: Any, store: Any, key: str, value: str) -> dict[str, Callable[[], Any]]:
    """Every data-plane write that can carry the entry."""
    return {
        "put_key": lambda: kvs.put_key(KvsARN=store.arn, IfMatch=store.etag, Key=key, Value=value),
        "update_keys": lambda: kvs.update_keys(
            KvsARN=store.arn, IfMatch=store.etag, Puts=[{"Key": "fine", "Value": "x"}, {"Key": key, "Value": value}]
        ),
    }


@pytest.mark.parametrize("operation", ["put_key", "update_keys"])
def test_a_value_over_1_kb_is_the_recorded_quota_answer(kvs: Any, store: Any, operation: str) -> None:
    before, etag = store.data, store.etag
    assert _quota_error(_writes(kvs, store, "k", "v" * (KIB + 1))[operation]) == VALUE_TOO_BIG
    assert (store.data, store.etag) == (before, etag)


@pytest.mark.parametrize("operation", ["put_key", "update_keys"])
def test_a_key_over_512_bytes_answers_the_same_way(kvs: Any, store: Any, operation: str) -> None:
    before, etag = store.data, store.etag
    message = _quota_error(_writes(kvs, store, "é" * 257, "v")[operation])  # 514 bytes of UTF-8
    assert message.startswith(LIMIT_PREFIX) and "key" in message
    assert (store.data, store.etag) == (before, etag)


@pytest.mark.parametrize("deletes", [0, 1, 25])
def test_more_than_50_keys_in_one_update_keys_is_the_recorded_quota_answer(kvs: Any, store: Any, deletes: int) -> None:
    store.update({f"d{i}": "x" for i in range(deletes)})
    before, etag = store.data, store.etag
    puts = [{"Key": f"p{i}", "Value": "1"} for i in range(51 - deletes)]
    message = _quota_error(
        lambda: kvs.update_keys(
            KvsARN=store.arn, IfMatch=etag, Puts=puts, Deletes=[{"Key": f"d{i}"} for i in range(deletes)]
        )
    )
    assert message == TOO_MANY_KEYS
    assert (store.data, store.etag) == (before, etag)


def test_a_call_over_3_mb_answers_the_same_way(kvs: Any, store: Any) -> None:
    """The value quota would catch it too; the size of the call is checked first, as a payload limit is."""
    before, etag = store.data, store.etag
    message = _quota_error(lambda: kvs.put_key(KvsARN=store.arn, IfMatch=etag, Key="k", Value="v" * (3 * MIB + 1)))
    assert message.startswith(LIMIT_PREFIX) and message != VALUE_TOO_BIG
    assert (store.data, store.etag) == (before, etag)


def test_a_store_past_5_mb_answers_the_same_way_on_every_write(kvs: Any, store: Any) -> None:
    store.update({f"k{i:05d}": "v" * 1018 for i in range(5119)})  # 5119 KiB + the two small entries
    room = 5 * MIB - sum(len(k) + len(v) for k, v in store.data.items())
    before, etag = store.data, store.etag
    messages = {
        _quota_error(lambda: kvs.put_key(KvsARN=store.arn, IfMatch=etag, Key="z", Value="v" * room)),
        _quota_error(
            lambda: kvs.update_keys(
                KvsARN=store.arn,
                IfMatch=etag,
                Puts=[{"Key": "z", "Value": "v" * (room + 5)}],  # 1 byte over, after the delete frees 5
                Deletes=[{"Key": "kept"}],
            )
        ),
    }
    (message,) = messages
    assert message.startswith(LIMIT_PREFIX) and "store" in message
    assert (store.data, store.etag) == (before, etag)
    # exactly full is fine
    done = kvs.put_key(KvsARN=store.arn, IfMatch=etag, Key="z", Value="v" * (room - 1))
    assert done["TotalSizeInBytes"] == 5 * MIB


def test_an_over_quota_update_keys_deletes_nothing(kvs: Any, store: Any) -> None:
    """All or nothing: the deletes of a call whose puts break a quota are not applied either."""
    etag = store.etag
    _quota_error(
        lambda: kvs.update_keys(
            KvsARN=store.arn, IfMatch=etag, Puts=[{"Key": "k", "Value": "v" * (KIB + 1)}], Deletes=[{"Key": "kept"}]
        )
    )
    assert store.data == {"kept": "1", "other": "2"}
    assert kvs.describe_key_value_store(KvsARN=store.arn)["ETag"] == etag


def test_the_limits_themselves_are_allowed(kvs: Any, store: Any) -> None:
    etag = kvs.put_key(KvsARN=store.arn, IfMatch=store.etag, Key="k" * 512, Value="v" * KIB)["ETag"]
    done = kvs.update_keys(KvsARN=store.arn, IfMatch=etag, Puts=[{"Key": f"p{i}", "Value": "1"} for i in range(50)])
    assert done["ItemCount"] == 53


def test_seeding_past_a_quota_is_a_value_error_naming_it(store: Any) -> None:
    with pytest.raises(ValueError, match=f"^{QUOTA}: {VALUE_TOO_BIG}$"):
        store.put("k", "v" * (KIB + 1))
    assert store.data == {"kept": "1", "other": "2"}
