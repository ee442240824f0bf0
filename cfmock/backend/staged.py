"""The DEVELOPMENT/LIVE stage and ETag machine shared by functions and connection functions.

api.md §3.2, §4.1 and §5; decisions 1–9, 11, 12, 19–22. The two kinds differ only in their error family,
how they are identified and how a summary looks; those live in ``functions.py`` and
``connection_functions.py``. Nothing here knows about XML or botocore.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cfmock.backend.errors import ServiceError
from cfmock.backend.etags import etag_for_version

DEVELOPMENT = "DEVELOPMENT"
LIVE = "LIVE"
STAGES = (DEVELOPMENT, LIVE)

UNPUBLISHED = "UNPUBLISHED"
UNASSOCIATED = "UNASSOCIATED"

MAX_CODE_BYTES = 10_240  # decisions 19
MAX_COMMENT_CHARS = 128  # decisions 18
DEFAULT_QUOTA = 100  # decisions 22
MAX_LIST_ITEMS = 100  # decisions 11
REPR_CODE_BYTES = 60  # of a stage's code, in its repr

Validator = Callable[[], None]
Clock = Callable[[], datetime]


def clone(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, scalars): several times cheaper than copy.deepcopy."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    return value


def utc_now() -> datetime:
    """Now, truncated to the millisecond CloudFront's timestamps carry, so state and wire agree."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond - now.microsecond % 1000)


@dataclass(frozen=True)
class ErrorFamily:
    """The error codes one kind of resource answers with (api.md §8: functions vs the generic family)."""

    not_found: str
    already_exists: str
    size_exceeded: str
    too_many: str
    in_use: str
    test_etag_mismatch: str  # decisions 5: TestFunction has no PreconditionFailed in its model


@dataclass
class StageCopy:
    """One stage's configuration and code. ``config`` is shaped like the API's ``FunctionConfig``."""

    config: dict[str, Any]
    code: bytes
    etag: str
    last_modified: datetime

    @property
    def runtime(self) -> str:
        return str(self.config["Runtime"])

    @property
    def comment(self) -> str:
        return str(self.config.get("Comment", ""))

    def __repr__(self) -> str:  # the code is summarised: a failed assertion should stay readable
        code = self.code[:REPR_CODE_BYTES].decode("utf-8", "replace")
        more = f"... ({len(self.code)} bytes)" if len(self.code) > REPR_CODE_BYTES else ""
        return f"<StageCopy {self.runtime} ETag={self.etag} code={code!r}{more}>"


@dataclass
class StagedResource:
    """A function or connection function with its DEVELOPMENT stage and, once published, its LIVE stage."""

    id: str  # the lookup key: the name for functions, the opaque Id for connection functions
    name: str
    arn: str
    created: datetime
    version: int
    development: StageCopy
    live: StageCopy | None = None
    status: str = UNPUBLISHED
    tags: list[dict[str, str]] = field(default_factory=list)

    @property
    def etag(self) -> str:
        """The DEVELOPMENT ETag: the one Update, Publish and Delete demand (decisions 3)."""
        return self.development.etag

    def __repr__(self) -> str:
        stages = "DEVELOPMENT+LIVE" if self.live is not None else "DEVELOPMENT"
        return f"<StagedResource {self.name!r} {self.status} {stages} ETag={self.etag} {self.arn}>"

    def stage(self, stage: str) -> StageCopy | None:
        if stage == DEVELOPMENT:
            return self.development
        if stage == LIVE:
            return self.live
        # Stage values are validated against the model's enum before they reach the backend.
        raise ValueError(f"unknown stage {stage!r}")


@dataclass(frozen=True)
class Listing:
    entries: list[tuple[StagedResource, str, StageCopy]]
    next_marker: str | None
    max_items: int


