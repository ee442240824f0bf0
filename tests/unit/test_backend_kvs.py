"""The KeyValueStore registry, driven directly in pure Python (api.md §6, §7, §9; decisions 2, 7, 34, 35, 38).

No botocore, no wire: ``cfmock.backend.kvs`` and the in-use wiring of ``cfmock.backend.CloudFrontBackend``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_facts import max_length

from cfmock.backend import CloudFrontBackend, associated_store_arn
from cfmock.backend.errors import ServiceError
from cfmock.backend.kvs import (
    MAX_KEY_BYTES,
    MAX_STORE_BYTES,
    MAX_VALUE_BYTES,
    PROVISIONING,
    READY,
    KeyValueStore,
    KeyValueStoreRegistry,
)

V1, V2 = "ETVPDKIKX0DER", "E3UN6WX5RRO2AG"
ACCOUNT = "123456789012"
START = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
UUID_LOWER = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Clock:
    """Each reading is one second after the previous one."""

    def __init__(self) -> None:
        self.readings: list[datetime] = []

    def __call__(self) -> datetime:
        self.readings.append(START + timedelta(seconds=len(self.readings)))
        return self.readings[-1]


def registry(in_use: Any = None) -> tuple[KeyValueStoreRegistry, Clock]:
    clock = Clock()
    return KeyValueStoreRegistry(ACCOUNT, clock, in_use=in_use), clock


def code_of(excinfo: pytest.ExceptionInfo[ServiceError]) -> str:
    return excinfo.value.code


def size_of(data: dict[str, str]) -> int:
    return sum(len(k.encode()) + len(v.encode()) for k, v in data.items())


# -- control plane ----------------------------------------------------------------------------------------------


def test_create_shapes_a_provisioning_store_at_version_one() -> None:
    """api.md §3.1, §6; decisions 2, 34."""
    stores, clock = registry()
    store = stores.create("s", "a comment", [{"Key": "k", "Value": "v"}])
    assert UUID_LOWER.fullmatch(store.id)
    assert store.arn == f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/{store.id}"
    assert len(store.arn) <= max_length("KeyValueStoreARN")  # what the model lets a client send back
    assert (store.status, store.etag, store.version) == (PROVISIONING, V1, 1)
    assert store.created == store.last_modified == clock.readings[0]
    assert store.tags == [{"Key": "k", "Value": "v"}]
    assert store.summary() == {
        "Name": "s",
        "Id": store.id,
        "Comment": "a comment",
        "ARN": store.arn,
        "Status": PROVISIONING,
        "LastModifiedTime": store.created,
    }
    assert stores.provisioned(store).status == READY
    assert store.etag == V1  # READY does not bump the ETag (api.md §6.2 recommendation)
    without = stores.create("t")
    assert without.comment is None and "Comment" not in without.summary()  # decisions 43


def test_duplicate_name_and_unknown_name() -> None:
    stores, _ = registry()
    stores.create("s")
    with pytest.raises(ServiceError) as excinfo:
        stores.create("s")
    assert code_of(excinfo) == "EntityAlreadyExists"
    with pytest.raises(ServiceError) as excinfo:
        stores.find("nope")
    assert code_of(excinfo) == "EntityNotFound"


def test_the_store_quota_is_entity_limit_exceeded() -> None:
    stores, _ = registry()
    with pytest.raises(ServiceError) as excinfo:
        for i in range(1000):
            stores.create(f"s{i}")
    assert code_of(excinfo) == "EntityLimitExceeded"
    assert len(stores) in (50, 200)  # runtime.md §4: the sources say 50 or 200


def test_if_match_rules_of_update_and_delete() -> None:
    """decisions 7: empty/None -> InvalidIfMatchVersion; anything but the current ETag -> PreconditionFailed."""
    stores, _ = registry()
    store = stores.create("s")
    for operation in (lambda m: stores.update(store, m, "c"), lambda m: stores.delete(store, m)):
        for if_match, code in (
            (None, "InvalidIfMatchVersion"),
            ("", "InvalidIfMatchVersion"),
            (V2, "PreconditionFailed"),
        ):
            with pytest.raises(ServiceError) as excinfo:
                operation(if_match)
            assert code_of(excinfo) == code
    assert (store.version, store.comment) == (1, None)
    assert stores.find("s") is store


def test_update_bumps_the_version_and_etag_and_the_time() -> None:
    stores, clock = registry()
    store = stores.create("s")
    stores.update(store, V1, "second")
    assert (store.comment, store.version, store.etag) == ("second", 2, V2)
    assert store.last_modified == clock.readings[-1] > store.created
    stores.update(store, V2, "third")
    assert re.fullmatch(r"E[A-Z0-9]{12,13}", store.etag) and store.etag not in (V1, V2)
    with pytest.raises(ServiceError):
        stores.update(store, V2, "stale")


def test_delete_refuses_while_in_use_after_the_if_match_checks() -> None:
    """decisions 7, 38."""
    used: set[str] = set()
    stores, _ = registry(in_use=lambda arn: arn in used)
    store = stores.create("s")
    used.add(store.arn)
    with pytest.raises(ServiceError) as excinfo:
        stores.delete(store, "")
    assert code_of(excinfo) == "InvalidIfMatchVersion"
    with pytest.raises(ServiceError) as excinfo:
        stores.delete(store, V2)
    assert code_of(excinfo) == "PreconditionFailed"
    with pytest.raises(ServiceError) as excinfo:
        stores.delete(store, V1)
    assert code_of(excinfo) == "CannotDeleteEntityWhileInUse"
    used.clear()
    stores.delete(store, V1)
    assert len(stores) == 0
    assert not stores.exists(store.arn)


def test_listing_orders_filters_and_pages() -> None:
    """api.md §6.2: by name, Status filter, NextMarker "" on the last page, MaxItems capped at 100."""
    stores, _ = registry()
    for name in ("c", "a", "d", "b", "e"):
        stores.create(name)
    page, marker, limit = stores.listing(None, None, 2)
    assert ([s.name for s in page], limit) == (["a", "b"], 2)
    assert marker
    page, marker, _ = stores.listing(None, marker, 2)
    assert [s.name for s in page] == ["c", "d"]
    page, marker, _ = stores.listing(None, marker, 2)
    assert ([s.name for s in page], marker) == (["e"], "")
    assert {s.status for s in stores} == {READY}  # listed stores read READY (decisions 34)
    assert stores.listing(None, None, None)[2] == 100
    assert stores.listing(None, None, 500)[2] == 100
    assert stores.listing("PROVISIONING", None, None)[0] == []
    assert len(stores.listing(READY, None, None)[0]) == 5
    for bad in (0, -1):
        with pytest.raises(ServiceError) as excinfo:
            stores.listing(None, None, bad)
        assert code_of(excinfo) == "InvalidArgument"


# -- data plane -------------------------------------------------------------------------------------------------


def test_by_arn_and_exists() -> None:
    stores, _ = registry()
    store = stores.create("s")
    assert stores.by_arn(store.arn) is store
    assert stores.exists(store.arn)
    missing = f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/00000000-0000-4000-8000-000000000000"
    assert not stores.exists(missing)
    with pytest.raises(ServiceError) as excinfo:
        stores.by_arn(missing)
    assert code_of(excinfo) == "ResourceNotFoundException"


def test_data_etag_is_per_store_and_per_version_and_not_the_control_etag() -> None:
    """decisions 35."""
    stores, _ = registry()
    a, b = stores.create("a"), stores.create("b")
    assert a.data_etag != b.data_etag
    assert a.data_etag not in (a.etag, V1, V2)
    before = a.data_etag
    stores.write(a, before, {"k": "v"}, [])
    assert a.data_etag != before
    assert a.etag == V1  # data writes leave the control-plane ETag alone


def test_check_data_etag() -> None:
    stores, _ = registry()
    store = stores.create("s")
    for if_match, code in ((None, "ValidationException"), ("", "ValidationException"), ("stale", "ConflictException")):
        with pytest.raises(ServiceError) as excinfo:
            stores.write(store, if_match, {"k": "v"}, [])
        assert code_of(excinfo) == code
    assert store.data == {}
    assert store.data_version == 1


def test_get_and_counts() -> None:
    stores, clock = registry()
    store = stores.create("s")
    stores.write(store, store.data_etag, {"ключ": "значение", "a": ""}, [])
    assert store.get("ключ") == "значение"
    assert store.counts() == {"ItemCount": 2, "TotalSizeInBytes": len("ключзначение".encode()) + 1}
    assert store.data_last_modified == clock.readings[-1]
    with pytest.raises(ServiceError) as excinfo:
        store.get("missing")
    assert code_of(excinfo) == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("key", "value", "ok"),
    [
        ("k" * MAX_KEY_BYTES, "v", True),
        ("é" * (MAX_KEY_BYTES // 2), "v", True),
        ("k" * (MAX_KEY_BYTES + 1), "v", False),
        ("é" * (MAX_KEY_BYTES // 2 + 1), "v", False),
        ("k", "v" * MAX_VALUE_BYTES, True),
        ("k", "v" * (MAX_VALUE_BYTES + 1), False),
        ("k", "é" * (MAX_VALUE_BYTES // 2 + 1), False),
    ],
)
def test_entry_limits_count_utf8_bytes(key: str, value: str, ok: bool) -> None:
    """api.md §9: key 512 bytes, value 1 KB."""
    assert (MAX_KEY_BYTES, MAX_VALUE_BYTES) == (512, 1024)
    stores, _ = registry()
    store = stores.create("s")
    etag = store.data_etag
    if ok:
        stores.write(store, etag, {key: value}, [])
        assert store.data == {key: value}
    else:
        with pytest.raises(ServiceError) as excinfo:
            stores.write(store, etag, {key: value}, [])
        assert code_of(excinfo) == "ServiceQuotaExceededException"  # decisions 44
        assert (store.data, store.data_etag) == ({}, etag)


def test_store_size_quota_is_atomic() -> None:
    """api.md §7: ServiceQuotaExceededException past 5 MB; exactly 5 MB fits."""
    assert MAX_STORE_BYTES == 5 * 1024 * 1024
    stores, _ = registry()
    store = stores.create("s")
    full = {f"k{i:05d}": "v" * 1018 for i in range(5120)}
    stores.write(store, store.data_etag, full, [])
    assert store.total_size == MAX_STORE_BYTES
    etag = store.data_etag
    with pytest.raises(ServiceError) as excinfo:
        stores.write(store, etag, {"z": ""}, [])
    assert code_of(excinfo) == "ServiceQuotaExceededException"
    assert (store.data_etag, len(store.data)) == (etag, 5120)
    stores.write(store, etag, {"z": "v" * 1023}, ["k00000"])  # frees room first, in the same batch
    assert store.total_size == MAX_STORE_BYTES - 1024 + 1024


def test_a_batch_with_one_bad_entry_changes_nothing() -> None:
    stores, _ = registry()
    store = stores.create("s")
    stores.write(store, store.data_etag, {"a": "1", "b": "2"}, [])
    etag, before = store.data_etag, dict(store.data)
    for puts, deletes in (({"c": "3", "big": "x" * 1025}, []), ({"c": "3"}, ["missing"]), ({}, ["a", "missing"])):
        with pytest.raises(ServiceError):
            stores.write(store, etag, puts, deletes)
        assert (store.data, store.data_etag) == (before, etag)


def test_page_of_keys_orders_and_pages() -> None:
    """decisions 35: ordered by key; default 10 a page; no token after the last page."""
    stores, _ = registry()
    store = stores.create("s")
    data = {f"k{i:03d}": str(i) for i in reversed(range(25))}
    stores.write(store, store.data_etag, data, [])
    items, token = stores.page_of_keys(store, None, None)
    assert [k for k, _ in items] == sorted(data)[:10]
    collected = list(items)
    while token is not None:
        items, token = stores.page_of_keys(store, token, 7)
        assert len(items) <= 7
        collected += items
    assert collected == sorted(data.items())
    assert stores.page_of_keys(stores.create("empty"), None, 50) == ([], None)
    with pytest.raises(ServiceError) as excinfo:
        stores.page_of_keys(store, "x", None)
    assert code_of(excinfo) == "ValidationException"


# -- in use (decisions 20, 38) ----------------------------------------------------------------------------------


def test_backend_in_use_covers_functions_and_connection_functions_in_either_stage() -> None:
    backend = CloudFrontBackend()
    stores = backend.key_value_stores
    arn = stores.create("s").arn
    plain = {"Comment": "", "Runtime": "cloudfront-js-2.0"}
    assoc = {**plain, "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": arn}]}}
    assert associated_store_arn(assoc) == arn
    assert associated_store_arn(plain) is None
    assert not backend.store_in_use(arn)
    for registry_ in (backend.functions, backend.connection_functions):
        resource = registry_.create("r", assoc, b"x")
        assert backend.store_in_use(arn)
        registry_.publish(resource, resource.etag)
        registry_.update(resource, resource.etag, plain, b"y")
        assert backend.store_in_use(arn)  # LIVE only
        registry_.publish(resource, resource.etag)
        assert not backend.store_in_use(arn)
    store = stores.find("s")
    stores.delete(store, store.etag)


def test_backend_rejects_associations_with_a_missing_store() -> None:
    backend = CloudFrontBackend()
    missing = f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/00000000-0000-4000-8000-000000000000"
    association = {"Quantity": 1, "Items": [{"KeyValueStoreARN": missing}]}
    config = {"Comment": "", "Runtime": "cloudfront-js-2.0", "KeyValueStoreAssociations": association}
    for registry_ in (backend.functions, backend.connection_functions):
        with pytest.raises(ServiceError) as excinfo:
            registry_.create("r", config, b"x")
        assert code_of(excinfo) == "InvalidArgument"


# -- property: counts and ETags follow a dict model ---------------------------------------------------------------

KEYS = st.sampled_from(["a", "b", "c", "é", "ключ", "k" * 512, "k" * 513])
VALUES = st.one_of(st.sampled_from(["", "1", "значение", "v" * 1024, "v" * 1025]), st.text(max_size=20))
OPERATION = st.one_of(
    st.tuples(st.just("put"), KEYS, VALUES),
    st.tuples(st.just("delete"), KEYS),
    st.tuples(
        st.just("update"),
        st.dictionaries(KEYS, VALUES, max_size=4),
        st.lists(KEYS, max_size=3, unique=True),
    ),
    st.tuples(st.just("stale"), KEYS, VALUES),
)


def _expected(model: dict[str, str], puts: dict[str, str], deletes: list[str]) -> dict[str, str] | None:
    """The model after the batch, or None when the store must refuse it (and change nothing)."""
    if any(key not in model for key in deletes):
        return None
    if any(len(k.encode()) > 512 or len(v.encode()) > 1024 for k, v in puts.items()):
        return None
    after = {k: v for k, v in model.items() if k not in deletes}
    after.update(puts)
    return after


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPERATION, max_size=25))
def test_random_batches_keep_counts_and_etags_consistent_with_a_dict_model(operations: list[tuple[Any, ...]]) -> None:
    """decisions 35: ItemCount/TotalSizeInBytes match a dict model; the data ETag changes exactly on successful
    writes (and never returns to an earlier value); a failed or stale write changes nothing."""
    stores, _ = registry()
    store: KeyValueStore = stores.create("s")
    model: dict[str, str] = {}
    seen = {store.data_etag}
    for operation in operations:
        kind = operation[0]
        etag = store.data_etag
        if kind == "put":
            puts, deletes = {operation[1]: operation[2]}, []
        elif kind == "delete":
            puts, deletes = {}, [operation[1]]
        elif kind == "update":
            puts, deletes = dict(operation[1]), [k for k in operation[2] if k not in operation[1]]
        else:
            puts, deletes = {operation[1]: operation[2]}, []
        after = None if kind == "stale" else _expected(model, puts, deletes)
        if_match = etag + "-stale" if kind == "stale" else etag
        if after is None:
            with pytest.raises(ServiceError) as excinfo:
                stores.write(store, if_match, puts, deletes)
            expected_codes = (
                {"ConflictException"}
                if kind == "stale"
                else {"ServiceQuotaExceededException", "ResourceNotFoundException"}
            )
            assert code_of(excinfo) in expected_codes
            assert store.data_etag == etag
        else:
            stores.write(store, if_match, puts, deletes)
            model = after
            assert store.data_etag != etag
            assert store.data_etag not in seen
            seen.add(store.data_etag)
        assert store.data == model
        assert store.counts() == {"ItemCount": len(model), "TotalSizeInBytes": size_of(model)}
        assert store.total_size == size_of(model)
