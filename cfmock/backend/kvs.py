"""KeyValueStore: the control plane (api.md §6) and the data plane (§7); decisions 20, 34–38.

Control-plane ETags are version-encoded like functions'; the data plane has its own ETag per store,
changed by every successful write. Pure Python: the wire layer renders what this returns.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cfmock.backend.errors import ServiceError
from cfmock.backend.etags import etag_for_version
from cfmock.backend.staged import MAX_LIST_ITEMS, Clock, utc_now

PROVISIONING = "PROVISIONING"
READY = "READY"
MAX_KEY_BYTES = 512  # quota (api.md §9), though the model allows 1,024
MAX_VALUE_BYTES = 1024
MAX_STORE_BYTES = 5 * 1024 * 1024
MAX_KEYS_PER_UPDATE = 50
MAX_STORES = 50  # the quota sources conflict (50 vs 200, runtime.md §4); the lower one is the safe side
DEFAULT_LIST_KEYS = 10


@dataclass
class KeyValueStore:
    """One store: control-plane metadata and its data."""

    name: str
    id: str
    arn: str
    comment: str | None  # None: created without one, and then absent from every answer (decisions 43)
    created: datetime
    last_modified: datetime
    version: int = 1
    status: str = PROVISIONING
    tags: list[dict[str, str]] = field(default_factory=list)
    data: dict[str, str] = field(default_factory=dict)
    data_version: int = 1
    data_last_modified: datetime | None = None

    @property
    def etag(self) -> str:
        """The control-plane ETag (Update/Delete demand it)."""
        return etag_for_version(self.version)

    @property
    def data_etag(self) -> str:
        """The data-plane ETag: opaque, per store and data version (decisions 35)."""
        import hashlib  # lazily: importing cfmock stays light

        digest = hashlib.sha256(f"{self.id}/{self.data_version}".encode()).digest()
        return "KV" + base64.b32encode(digest[:15]).decode()

    @property
    def total_size(self) -> int:
        """Sum of UTF-8 key and value lengths (decisions 35)."""
        return sum(len(k.encode()) + len(v.encode()) for k, v in self.data.items())

    def summary(self) -> dict[str, Any]:
        """The control plane's ``KeyValueStore`` element."""
        summary: dict[str, Any] = {"Name": self.name, "Id": self.id}
        if self.comment is not None:  # "" stays "" (decisions 43)
            summary["Comment"] = self.comment
        summary.update(ARN=self.arn, Status=self.status, LastModifiedTime=self.last_modified)
        return summary

    def counts(self) -> dict[str, Any]:
        return {"ItemCount": len(self.data), "TotalSizeInBytes": self.total_size}

    # -- data (callers hold the backend lock and have checked the data ETag where the API demands it) --

    def get(self, key: str) -> str:
        if key not in self.data:
            raise ServiceError("ResourceNotFoundException", f"The key {key} does not exist.")
        return self.data[key]

    def apply(self, puts: Mapping[str, str], deletes: list[str], clock: Clock) -> None:
        """Validate every change first, then apply them all: all or nothing."""
        for key in deletes:
            if key not in self.data:
                raise ServiceError("ResourceNotFoundException", f"The key {key} does not exist.")
        for key, value in puts.items():
            check_entry(key, value)
        after = {k: v for k, v in self.data.items() if k not in deletes}
        after.update(puts)
        if sum(len(k.encode()) + len(v.encode()) for k, v in after.items()) > MAX_STORE_BYTES:
            raise ServiceError("ServiceQuotaExceededException", "The key value store would exceed its 5 MB size quota.")
        self.data = after
        self.data_version += 1
        self.data_last_modified = clock()


def check_entry(key: str, value: str) -> None:
    if len(key.encode()) > MAX_KEY_BYTES:
        raise ServiceError("ValidationException", f"Keys must be at most {MAX_KEY_BYTES} bytes.")
    if len(value.encode()) > MAX_VALUE_BYTES:
        raise ServiceError("ValidationException", f"Values must be at most {MAX_VALUE_BYTES} bytes.")


