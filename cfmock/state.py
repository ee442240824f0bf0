"""Typed views of the mock's state, for assertions and seeding from tests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from cfmock.backend.errors import ServiceError
from cfmock.backend.kvs import KeyValueStore
from cfmock.backend.staged import DEVELOPMENT, StagedRegistry, StagedResource, utc_now

NAME_PATTERN = re.compile(r"[a-zA-Z0-9-_]{1,64}")  # the model's pattern for function and store names
MAX_STORE_COMMENT_CHARS = 128  # the model's maximum for a key value store's Comment
REPR_DATA_CHARS = 200  # a store's repr shows its data up to this long, else just how many keys


@contextmanager
def _writable(backend: Any) -> Iterator[None]:
    """Hold the backend's lock for a write through a view. Refused once the mock has ended (it would go nowhere);
    a rule the API enforces with an AWS error is a ``ValueError`` here, naming that error."""
    if backend.ended:
        raise RuntimeError(
            "this cfmock state has ended (its activation stopped, or reset() was called): nothing can be written"
        )
    with backend.lock:
        try:
            yield
        except ServiceError as error:
            raise ValueError(f"{error.code}: {error.message}") from None


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


def _check_name(name: str, noun: str) -> None:
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"invalid {noun} name {name!r}: names are 1-64 characters of [a-zA-Z0-9-_]")


class StagedView(Mapping[str, StagedResource]):
    """Functions (or connection functions) by name. Items are live state: read, don't mutate.

    ``create`` and ``publish`` seed state directly, with the same rules as the API but no ETags.
    """

    def __init__(self, backend: Any, registry: StagedRegistry, noun: str) -> None:
        self._backend = backend
        self._registry = registry
        self._noun = noun

    def __getitem__(self, name: str) -> StagedResource:
        with self._backend.lock:
            resource = self._registry.named(name)
        if resource is None:
            raise KeyError(f"no {self._noun} named {name!r}; existing: {self._registry.names()}")
        return resource

    def __iter__(self) -> Iterator[str]:
        with self._backend.lock:
            return iter(self._registry.names())

    def __len__(self) -> int:
        return len(self._registry)

    def __repr__(self) -> str:
        with self._backend.lock:
            resources = [self._registry.named(name) for name in self._registry.names()]
        held = ", ".join(f"{r.name!r} ({'published' if r.live is not None else 'unpublished'})" for r in resources if r)
        return f"<{self._noun}s: {held or 'none'}>"

    def create(
        self,
        name: str,
        code: str | bytes,
        *,
        runtime: str = "cloudfront-js-2.0",
        comment: str = "",
        key_value_store_arn: str | None = None,
        publish: bool = False,
    ) -> StagedResource:
        """Create (and optionally publish) one, as CreateFunction/CreateConnectionFunction would."""
        _check_name(name, self._noun)
        if not isinstance(code, str | bytes | bytearray | memoryview):
            raise TypeError(f"the code must be str or bytes, not {type(code).__name__}")
        if not code:
            raise ValueError("the code must not be empty (the API's minimum length is 1)")
        config: dict[str, Any] = {"Comment": comment, "Runtime": runtime}
        if key_value_store_arn is not None:
            config["KeyValueStoreAssociations"] = {
                "Quantity": 1,
                "Items": [{"KeyValueStoreARN": key_value_store_arn}],
            }
        raw = code.encode("utf-8") if isinstance(code, str) else bytes(code)
        with _writable(self._backend):
            resource = self._registry.create(name, config, raw)
            if publish:
                self._registry.publish(resource, resource.etag)
        return resource

    def publish(self, name: str) -> StagedResource:
        """Copy DEVELOPMENT to LIVE, as PublishFunction would."""
        with _writable(self._backend):
            resource = self[name]
            return self._registry.publish(resource, resource.etag)

    def code(self, name: str, stage: str = DEVELOPMENT) -> bytes:
        """The code of one stage (KeyError if that stage does not exist)."""
        copy = self[name].stage(stage)
        if copy is None:
            raise KeyError(f"{self._noun} {name!r} has no {stage} stage")
        return copy.code


def check_injection(message: object, count: object) -> None:
    """The Python-side checks of ``inject_error``'s ``message`` and ``count`` (every door applies them)."""
    if not isinstance(count, int) or isinstance(count, bool):
        raise TypeError(f"count must be an int, not {type(count).__name__}")
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    if message is not None and not isinstance(message, str):
        raise TypeError(f"message must be a str or None, not {type(message).__name__}")