class StagedRegistry:
    """All resources of one kind, with the lifecycle rules. Callers hold the backend lock."""

    def __init__(
        self,
        errors: ErrorFamily,
        *,
        make_id: Callable[[str], str],
        make_arn: Callable[[str], str],
        runtimes: tuple[str, ...],
        clock: Clock = utc_now,
        quota: int = DEFAULT_QUOTA,
    ) -> None:
        self.errors = errors
        self._make_id = make_id
        self._make_arn = make_arn
        self._runtimes = runtimes
        self._clock = clock
        self.quota = quota
        self._resources: dict[str, StagedResource] = {}
        self._ids_by_name: dict[str, str] = {}
        # Set once KeyValueStore exists: says whether a store ARN names an existing store (decisions 20).
        self.store_exists: Callable[[str], bool] | None = None

    # -- lookup ---------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[StagedResource]:
        return iter(sorted(self._resources.values(), key=lambda r: r.name))

    def __len__(self) -> int:
        return len(self._resources)

    def by_name(self) -> Mapping[str, StagedResource]:
        return {name: self._resources[rid] for name, rid in self._ids_by_name.items()}

    def named(self, name: str) -> StagedResource | None:
        rid = self._ids_by_name.get(name)
        return None if rid is None else self._resources[rid]

    def names(self) -> list[str]:
        return sorted(self._ids_by_name)

    def find(self, rid: str) -> StagedResource:
        """Look up by the lookup key (name for functions, Id for connection functions)."""
        resource = self._resources.get(rid)
        if resource is None:
            raise ServiceError(self.errors.not_found)
        return resource

    def resolve(self, identifier: str) -> StagedResource:
        """Look up by Id, name or ARN (decisions 15: the ``Identifier`` URI labels)."""
        rid = identifier
        if identifier.startswith("arn:"):
            rid = next((r.id for r in self._resources.values() if r.arn == identifier), "")
        elif identifier not in self._resources:
            rid = self._ids_by_name.get(identifier, "")
        return self.find(rid)

    def read(self, resource: StagedResource, stage: str | None) -> tuple[str, StageCopy]:
        """The stage a Describe/Get/Test addresses; a missing Stage means DEVELOPMENT (decisions 1, 6)."""
        name = stage or DEVELOPMENT
        copy_ = resource.stage(name)
        if copy_ is None:
            raise ServiceError(self.errors.not_found)
        return name, copy_

    # -- If-Match (decisions 7) -------------------------------------------------------------------------

    def check_if_match(self, if_match: str | None, required: str, mismatch_code: str) -> None:
        if not if_match:
            raise ServiceError("InvalidIfMatchVersion")
        if if_match != required:
            raise ServiceError(mismatch_code)

    # -- lifecycle ------------------------------------------------------------------------------------

    def create(
        self,
        name: str,
        config: dict[str, Any],
        code: bytes,
        tags: list[dict[str, str]] | None = None,
        validate: Validator | None = None,
    ) -> StagedResource:
        if validate is not None:
            validate()
        self._check_content(config, code)
        if name in self._ids_by_name:
            raise ServiceError(self.errors.already_exists)
        if len(self._resources) >= self.quota:
            raise ServiceError(self.errors.too_many)
        now = self._clock()
        rid = self._make_id(name)
        resource = StagedResource(
            id=rid,
            name=name,
            arn=self._make_arn(rid),
            created=now,
            version=1,
            development=StageCopy(clone(config), bytes(code), etag_for_version(1), now),
            tags=list(tags or []),
        )
        self._resources[rid] = resource
        self._ids_by_name[name] = rid
        return resource

    def update(
        self,
        resource: StagedResource,
        if_match: str | None,
        config: dict[str, Any],
        code: bytes,
        validate: Validator | None = None,
    ) -> StagedResource:
        self.check_if_match(if_match, resource.etag, "PreconditionFailed")
        if validate is not None:
            validate()
        self._check_content(config, code)
        # Replace semantics: the new config replaces DEVELOPMENT wholesale; LIVE and status stay (decisions 3, 8).
        resource.version += 1
        resource.development = StageCopy(clone(config), bytes(code), etag_for_version(resource.version), self._clock())
        return resource

    def publish(self, resource: StagedResource, if_match: str | None) -> StagedResource:
        self.check_if_match(if_match, resource.etag, "PreconditionFailed")
        dev = resource.development
        # LIVE takes the DEVELOPMENT copy with its ETag and LastModifiedTime (decisions 3, 9).
        resource.live = StageCopy(clone(dev.config), dev.code, dev.etag, dev.last_modified)
        if resource.status == UNPUBLISHED:
            resource.status = UNASSOCIATED
        return resource

    def delete(self, resource: StagedResource, if_match: str | None) -> None:
        self.check_if_match(if_match, resource.etag, "PreconditionFailed")
        # No distributions are modelled, so nothing is ever in use (errors.in_use is reachable by injection).
        del self._resources[resource.id]
        del self._ids_by_name[resource.name]

    def check_test(
        self, resource: StagedResource, stage: str | None, if_match: str | None, validate: Validator | None = None
    ) -> tuple[str, StageCopy]:
        """The stage a Test runs; it demands that stage's ETag (decisions 5).

        Decisions 7's order: the stage exists (404, decisions 6), If-Match is present, then the ETag matches.
        A Stage outside the enum names no ETag to compare, so body validation comes before the comparison here.
        """
        found = self.read(resource, stage) if stage is None or stage in STAGES else None
        if not if_match:
            raise ServiceError("InvalidIfMatchVersion")
        if validate is not None:
            validate()
        name, copy_ = found or self.read(resource, stage)
        self.check_if_match(if_match, copy_.etag, self.errors.test_etag_mismatch)
        return name, copy_

    # -- listing (decisions 11, 12) ---------------------------------------------------------------------

    def listing(self, stage: str | None, marker: str | None, max_items: int | None) -> Listing:
        limit = MAX_LIST_ITEMS if max_items is None else max_items
        if limit < 1:
            raise ServiceError("InvalidArgument", "MaxItems must be a positive integer.")
        limit = min(limit, MAX_LIST_ITEMS)
        stages = STAGES if stage is None else (stage,)
        entries = [
            (resource, name, copy_)
            for resource in self
            for name in stages
            if (copy_ := resource.stage(name)) is not None
        ]
        start = 0
        if marker:
            after = _decode_marker(marker)
            start = next((i for i, e in enumerate(entries) if (e[0].name, e[1]) >= after), len(entries))
        page = entries[start : start + limit]
        rest = entries[start + limit :]
        next_marker = _encode_marker(rest[0][0].name, rest[0][1]) if rest else None
        return Listing(page, next_marker, limit)

    # -- content rules --------------------------------------------------------------------------------

    def _check_content(self, config: Mapping[str, Any], code: bytes) -> None:
        if len(str(config.get("Comment", ""))) > MAX_COMMENT_CHARS:
            raise ServiceError("InvalidArgument", "The parameter Comment is too big.")
        runtime = config.get("Runtime")
        if runtime not in self._runtimes:
            raise ServiceError(
                "InvalidArgument", f"The runtime {runtime} is not supported; use {' or '.join(self._runtimes)}."
            )
        self._check_associations(config)
        if len(code) > MAX_CODE_BYTES:
            raise ServiceError(self.errors.size_exceeded)

    def _check_associations(self, config: Mapping[str, Any]) -> None:
        associations = config.get("KeyValueStoreAssociations")
        if associations is None:
            return
        items = associations.get("Items") or []
        if associations.get("Quantity") != len(items):
            raise ServiceError("InvalidArgument", "The Quantity of KeyValueStoreAssociations does not match its Items.")
        if len(items) > 1:
            raise ServiceError("InvalidArgument", "A function can be associated with only one key value store.")
        if items and config.get("Runtime") == "cloudfront-js-1.0":
            raise ServiceError("InvalidArgument", "Key value store associations require the cloudfront-js-2.0 runtime.")
        for item in items:
            arn = item["KeyValueStoreARN"]
            if self.store_exists is not None and not self.store_exists(arn):
                raise ServiceError("InvalidArgument", f"The key value store {arn} does not exist.")


def _encode_marker(name: str, stage: str) -> str:
    return base64.urlsafe_b64encode(f"{name}/{stage}".encode()).decode().rstrip("=")


def _decode_marker(marker: str) -> tuple[str, str]:
    try:
        text = base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ServiceError("InvalidArgument", "The marker is not valid.") from None
    name, sep, stage = text.rpartition("/")  # the stage never holds a "/", a name might
    if not sep or stage not in STAGES:
        raise ServiceError("InvalidArgument", "The marker is not valid.")
    return name, stage
