"""The shared DEVELOPMENT/LIVE + ETag machine, driven directly (api.md §3.2, §4.1, §5; decisions 1–9, 11, 18–22).

Every test runs against both registries that use it: CloudFront Functions (``function_registry``: keyed by
name, function error family) and connection functions (``connection_function_registry``: opaque Ids, generic
error family).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cfmock.backend.connection_functions import connection_function_registry
from cfmock.backend.errors import ServiceError
from cfmock.backend.functions import function_registry
from cfmock.backend.staged import DEVELOPMENT, LIVE, StagedRegistry, StagedResource

V1, V2 = "ETVPDKIKX0DER", "E3UN6WX5RRO2AG"
ACCOUNT = "123456789012"
RT1, RT2 = "cloudfront-js-1.0", "cloudfront-js-2.0"
CFG = {"Comment": "c", "Runtime": RT2}
KVS_ARN = f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/0b9e4b2c-5d1f-4a8e-9c3b-2f6a7d8e9f01"
KVS_ARN_2 = f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/1c0f5c3d-6e2a-4b9f-8d4c-3a7b8e9f0a12"
START = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


class Clock:
    """Each reading is one second after the previous one."""

    def __init__(self) -> None:
        self.readings: list[datetime] = []

    def __call__(self) -> datetime:
        self.readings.append(START + timedelta(seconds=len(self.readings)))
        return self.readings[-1]


@dataclass
class Kind:
    name: str
    registry: StagedRegistry
    clock: Clock
    not_found: str
    already_exists: str
    size_exceeded: str
    too_many: str
    test_mismatch: str
    arn_prefix: str

    def arn(self, resource: StagedResource) -> str:
        return self.arn_prefix + resource.id


def _function_kind() -> Kind:
    clock = Clock()
    return Kind(
        "function",
        function_registry(ACCOUNT, clock),
        clock,
        "NoSuchFunctionExists",
        "FunctionAlreadyExists",
        "FunctionSizeLimitExceeded",
        "TooManyFunctions",
        "InvalidIfMatchVersion",  # decisions 5: TestFunction models no PreconditionFailed
        f"arn:aws:cloudfront::{ACCOUNT}:function/",
    )


def _connection_kind() -> Kind:
    clock = Clock()
    return Kind(
        "connection-function",
        connection_function_registry(ACCOUNT, clock),
        clock,
        "EntityNotFound",
        "EntityAlreadyExists",
        "EntitySizeLimitExceeded",
        "EntityLimitExceeded",
        "PreconditionFailed",
        f"arn:aws:cloudfront::{ACCOUNT}:connection-function/",
    )


@pytest.fixture(params=[_function_kind, _connection_kind], ids=["functions", "connection-functions"])
def kind(request: pytest.FixtureRequest) -> Kind:
    factory: Callable[[], Kind] = request.param
    return factory()


def code_of(call: Callable[[], Any]) -> str:
    with pytest.raises(ServiceError) as excinfo:
        call()
    return excinfo.value.code


def message_of(call: Callable[[], Any]) -> str:
    with pytest.raises(ServiceError) as excinfo:
        call()
    return excinfo.value.message


def names(entries: Iterator[Any] | list[Any]) -> list[tuple[str, str]]:
    return [(resource.name, stage) for resource, stage, _ in entries]


# -- identity -------------------------------------------------------------------------------------------------


def test_create_starts_at_version_one_unpublished(kind: Kind) -> None:
    resource = kind.registry.create("fn", dict(CFG), b"code")
    assert (resource.version, resource.etag, resource.status, resource.live) == (1, V1, "UNPUBLISHED", None)
    assert resource.name == "fn"
    assert resource.arn == kind.arn(resource)
    assert resource.created == resource.development.last_modified == kind.clock.readings[0]
    assert resource.development.code == b"code"
    assert resource.development.config == CFG
    assert len(kind.registry) == 1


def test_function_ids_are_names() -> None:
    kind = _function_kind()
    resource = kind.registry.create("my-fn", dict(CFG), b"x")
    assert resource.id == "my-fn"
    assert resource.arn == f"arn:aws:cloudfront::{ACCOUNT}:function/my-fn"


def test_connection_function_ids_are_opaque_unique_and_never_reused() -> None:
    """decisions 15."""
    registry = _connection_kind().registry
    seen = set()
    for i in range(30):
        resource = registry.create(f"c{i}", dict(CFG), b"x")
        assert re.fullmatch(r"[A-Z0-9]{20}", resource.id), resource.id
        assert resource.arn.endswith(f":connection-function/{resource.id}")
        seen.add(resource.id)
    old = registry.find(registry.by_name()["c0"].id)
    registry.delete(old, V1)
    again = registry.create("c0", dict(CFG), b"x")
    assert again.id != old.id
    seen.add(again.id)
    assert len(seen) == 31
    with pytest.raises(ServiceError):
        registry.find(old.id)


def test_account_id_goes_into_the_arn() -> None:
    assert function_registry("111122223333").create("fn", dict(CFG), b"x").arn == (
        "arn:aws:cloudfront::111122223333:function/fn"
    )
    resource = connection_function_registry("111122223333").create("c", dict(CFG), b"x")
    assert resource.arn.startswith("arn:aws:cloudfront::111122223333:connection-function/")


def test_find_and_resolve(kind: Kind) -> None:
    resource = kind.registry.create("fn", dict(CFG), b"x")
    assert kind.registry.find(resource.id) is resource
    for identifier in (resource.id, "fn", resource.arn):
        assert kind.registry.resolve(identifier) is resource
    for unknown in ("nope", kind.arn_prefix + "nope", "", "arn:aws:cloudfront::999999999999:function/fn"):
        assert code_of(lambda u=unknown: kind.registry.resolve(u)) == kind.not_found
    assert code_of(lambda: kind.registry.find("nope")) == kind.not_found
    assert kind.registry.by_name() == {"fn": resource}


def test_config_is_copied_not_shared(kind: Kind) -> None:
    config = {"Comment": "c", "Runtime": RT2, "KeyValueStoreAssociations": {"Quantity": 0, "Items": []}}
    resource = kind.registry.create("fn", config, b"x")
    config["Comment"] = "changed"
    config["KeyValueStoreAssociations"]["Items"].append("junk")
    assert resource.development.config == {
        "Comment": "c",
        "Runtime": RT2,
        "KeyValueStoreAssociations": {"Quantity": 0, "Items": []},
    }


# -- create rules ---------------------------------------------------------------------------------------------


def test_already_exists(kind: Kind) -> None:
    kind.registry.create("fn", dict(CFG), b"x")
    assert code_of(lambda: kind.registry.create("fn", dict(CFG), b"y")) == kind.already_exists
    assert kind.registry.resolve("fn").development.code == b"x"


def test_quota(kind: Kind) -> None:
    """decisions 22: 100 per account by default."""
    assert kind.registry.quota == 100
    kind.registry.quota = 3
    for i in range(3):
        kind.registry.create(f"f{i}", dict(CFG), b"x")
    assert code_of(lambda: kind.registry.create("f3", dict(CFG), b"x")) == kind.too_many
    kind.registry.delete(kind.registry.resolve("f0"), V1)
    kind.registry.create("f3", dict(CFG), b"x")


def test_comment_limit(kind: Kind) -> None:
    """decisions 18."""
    long = {**CFG, "Comment": "c" * 129}
    assert code_of(lambda: kind.registry.create("fn", long, b"x")) == "InvalidArgument"
    assert message_of(lambda: kind.registry.create("fn", long, b"x")) == "The parameter Comment is too big."
    kind.registry.create("fn", {**CFG, "Comment": "€" * 128}, b"x")


def test_code_size_limit(kind: Kind) -> None:
    """decisions 19."""
    assert code_of(lambda: kind.registry.create("fn", dict(CFG), b"x" * 10_241)) == kind.size_exceeded
    kind.registry.create("fn", dict(CFG), b"x" * 10_240)
    resource = kind.registry.resolve("fn")
    assert code_of(lambda: kind.registry.update(resource, V1, dict(CFG), b"x" * 10_241)) == kind.size_exceeded
    assert resource.version == 1


def test_runtimes() -> None:
    """Functions take 1.0 and 2.0; connection functions only 2.0 (decisions 21)."""
    functions = _function_kind().registry
    functions.create("one", {**CFG, "Runtime": RT1}, b"x")
    functions.create("two", {**CFG, "Runtime": RT2}, b"x")
    assert code_of(lambda: functions.create("js", {**CFG, "Runtime": "nodejs"}, b"x")) == "InvalidArgument"
    connections = _connection_kind().registry
    connections.create("two", {**CFG, "Runtime": RT2}, b"x")
    assert code_of(lambda: connections.create("one", {**CFG, "Runtime": RT1}, b"x")) == "InvalidArgument"


def _with_associations(quantity: int, *arns: str, runtime: str = RT2) -> dict[str, Any]:
    items = [{"KeyValueStoreARN": arn} for arn in arns]
    return {"Comment": "", "Runtime": runtime, "KeyValueStoreAssociations": {"Quantity": quantity, "Items": items}}


@pytest.mark.parametrize(
    "config",
    [
        _with_associations(2, KVS_ARN, KVS_ARN_2),
        _with_associations(2, KVS_ARN),
        _with_associations(0, KVS_ARN),
        {"Comment": "", "Runtime": RT2, "KeyValueStoreAssociations": {"Quantity": 1}},
    ],
    ids=["two-stores", "quantity-high", "quantity-low", "no-items"],
)
def test_association_shape_is_invalid_argument(kind: Kind, config: dict[str, Any]) -> None:
    """decisions 20."""
    assert code_of(lambda: kind.registry.create("fn", config, b"x")) == "InvalidArgument"
    assert len(kind.registry) == 0


def test_association_with_runtime_one_is_invalid_argument() -> None:
    registry = _function_kind().registry
    assert code_of(lambda: registry.create("fn", _with_associations(1, KVS_ARN, runtime=RT1), b"x")) == (
        "InvalidArgument"
    )
    registry.create("fn", _with_associations(0, runtime=RT1), b"x")


def test_association_to_a_missing_store_is_invalid_argument(kind: Kind) -> None:
    existing = {KVS_ARN}
    kind.registry.store_exists = existing.__contains__
    kind.registry.create("ok", _with_associations(1, KVS_ARN), b"x")
    assert code_of(lambda: kind.registry.create("bad", _with_associations(1, KVS_ARN_2), b"x")) == "InvalidArgument"


def test_validator_runs_before_the_content_rules_on_create(kind: Kind) -> None:
    def refuse() -> None:
        raise ServiceError("MalformedXML", "1 validation error detected: …")

    too_big = {**CFG, "Comment": "c" * 200}
    assert code_of(lambda: kind.registry.create("fn", too_big, b"x" * 20_000, validate=refuse)) == "MalformedXML"
    assert len(kind.registry) == 0


# -- update, publish, delete (decisions 3, 7, 8, 9) -----------------------------------------------------------


def test_update_bumps_only_development(kind: Kind) -> None:
    resource = kind.registry.create("fn", dict(CFG), b"one")
    kind.registry.publish(resource, V1)
    updated = kind.registry.update(resource, V1, {"Comment": "two", "Runtime": RT2}, b"two")
    assert updated is resource
    assert (resource.version, resource.etag) == (2, V2)
    assert resource.development.config == {"Comment": "two", "Runtime": RT2}
    assert resource.development.code == b"two"
    assert resource.development.last_modified == kind.clock.readings[-1] > resource.created
    assert resource.live is not None
    assert (resource.live.etag, resource.live.code, resource.live.config["Comment"]) == (V1, b"one", "c")
    assert resource.status == "UNASSOCIATED"  # unchanged by an update after publishing


def test_update_replaces_the_configuration_wholesale(kind: Kind) -> None:
    resource = kind.registry.create("fn", _with_associations(1, KVS_ARN), b"x")
    kind.registry.update(resource, V1, dict(CFG), b"y")
    assert "KeyValueStoreAssociations" not in resource.development.config


def test_if_match_order(kind: Kind) -> None:
    """decisions 7: If-Match present, then equal, then body validation (the validator) and content rules."""
    resource = kind.registry.create("fn", dict(CFG), b"x")
    calls: list[str] = []

    def validator() -> None:
        calls.append("validated")

    bad_body = {**CFG, "Comment": "c" * 200}
    for if_match in ("", None):
        assert code_of(lambda m=if_match: kind.registry.update(resource, m, bad_body, b"", validator)) == (
            "InvalidIfMatchVersion"
        )
    assert code_of(lambda: kind.registry.update(resource, V2, bad_body, b"", validator)) == "PreconditionFailed"
    assert calls == []
    assert code_of(lambda: kind.registry.update(resource, V1, bad_body, b"", validator)) == "InvalidArgument"
    assert calls == ["validated"]
    assert (resource.version, resource.etag) == (1, V1)


@pytest.mark.parametrize("operation", ["publish", "delete"])
def test_publish_and_delete_check_if_match(kind: Kind, operation: str) -> None:
    resource = kind.registry.create("fn", dict(CFG), b"x")
    act = getattr(kind.registry, operation)
    assert code_of(lambda: act(resource, "")) == "InvalidIfMatchVersion"
    assert code_of(lambda: act(resource, None)) == "InvalidIfMatchVersion"
    assert code_of(lambda: act(resource, V2)) == "PreconditionFailed"
    assert resource.live is None
    assert kind.registry.resolve("fn") is resource


def test_publish_copies_development_with_its_etag_and_time(kind: Kind) -> None:
    resource = kind.registry.create("fn", dict(CFG), b"one")
    kind.registry.update(resource, V1, {"Comment": "two", "Runtime": RT2}, b"two")
    dev_time = resource.development.last_modified
    readings = len(kind.clock.readings)
    kind.registry.publish(resource, V2)
    assert resource.live is not None
    assert (resource.live.etag, resource.development.etag) == (V2, V2)
    assert resource.live.code == b"two"
    assert resource.live.config == resource.development.config
    assert resource.live.config is not resource.development.config
    assert resource.live.last_modified == dev_time  # decisions 9
    assert len(kind.clock.readings) == readings  # publishing does not touch DEVELOPMENT's time
    assert resource.status == "UNASSOCIATED"
    # Re-publishing unchanged succeeds (decisions 4).
    assert kind.registry.publish(resource, V2).live.etag == V2


def test_publish_requires_the_development_etag_not_the_live_one(kind: Kind) -> None:
    resource = kind.registry.create("fn", dict(CFG), b"x")
    kind.registry.publish(resource, V1)
    kind.registry.update(resource, V1, dict(CFG), b"y")
    assert code_of(lambda: kind.registry.publish(resource, V1)) == "PreconditionFailed"
    assert code_of(lambda: kind.registry.delete(resource, V1)) == "PreconditionFailed"
    kind.registry.delete(resource, V2)
    assert code_of(lambda: kind.registry.resolve("fn")) == kind.not_found
    assert len(kind.registry) == 0


def test_a_deleted_name_starts_again_at_version_one(kind: Kind) -> None:
    resource = kind.registry.create("fn", dict(CFG), b"x")
    kind.registry.update(resource, V1, dict(CFG), b"y")
    kind.registry.delete(resource, V2)
    again = kind.registry.create("fn", dict(CFG), b"z")
    assert (again.version, again.etag, again.live, again.status) == (1, V1, None, "UNPUBLISHED")


def test_two_resources_at_the_same_version_share_etags(kind: Kind) -> None:
    a = kind.registry.create("a", dict(CFG), b"x")
    b = kind.registry.create("b", dict(CFG), b"y")
    assert a.etag == b.etag == V1
    for _ in range(3):
        kind.registry.update(a, a.etag, dict(CFG), b"x")
        kind.registry.update(b, b.etag, dict(CFG), b"y")
    assert a.etag == b.etag
    assert a.etag not in (V1, V2)


# -- reading and testing stages (decisions 1, 5, 6) ---------------------------------------------------------


def test_read_defaults_to_development_and_live_needs_a_publish(kind: Kind) -> None:
    resource = kind.registry.create("fn", dict(CFG), b"x")
    assert kind.registry.read(resource, None) == (DEVELOPMENT, resource.development)
    assert kind.registry.read(resource, DEVELOPMENT) == (DEVELOPMENT, resource.development)
    assert code_of(lambda: kind.registry.read(resource, LIVE)) == kind.not_found
    kind.registry.publish(resource, V1)
    assert kind.registry.read(resource, LIVE) == (LIVE, resource.live)


def test_check_test_demands_the_tested_stages_etag(kind: Kind) -> None:
    resource = kind.registry.create("fn", dict(CFG), b"one")
    assert code_of(lambda: kind.registry.check_test(resource, LIVE, V1)) == kind.not_found
    kind.registry.publish(resource, V1)
    kind.registry.update(resource, V1, dict(CFG), b"two")
    stage, copy = kind.registry.check_test(resource, LIVE, V1)
    assert (stage, copy.code) == (LIVE, b"one")
    stage, copy = kind.registry.check_test(resource, None, V2)
    assert (stage, copy.code) == (DEVELOPMENT, b"two")
    assert code_of(lambda: kind.registry.check_test(resource, LIVE, V2)) == kind.test_mismatch
    assert code_of(lambda: kind.registry.check_test(resource, DEVELOPMENT, V1)) == kind.test_mismatch
    assert code_of(lambda: kind.registry.check_test(resource, None, "")) == "InvalidIfMatchVersion"


def test_check_test_validates_the_body_between_if_match_presence_and_the_etag(kind: Kind) -> None:
    """decisions 7: stage exists -> If-Match present -> (body: the Stage names the ETag) -> ETag matches."""
    resource = kind.registry.create("fn", dict(CFG), b"one")
    seen: list[str] = []

    def validate() -> None:
        seen.append("validated")
        raise ServiceError("MalformedXML")

    assert code_of(lambda: kind.registry.check_test(resource, LIVE, "", validate)) == kind.not_found
    assert code_of(lambda: kind.registry.check_test(resource, "STAGING", "", validate)) == "InvalidIfMatchVersion"
    assert code_of(lambda: kind.registry.check_test(resource, None, None, validate)) == "InvalidIfMatchVersion"
    assert seen == []
    assert code_of(lambda: kind.registry.check_test(resource, "STAGING", "E2EUQ1WTGCTBG2", validate)) == "MalformedXML"
    assert code_of(lambda: kind.registry.check_test(resource, None, "E2EUQ1WTGCTBG2", validate)) == "MalformedXML"
    assert seen == ["validated", "validated"]
    # Stages reach the backend validated; one that was not is a programming error, not an AWS answer.
    with pytest.raises(ValueError, match="unknown stage"):
        kind.registry.check_test(resource, "STAGING", V1)
    stage, copy = kind.registry.check_test(resource, None, V1, lambda: seen.append("ok"))
    assert (stage, copy.code, seen[-1]) == (DEVELOPMENT, b"one", "ok")


# -- listing (decisions 11, 12) -------------------------------------------------------------------------------


def _populate(kind: Kind, count: int, published: Callable[[int], bool]) -> None:
    for i in reversed(range(count)):
        resource = kind.registry.create(f"f{i:02d}", dict(CFG), b"x")
        if published(i):
            kind.registry.publish(resource, V1)


def test_listing_orders_by_name_then_development_first(kind: Kind) -> None:
    for name in ("delta", "alpha", "charlie", "bravo"):
        kind.registry.create(name, dict(CFG), b"x")
    for name in ("charlie", "alpha"):
        kind.registry.publish(kind.registry.resolve(name), V1)
    listing = kind.registry.listing(None, None, None)
    assert names(listing.entries) == [
        ("alpha", DEVELOPMENT),
        ("alpha", LIVE),
        ("bravo", DEVELOPMENT),
        ("charlie", DEVELOPMENT),
        ("charlie", LIVE),
        ("delta", DEVELOPMENT),
    ]
    assert (listing.next_marker, listing.max_items) == (None, 100)
    assert names(kind.registry.listing(LIVE, None, None).entries) == [("alpha", LIVE), ("charlie", LIVE)]
    assert len(kind.registry.listing(DEVELOPMENT, None, None).entries) == 4
    for _, stage, copy in listing.entries:
        assert copy.etag == V1
        assert stage in (DEVELOPMENT, LIVE)


def test_empty_listing(kind: Kind) -> None:
    listing = kind.registry.listing(None, None, None)
    assert (listing.entries, listing.next_marker, listing.max_items) == ([], None, 100)


@pytest.mark.parametrize("stage", [None, DEVELOPMENT, LIVE])
def test_paging_has_no_gaps_or_duplicates(kind: Kind, stage: str | None) -> None:
    _populate(kind, 9, lambda i: i % 3 != 1)
    full = names(kind.registry.listing(stage, None, None).entries)
    assert len(full) == {None: 15, DEVELOPMENT: 9, LIVE: 6}[stage]
    for size in range(1, len(full) + 2):
        seen: list[tuple[str, str]] = []
        marker = None
        pages = 0
        while True:
            listing = kind.registry.listing(stage, marker, size)
            pages += 1
            assert listing.max_items == size
            assert 1 <= len(listing.entries) <= size
            seen += names(listing.entries)
            if listing.next_marker is None:
                break
            assert len(listing.entries) == size
            marker = listing.next_marker
        assert seen == full
        assert pages == -(-len(full) // size)


def test_marker_survives_deletion_of_the_next_item(kind: Kind) -> None:
    _populate(kind, 4, lambda _: False)
    first = kind.registry.listing(None, None, 2)
    assert names(first.entries) == [("f00", DEVELOPMENT), ("f01", DEVELOPMENT)]
    kind.registry.delete(kind.registry.resolve("f02"), V1)
    second = kind.registry.listing(None, first.next_marker, 2)
    assert names(second.entries) == [("f03", DEVELOPMENT)]
    assert second.next_marker is None


def test_max_items_is_capped_at_100(kind: Kind) -> None:
    kind.registry.quota = 200
    _populate(kind, 60, lambda _: True)
    listing = kind.registry.listing(None, None, 1000)
    assert (len(listing.entries), listing.max_items) == (100, 100)
    assert listing.next_marker is not None
    rest = kind.registry.listing(None, listing.next_marker, 1000)
    assert len(rest.entries) == 20
    assert rest.next_marker is None


@pytest.mark.parametrize("max_items", [0, -1])
def test_max_items_below_one_is_invalid_argument(kind: Kind, max_items: int) -> None:
    assert code_of(lambda: kind.registry.listing(None, None, max_items)) == "InvalidArgument"


@pytest.mark.parametrize("marker", ["!!!", "bm9zbGFzaA", "Zm4vUFJPRA", "\u00e9"])
def test_invalid_marker_is_invalid_argument(kind: Kind, marker: str) -> None:
    kind.registry.create("fn", dict(CFG), b"x")
    assert code_of(lambda: kind.registry.listing(None, marker, None)) == "InvalidArgument"


def test_listing_iteration_is_by_name(kind: Kind) -> None:
    for name in ("b", "c", "a"):
        kind.registry.create(name, dict(CFG), b"x")
    assert [r.name for r in kind.registry] == ["a", "b", "c"]


def test_paging_covers_every_name_the_registry_holds(kind: Kind) -> None:
    """The registry does not validate names (the wire layer does), and the seeding API
    (``mock.functions.create``) passes any name straight to it. A NextMarker it issued must always page on:
    here the marker for ("b/c", DEVELOPMENT) must not be mistaken for name "b", stage "c/DEVELOPMENT".
    """
    for name in ("a", "b/c", "d"):
        kind.registry.create(name, dict(CFG), b"x")
    seen: list[tuple[str, str]] = []
    marker = None
    for _ in range(10):
        listing = kind.registry.listing(None, marker, 1)
        seen += names(listing.entries)
        marker = listing.next_marker
        if marker is None:
            break
    assert seen == [("a", DEVELOPMENT), ("b/c", DEVELOPMENT), ("d", DEVELOPMENT)]