def resolve_operation(operation: str, code: str, service: str | None = None) -> tuple[str, str]:
    """The (service, API name) of an implemented operation that documents ``code`` (for ``inject_error``).

    ``DescribeKeyValueStore`` exists on both the control plane and the data plane: the documented code
    picks the service, and ``service`` settles it where both document the code.
    """
    from botocore import xform_name

    from cfmock.service.injection import documented_codes
    from cfmock.service.registry import implemented_operations
    from cfmock.wire.model import service_model

    matches = [
        (svc, name)
        for svc, names in implemented_operations().items()
        for name in names
        if operation in (name, xform_name(name)) and service in (None, svc)
    ]
    if not matches:
        where = f" on {service!r}" if service else ""
        raise ValueError(f"{operation!r} is not an operation cfmock implements{where}")
    codes = {match: documented_codes(service_model(match[0]).operation_model(match[1])) for match in matches}
    documenting = [match for match in matches if code in codes[match]]
    if not documenting:
        listing = "; ".join(f"{svc} {name}: {', '.join(found)}" for (svc, name), found in codes.items())
        raise ValueError(f"{operation} does not document the error {code!r}; documented errors: {listing}")
    if len(documenting) > 1:
        services = " or ".join(repr(svc) for svc, _ in documenting)
        raise ValueError(f"{operation} exists on several services that document {code!r}; pass service={services}")
    return documenting[0]


class KeyValueStoreHandle:
    """One store's data, for seeding and assertions. Writes change the data-plane ETag, like PutKey."""

    def __init__(self, backend: Any, store: KeyValueStore) -> None:
        self._backend = backend
        self._store = store

    @property
    def name(self) -> str:
        return self._store.name

    @property
    def id(self) -> str:
        return self._store.id

    @property
    def arn(self) -> str:
        return self._store.arn

    @property
    def etag(self) -> str:
        """The data-plane ETag that PutKey/DeleteKey/UpdateKeys demand."""
        return self._store.data_etag

    @property
    def data(self) -> dict[str, str]:
        """A copy of the contents."""
        with self._backend.lock:
            return dict(self._store.data)

    def get(self, key: str) -> str:
        with self._backend.lock:
            return self._store.data[key]

    def put(self, key: str, value: str) -> None:
        self.update({key: value})

    def update(self, items: Mapping[str, str]) -> None:
        """Put several keys at once, all or nothing (the store's quotas apply). Nothing to put changes nothing,
        not even the ETag (the API has no empty write)."""
        puts = {_text(key, "a key"): _text(value, "a value") for key, value in dict(items).items()}
        if "" in puts:
            raise ValueError("keys must not be empty (the API's minimum length is 1)")
        with _writable(self._backend):
            self._check_live()
            if puts:
                self._store.apply(puts, [], utc_now)

    def delete(self, key: str) -> None:
        with _writable(self._backend):
            self._check_live()
            if key not in self._store.data:
                raise KeyError(key)
            self._store.apply({}, [key], utc_now)

    def _check_live(self) -> None:
        if not self._backend.key_value_stores.holds(self._store):
            raise RuntimeError(f"the key value store {self.name!r} was deleted: its handle cannot write any more")

    def load_import_file(self, document: str | Mapping[str, Any]) -> None:
        """Load the documented import-file JSON: ``{"data": [{"key": …, "value": …}]}``."""
        from cfmock.runner import load_import_file

        if isinstance(document, bytes | bytearray):
            document = bytes(document).decode("utf-8")
        text = document if isinstance(document, str) else json.dumps(document)
        self.update(load_import_file(text))

    def __repr__(self) -> str:
        data = self.data
        shown = repr(data) if len(repr(data)) <= REPR_DATA_CHARS else f"{len(data)} keys"
        return f"<KeyValueStore {self.name!r} {self.arn} {shown}>"


class KeyValueStoresView(Mapping[str, KeyValueStoreHandle]):
    """KeyValueStores by name; ``create`` seeds one directly (as CreateKeyValueStore would)."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def __getitem__(self, name: str) -> KeyValueStoreHandle:
        registry = self._backend.key_value_stores
        with self._backend.lock:
            if name not in registry.names():
                raise KeyError(f"no key value store named {name!r}; existing: {registry.names()}")
            return KeyValueStoreHandle(self._backend, registry.provisioned(registry.find(name)))

    def __iter__(self) -> Iterator[str]:
        with self._backend.lock:
            return iter(self._backend.key_value_stores.names())

    def __len__(self) -> int:
        return len(self._backend.key_value_stores)

    def __repr__(self) -> str:
        with self._backend.lock:
            stores = [self[name] for name in self._backend.key_value_stores.names()]
        held = ", ".join(
            f"{s.name!r} ({len(s._store.data)} key{'' if len(s._store.data) == 1 else 's'})" for s in stores
        )
        return f"<key value stores: {held or 'none'}>"

    def create(self, name: str, *, comment: str = "", data: Mapping[str, str] | None = None) -> KeyValueStoreHandle:
        """Create a store (with ``data``, all or nothing), as CreateKeyValueStore and then PutKey would."""
        _check_name(name, "key value store")
        if len(_text(comment, "the comment")) > MAX_STORE_COMMENT_CHARS:
            raise ValueError(f"the comment is longer than {MAX_STORE_COMMENT_CHARS} characters (the model's maximum)")
        with _writable(self._backend):
            registry = self._backend.key_value_stores
            handle = KeyValueStoreHandle(self._backend, registry.provisioned(registry.create(name, comment)))
            try:
                handle.update(data or {})
            except BaseException:
                registry.remove(handle._store)  # the data broke a rule: no half-made store stays behind
                raise
        return handle