class KeyValueStoreRegistry:
    """Every store of the account. Callers hold the backend lock."""

    def __init__(self, account_id: str, clock: Clock = utc_now, in_use: Callable[[str], bool] | None = None) -> None:
        self._account_id = account_id
        self._clock = clock
        self._stores: dict[str, KeyValueStore] = {}
        # Says whether a function or connection function (either stage) references a store ARN (decisions 38).
        self.in_use = in_use or (lambda _arn: False)

    def __iter__(self) -> Iterator[KeyValueStore]:
        return iter(sorted(self._stores.values(), key=lambda s: s.name))

    def __len__(self) -> int:
        return len(self._stores)

    def names(self) -> list[str]:
        return sorted(self._stores)

    # -- control plane ---------------------------------------------------------------------------------

    def create(self, name: str, comment: str | None = None, tags: list[dict[str, str]] | None = None) -> KeyValueStore:
        if name in self._stores:
            raise ServiceError("EntityAlreadyExists")
        if len(self._stores) >= MAX_STORES:
            raise ServiceError("EntityLimitExceeded")
        import uuid  # lazily: importing cfmock stays light

        now = self._clock()
        store_id = str(uuid.uuid4())
        store = KeyValueStore(
            name=name,
            id=store_id,
            arn=f"arn:aws:cloudfront::{self._account_id}:key-value-store/{store_id}",
            comment=comment,
            created=now,
            last_modified=now,
            tags=list(tags or []),
        )
        self._stores[name] = store
        return store

    def find(self, name: str) -> KeyValueStore:
        store = self._stores.get(name)
        if store is None:
            raise ServiceError("EntityNotFound", "The key value store entity was not found.")
        return store

    def provisioned(self, store: KeyValueStore) -> KeyValueStore:
        # decisions 34: PROVISIONING only in the create answer; every later read reports READY.
        store.status = READY
        return store

    def check_if_match(self, store: KeyValueStore, if_match: str | None) -> None:
        if not if_match:
            raise ServiceError("InvalidIfMatchVersion")
        if if_match != store.etag:
            raise ServiceError("PreconditionFailed")

    def update(self, store: KeyValueStore, if_match: str | None, comment: str) -> KeyValueStore:
        self.check_if_match(store, if_match)
        store.comment = comment
        store.version += 1
        store.last_modified = self._clock()
        return store

    def delete(self, store: KeyValueStore, if_match: str | None) -> None:
        self.check_if_match(store, if_match)
        if self.in_use(store.arn):
            raise ServiceError("CannotDeleteEntityWhileInUse")
        del self._stores[store.name]

    def listing(
        self, status: str | None, marker: str | None, max_items: int | None
    ) -> tuple[list[KeyValueStore], str, int]:
        """A page of stores by name, the marker of the next page ("" on the last, as AWS shows) and MaxItems."""
        limit = MAX_LIST_ITEMS if max_items is None else max_items
        if limit < 1:
            raise ServiceError("InvalidArgument", "MaxItems must be a positive integer.")
        limit = min(limit, MAX_LIST_ITEMS)
        stores = [self.provisioned(s) for s in self if status is None or s.status == status]
        start = 0
        if marker:
            after = _decode_token(marker, "InvalidArgument")
            start = next((i for i, s in enumerate(stores) if s.name >= after), len(stores))
        page, rest = stores[start : start + limit], stores[start + limit :]
        return page, _encode_token(rest[0].name) if rest else "", limit

    # -- data plane and associations ---------------------------------------------------------------------

    def by_arn(self, arn: str) -> KeyValueStore:
        store = next((s for s in self._stores.values() if s.arn == arn), None)
        if store is None:
            raise ServiceError("ResourceNotFoundException", f"The key value store {arn} was not found.")
        return store

    def holds(self, store: KeyValueStore) -> bool:
        return self._stores.get(store.name) is store

    def remove(self, store: KeyValueStore) -> None:
        """Drop a store without the API's checks (for seeding that failed half-way)."""
        if self.holds(store):
            del self._stores[store.name]

    def exists(self, arn: str) -> bool:
        return any(s.arn == arn for s in self._stores.values())

    def check_data_etag(self, store: KeyValueStore, if_match: str | None) -> None:
        if not if_match:
            raise ServiceError("ValidationException", "If-Match must be the key value store's current ETag.")
        if if_match != store.data_etag:
            raise ServiceError("ConflictException", "The ETag does not match the key value store's current ETag.")

    def write(self, store: KeyValueStore, if_match: str | None, puts: Mapping[str, str], deletes: list[str]) -> None:
        self.check_data_etag(store, if_match)
        store.apply(puts, deletes, self._clock)

    def page_of_keys(
        self, store: KeyValueStore, token: str | None, max_results: int | None
    ) -> tuple[list[tuple[str, str]], str | None]:
        """Keys in order (decisions 35), ``max_results`` at a time (1–50, default 10)."""
        limit = DEFAULT_LIST_KEYS if max_results is None else max_results
        keys = sorted(store.data)
        start = 0
        if token:
            after = _decode_token(token, "ValidationException")
            start = next((i for i, k in enumerate(keys) if k >= after), len(keys))
        page, rest = keys[start : start + limit], keys[start + limit :]
        return [(k, store.data[k]) for k in page], _encode_token(rest[0]) if rest else None


def _encode_token(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode_token(token: str, error: str) -> str:
    # Only tokens this module issued: base64 decoding skips characters outside its alphabet, so "!!!" would
    # otherwise decode to "" and silently restart the listing from the first page.
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text or _encode_token(text) != token:
        raise ServiceError(error, "The pagination token is not valid.")
    return text
