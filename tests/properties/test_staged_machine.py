"""The DEVELOPMENT/LIVE/ETag machine (backend/staged.py) against a small reference model, for both kinds.

Decisions 1–9 and 11 (api.md §3.2, §4, §5), driven directly on the backend registries, as the service
handlers drive them: Describe/Get look up by identifier (``resolve``), the If-Match operations by key (``find``).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from cfmock.backend.connection_functions import connection_function_registry
from cfmock.backend.errors import ServiceError
from cfmock.backend.etags import etag_for_version
from cfmock.backend.functions import function_registry
from cfmock.backend.staged import DEVELOPMENT, LIVE, StagedRegistry

ACCOUNT = "123456789012"
NAMES = ("alpha", "beta", "gamma")
QUOTA = 2  # so that the quota error is reachable with three names
CODES = (b"function handler(e) { return e.request; }", b"var v = 2;", "// caf\u00e9 \u2603".encode())
KVS_ARN = f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/54947df8-0e9e-4471-a2f9-9af509fb5889"

# name -> (config, is it valid for functions, is it valid for connection functions)
CONFIGS: dict[str, tuple[dict[str, Any], bool, bool]] = {
    "js2": ({"Comment": "", "Runtime": "cloudfront-js-2.0"}, True, True),
    "js2-comment": ({"Comment": "c" * 128, "Runtime": "cloudfront-js-2.0"}, True, True),
    "js1": ({"Comment": "old", "Runtime": "cloudfront-js-1.0"}, True, False),  # decisions 21
    "js2-kvs": (
        {
            "Comment": "kvs",
            "Runtime": "cloudfront-js-2.0",
            "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": KVS_ARN}]},
        },
        True,
        True,
    ),
    "comment-too-long": ({"Comment": "c" * 129, "Runtime": "cloudfront-js-2.0"}, False, False),  # decisions 18
    "kvs-quantity-mismatch": (
        {
            "Comment": "",
            "Runtime": "cloudfront-js-2.0",
            "KeyValueStoreAssociations": {"Quantity": 2, "Items": [{"KeyValueStoreARN": KVS_ARN}]},
        },
        False,
        False,
    ),
    "kvs-with-js1": (
        {
            "Comment": "",
            "Runtime": "cloudfront-js-1.0",
            "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": KVS_ARN}]},
        },
        False,
        False,
    ),
}
NAME_CHOICE = st.integers(0, 9)
IF_MATCH_KINDS = ("development", "live", "stale", "next", "empty", "missing", "v1")
# Mostly valid configurations, for the same reason.
config_names = st.sampled_from(["js2", "js2-comment", "js2-kvs"] * 3 + sorted(CONFIGS))
# Mostly the right ETag, so that long successful histories (publish, update, publish ...) are common.
if_match_kinds = st.sampled_from(IF_MATCH_KINDS[:1] * 6 + IF_MATCH_KINDS)


class TickingClock:
    """Every reading is one millisecond after the previous one, so "when" is observable."""

    def __init__(self) -> None:
        self.now = datetime(2024, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@dataclass
class ModelStage:
    config: dict[str, Any]
    code: bytes
    etag: str
    last_modified: datetime


@dataclass
class ModelResource:
    rid: str
    arn: str
    created: datetime
    version: int
    development: ModelStage
    live: ModelStage | None = None

    def stage(self, stage: str | None) -> ModelStage | None:
        return self.live if stage == LIVE else self.development


class StagedMachine(RuleBasedStateMachine):
    kind: ClassVar[str]

    def __init__(self) -> None:
        super().__init__()
        self.clock = TickingClock()
        factory = function_registry if self.kind == "function" else connection_function_registry
        self.registry: StagedRegistry = factory(ACCOUNT, self.clock)
        self.registry.quota = QUOTA
        errors = self.registry.errors
        self.family = errors
        self.allowed = {
            errors.not_found,
            errors.already_exists,
            errors.size_exceeded,
            errors.too_many,
            errors.in_use,
            errors.test_etag_mismatch,
            "InvalidIfMatchVersion",
            "PreconditionFailed",
            "InvalidArgument",
        }
        self.model: dict[str, ModelResource] = {}
        self.retired_ids: list[str] = []  # keys of deleted resources
        self.all_ids: set[str] = set()

    # -- helpers ------------------------------------------------------------------------------------

    def pick(self, choice: int) -> str:
        """Mostly an existing resource (so that histories get long), sometimes any name."""
        if self.model and choice < 8:
            existing = sorted(self.model)
            return existing[choice % len(existing)]
        return NAMES[choice % len(NAMES)]

    def key_of(self, name: str) -> str:
        """The key the If-Match operations address: the name (functions) or the Id (connection functions)."""
        if name in self.model:
            return self.model[name].rid
        if self.kind == "function":
            return name
        return self.retired_ids[-1] if self.retired_ids else "NOSUCHID000000000000"

    def identifier_of(self, name: str, how: str) -> str:
        """What Describe/Get accept: the key, the name, or the ARN (decisions 15)."""
        if how == "name":
            return name
        key = self.key_of(name)
        if how == "arn":
            noun = "function" if self.kind == "function" else "connection-function"
            return self.model[name].arn if name in self.model else f"arn:aws:cloudfront::{ACCOUNT}:{noun}/{key}"
        return key

    def if_match(self, name: str, kind: str) -> str | None:
        resource = self.model.get(name)
        version = resource.version if resource else 1
        if kind == "development":
            return etag_for_version(version)
        if kind == "live":
            return resource.live.etag if resource and resource.live else etag_for_version(version)
        if kind == "stale":
            return etag_for_version(max(version - 1, 1) if version > 1 else version + 3)
        if kind == "next":
            return etag_for_version(version + 1)
        if kind == "v1":
            return etag_for_version(1)
        return "" if kind == "empty" else None

    def attempt(self, expected: set[str], call: Any) -> Any:
        """Run ``call``; it must fail with one of ``expected`` (a documented code) or, when empty, succeed."""
        try:
            result = call()
        except ServiceError as error:
            assert error.code in self.allowed, f"undocumented error code {error.code!r}"
            assert expected, f"unexpected {error.code}: {error.message}"
            assert error.code in expected, f"got {error.code}, expected one of {sorted(expected)}"
            return None
        assert not expected, f"succeeded, expected one of {sorted(expected)}"
        return result

    def content_errors(self, config_name: str, code: bytes) -> set[str]:
        _, ok_function, ok_connection = CONFIGS[config_name]
        errors = set()
        if not (ok_function if self.kind == "function" else ok_connection):
            errors.add("InvalidArgument")
        if len(code) > 10_240:  # decisions 19
            errors.add(self.family.size_exceeded)
        return errors

    # -- rules --------------------------------------------------------------------------------------

    @initialize(publish=st.booleans())
    def seed(self, publish: bool) -> None:
        """Start with one resource, so that most histories act on something that exists."""
        self.create(NAMES[0], "js2", CODES[0])
        if publish:
            self.publish(0, "development")

    @rule(
        name=st.sampled_from(NAMES),
        config_name=config_names,
        code=st.sampled_from(CODES * 3 + (b"x" * 10_240, b"x" * 10_241)),
    )
    def create(self, name: str, config_name: str, code: bytes) -> None:
        config = copy.deepcopy(CONFIGS[config_name][0])
        expected = self.content_errors(config_name, code)
        if name in self.model:
            expected.add(self.family.already_exists)
        elif len(self.model) >= QUOTA:
            expected.add(self.family.too_many)
        resource = self.attempt(expected, lambda: self.registry.create(name, config, code))
        if resource is None:
            return
        assert resource.development.etag == etag_for_version(1) == "ETVPDKIKX0DER"
        assert resource.live is None and resource.status == "UNPUBLISHED"
        assert resource.created == resource.development.last_modified == self.clock.now
        if self.kind == "function":
            assert resource.id == name
        else:
            assert re.fullmatch(r"[A-Z0-9]{20}", resource.id), resource.id
            assert resource.id not in self.all_ids, "a connection function Id was reused"
        self.all_ids.add(resource.id)
        noun = "function" if self.kind == "function" else "connection-function"
        assert resource.arn == f"arn:aws:cloudfront::{ACCOUNT}:{noun}/{resource.id}"
        stage = ModelStage(copy.deepcopy(config), code, etag_for_version(1), resource.created)
        self.model[name] = ModelResource(resource.id, resource.arn, resource.created, 1, stage)
        config["Comment"] = "mutated by the caller after the call"  # must not reach the stored copy

    @rule(
        choice=NAME_CHOICE,
        etag_kind=if_match_kinds,
        config_name=config_names,
        code=st.sampled_from(CODES * 3 + (b"y" * 10_241,)),
    )
    def update(self, choice: int, etag_kind: str, config_name: str, code: bytes) -> None:
        name = self.pick(choice)
        if_match = self.if_match(name, etag_kind)
        config = copy.deepcopy(CONFIGS[config_name][0])
        model = self.model.get(name)
        expected = self.if_match_errors(model, if_match) or self.content_errors(config_name, code)
        before = self.clock.now
        resource = self.attempt(
            expected, lambda: self.registry.update(self.registry.find(self.key_of(name)), if_match, config, code)
        )
        if resource is None:
            return
        assert model is not None
        model.version += 1
        model.development = ModelStage(copy.deepcopy(config), code, etag_for_version(model.version), self.clock.now)
        assert resource.development.etag == etag_for_version(model.version)
        assert resource.development.last_modified > before
        config["Comment"] = "mutated by the caller after the call"

    @rule(choice=NAME_CHOICE, etag_kind=if_match_kinds)
    def publish(self, choice: int, etag_kind: str) -> None:
        name = self.pick(choice)
        if_match = self.if_match(name, etag_kind)
        model = self.model.get(name)
        expected = self.if_match_errors(model, if_match)
        resource = self.attempt(
            expected, lambda: self.registry.publish(self.registry.find(self.key_of(name)), if_match)
        )
        if resource is None:
            return
        assert model is not None
        dev = model.development
        # LIVE takes the DEVELOPMENT copy and its ETag; the DEVELOPMENT ETag stays (decisions 3, 4, 9).
        model.live = ModelStage(copy.deepcopy(dev.config), dev.code, dev.etag, dev.last_modified)
        assert resource.live is not None
        assert resource.live.etag == resource.development.etag == dev.etag
        assert resource.status == "UNASSOCIATED"

    @rule(choice=NAME_CHOICE, etag_kind=if_match_kinds)
    def delete(self, choice: int, etag_kind: str) -> None:
        name = self.pick(choice)
        if_match = self.if_match(name, etag_kind)
        model = self.model.get(name)
        expected = self.if_match_errors(model, if_match)
        key = self.key_of(name)
        self.attempt(expected, lambda: self.registry.delete(self.registry.find(key), if_match))
        if not expected:
            del self.model[name]
            self.retired_ids.append(key)

    @rule(
        choice=NAME_CHOICE,
        stage=st.sampled_from([None, DEVELOPMENT, LIVE]),
        how=st.sampled_from(["key", "name", "arn"]),
        read_code=st.booleans(),
    )
    def describe_or_get(self, choice: int, stage: str | None, how: str, read_code: bool) -> None:
        name = self.pick(choice)
        identifier = self.identifier_of(name, how)
        model = self.model.get(name)
        expected_stage = model.stage(stage) if model else None
        expected = set() if expected_stage is not None else {self.family.not_found}  # decisions 1, 6
        found = self.attempt(expected, lambda: self.registry.read(self.registry.resolve(identifier), stage))
        if found is None:
            return
        assert expected_stage is not None
        stage_name, copy_ = found
        assert stage_name == (stage or DEVELOPMENT)
        assert copy_.etag == expected_stage.etag
        assert copy_.config == expected_stage.config
        if read_code:  # GetFunction: the code of that stage; reading LIVE returns the code last published
            assert copy_.code == expected_stage.code

    @rule(
        choice=NAME_CHOICE,
        stage=st.sampled_from([None, DEVELOPMENT, LIVE]),
        etag_kind=if_match_kinds,
    )
    def test_check(self, choice: int, stage: str | None, etag_kind: str) -> None:
        name = self.pick(choice)
        if_match = self.if_match(name, etag_kind)
        model = self.model.get(name)
        tested = model.stage(stage) if model else None
        # decisions 5, 6, 7: the tested stage must exist (404), then If-Match present, then equal to its ETag.
        if tested is None:
            expected = {self.family.not_found}
        elif not if_match:
            expected = {"InvalidIfMatchVersion"}
        elif if_match != tested.etag:
            expected = {self.family.test_etag_mismatch}
        else:
            expected = set()
        found = self.attempt(
            expected, lambda: self.registry.check_test(self.registry.find(self.key_of(name)), stage, if_match)
        )
        if found is not None:
            assert tested is not None
            stage_name, copy_ = found
            assert stage_name == (stage or DEVELOPMENT)  # decisions 1
            assert (copy_.etag, copy_.code) == (tested.etag, tested.code)

    @rule(stage=st.sampled_from([None, DEVELOPMENT, LIVE]), max_items=st.sampled_from([None, 1, 2, 3, 100, 0]))
    def list_all_pages(self, stage: str | None, max_items: int | None) -> None:
        if max_items == 0:
            self.attempt({"InvalidArgument"}, lambda: self.registry.listing(stage, None, 0))
            return
        wanted = (DEVELOPMENT, LIVE) if stage is None else (stage,)
        expected = [
            (name, stage_name, copy_.etag)
            for name in sorted(self.model)
            for stage_name in wanted
            if (copy_ := self.model[name].stage(stage_name)) is not None
        ]
        seen: list[tuple[str, str, str]] = []
        marker: str | None = None
        for _ in range(len(expected) + 2):
            page = self.registry.listing(stage, marker, max_items)
            assert page.max_items == (100 if max_items is None else min(max_items, 100))
            assert len(page.entries) <= page.max_items
            seen.extend((resource.name, stage_name, copy_.etag) for resource, stage_name, copy_ in page.entries)
            marker = page.next_marker
            if marker is None:
                break
            assert len(page.entries) == page.max_items  # NextMarker only when more items remain
        assert marker is None, "pagination did not end"
        # Each function once per existing stage, by name then DEVELOPMENT before LIVE (decisions 11, 12).
        assert seen == expected

    # -- invariants ---------------------------------------------------------------------------------

    def if_match_errors(self, model: ModelResource | None, if_match: str | None) -> set[str]:
        """decisions 7: resource exists (404) -> If-Match present -> If-Match equals the DEVELOPMENT ETag."""
        if model is None:
            return {self.family.not_found}
        if not if_match:
            return {"InvalidIfMatchVersion"}
        if if_match != model.development.etag:
            return {"PreconditionFailed"}
        return set()

    @invariant()
    def state_matches_the_model(self) -> None:
        by_name = self.registry.by_name()
        assert sorted(by_name) == sorted(self.model)
        assert len(self.registry) == len(self.model)
        for name, model in self.model.items():
            resource = by_name[name]
            assert (resource.id, resource.arn, resource.created) == (model.rid, model.arn, model.created)
            assert resource.version == model.version
            dev = resource.development
            # The DEVELOPMENT ETag is the version's, and it changes only on update (decisions 2, 3).
            assert dev.etag == resource.etag == model.development.etag == etag_for_version(model.version)
            assert (dev.config, dev.code, dev.last_modified) == (
                model.development.config,
                model.development.code,
                model.development.last_modified,
            )
            # LIVE changes only on publish (decisions 3, 9).
            if model.live is None:
                assert resource.live is None
                assert resource.status == "UNPUBLISHED"
            else:
                live = resource.live
                assert live is not None
                assert (live.config, live.code, live.etag, live.last_modified) == (
                    model.live.config,
                    model.live.code,
                    model.live.etag,
                    model.live.last_modified,
                )
                assert resource.status == "UNASSOCIATED"  # decisions 8: resource-wide, kept by updates


class FunctionMachine(StagedMachine):
    kind = "function"


class ConnectionFunctionMachine(StagedMachine):
    kind = "connection function"


MACHINE_SETTINGS = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    database=None,  # write nothing into the checkout
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("machine", [FunctionMachine, ConnectionFunctionMachine], ids=["functions", "connection"])
def test_staged_machine(machine: type[StagedMachine]) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(machine, settings=MACHINE_SETTINGS)


# -- the rules above, as fixed examples ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "not_found"),
    [(function_registry, "NoSuchFunctionExists"), (connection_function_registry, "EntityNotFound")],
    ids=["functions", "connection"],
)
def test_testing_live_before_any_publish_is_not_found_even_without_if_match(factory: Any, not_found: str) -> None:
    # decisions 6: Test of LIVE before the first publish is 404; decisions 7: existence is checked before If-Match.
    registry = factory(ACCOUNT)
    resource = registry.create("fn", {"Comment": "", "Runtime": "cloudfront-js-2.0"}, b"var a;")
    for if_match in ("", None):
        with pytest.raises(ServiceError) as raised:
            registry.check_test(resource, LIVE, if_match)
        assert raised.value.code == not_found


@pytest.mark.parametrize("factory", [function_registry, connection_function_registry], ids=["functions", "connection"])
def test_publish_update_publish_walkthrough(factory: Any) -> None:
    registry = factory(ACCOUNT, TickingClock())
    config = {"Comment": "", "Runtime": "cloudfront-js-2.0"}
    resource = registry.create("fn", config, b"v1")
    registry.publish(resource, "ETVPDKIKX0DER")
    registry.publish(resource, "ETVPDKIKX0DER")  # decisions 4: re-publishing unchanged code succeeds
    registry.update(resource, "ETVPDKIKX0DER", config, b"v2")
    assert (resource.development.etag, resource.live.etag) == ("E3UN6WX5RRO2AG", "ETVPDKIKX0DER")
    assert registry.read(resource, LIVE)[1].code == b"v1"
    assert resource.status == "UNASSOCIATED"
    with pytest.raises(ServiceError) as raised:
        registry.delete(resource, "ETVPDKIKX0DER")  # the LIVE ETag is not the one Delete demands
    assert raised.value.code == "PreconditionFailed"
    registry.publish(resource, "E3UN6WX5RRO2AG")
    assert registry.read(resource, LIVE)[1].code == b"v2"
    assert registry.check_test(resource, LIVE, "E3UN6WX5RRO2AG")[1].code == b"v2"
