"""Typed views of the mock's state, for assertions and seeding from tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfmock.backend.staged import DEVELOPMENT, StagedRegistry, StagedResource


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
            resource = self._registry.by_name().get(name)
        if resource is None:
            raise KeyError(f"no {self._noun} named {name!r}; existing: {sorted(self._registry.by_name())}")
        return resource

    def __iter__(self) -> Iterator[str]:
        with self._backend.lock:
            return iter(sorted(self._registry.by_name()))

    def __len__(self) -> int:
        return len(self._registry)

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
        config: dict[str, Any] = {"Comment": comment, "Runtime": runtime}
        if key_value_store_arn is not None:
            config["KeyValueStoreAssociations"] = {
                "Quantity": 1,
                "Items": [{"KeyValueStoreARN": key_value_store_arn}],
            }
        raw = code.encode("utf-8") if isinstance(code, str) else bytes(code)
        with self._backend.lock:
            resource = self._registry.create(name, config, raw)
            if publish:
                self._registry.publish(resource, resource.etag)
        return resource

    def publish(self, name: str) -> StagedResource:
        """Copy DEVELOPMENT to LIVE, as PublishFunction would."""
        with self._backend.lock:
            resource = self[name]
            return self._registry.publish(resource, resource.etag)

    def code(self, name: str, stage: str = DEVELOPMENT) -> bytes:
        """The code of one stage (KeyError if that stage does not exist)."""
        copy = self[name].stage(stage)
        if copy is None:
            raise KeyError(f"{self._noun} {name!r} has no {stage} stage")
        return copy.code


def resolve_operation(operation: str, code: str) -> str:
    """The API name of an implemented operation, checked to document ``code`` (for ``inject_error``)."""
    from botocore import xform_name

    from cfmock.service.injection import documented_codes
    from cfmock.service.registry import implemented_operations
    from cfmock.wire.model import service_model

    for service, names in implemented_operations().items():
        for name in names:
            if operation in (name, xform_name(name)):
                op = service_model(service).operation_model(name)
                codes = documented_codes(op)
                if code not in codes:
                    raise ValueError(
                        f"{name} does not document the error {code!r}; its documented errors are: {', '.join(codes)}"
                    )
                return name
    raise ValueError(f"{operation!r} is not an operation cfmock implements")
