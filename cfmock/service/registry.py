"""The declared table of implemented operations: one handler per (service, operation).

Handler modules do not know this table: it imports them, never the other way round, so no module imports a
module that imports it. A row declared twice fails when this module is imported. ``Call``, ``Handler`` and
``Result`` live in ``cfmock.service.call`` and are re-exported here for the dispatcher.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from cfmock.service import kvs
from cfmock.service import staged_api as lifecycle
from cfmock.service.call import Call, Handler, Result
from cfmock.service.connection_functions import (
    CONNECTION_FUNCTIONS,
    list_connection_functions,
    list_distributions_by_connection_function,
)
from cfmock.service.functions import FUNCTIONS, list_functions
from cfmock.wire.model import CLOUDFRONT, KEYVALUESTORE

__all__ = [
    "HANDLERS",
    "Call",
    "DuplicateOperationError",
    "Handler",
    "Result",
    "declare",
    "find_handler",
    "implemented_operations",
]

Row = tuple[str, str, Handler]


class DuplicateOperationError(RuntimeError):
    """Two rows of the operations table name the same (service, operation)."""


def declare(rows: Iterable[Row]) -> Mapping[tuple[str, str], Handler]:
    """The read-only table of ``rows``; a (service, operation) declared twice is an error, never a replacement."""
    table: dict[tuple[str, str], Handler] = {}
    for service, name, handler in rows:
        if (service, name) in table:
            raise DuplicateOperationError(f"{service} {name} is declared twice in the operations table")
        table[(service, name)] = handler
    return MappingProxyType(table)


HANDLERS = declare(
    [
        # CloudFront Functions (api.md §4): the shared lifecycle (staged_api), then their own list.
        (CLOUDFRONT, "CreateFunction", lifecycle.create(FUNCTIONS)),
        (CLOUDFRONT, "DescribeFunction", lifecycle.describe(FUNCTIONS)),
        (CLOUDFRONT, "GetFunction", lifecycle.get(FUNCTIONS)),
        (CLOUDFRONT, "UpdateFunction", lifecycle.update(FUNCTIONS)),
        (CLOUDFRONT, "PublishFunction", lifecycle.publish(FUNCTIONS)),
        (CLOUDFRONT, "DeleteFunction", lifecycle.delete(FUNCTIONS)),
        (CLOUDFRONT, "TestFunction", lifecycle.test(FUNCTIONS)),
        (CLOUDFRONT, "ListFunctions", list_functions),
        # Connection functions (api.md §5): the same lifecycle, and their own two lists.
        (CLOUDFRONT, "CreateConnectionFunction", lifecycle.create(CONNECTION_FUNCTIONS)),
        (CLOUDFRONT, "DescribeConnectionFunction", lifecycle.describe(CONNECTION_FUNCTIONS)),
        (CLOUDFRONT, "GetConnectionFunction", lifecycle.get(CONNECTION_FUNCTIONS)),
        (CLOUDFRONT, "UpdateConnectionFunction", lifecycle.update(CONNECTION_FUNCTIONS)),
        (CLOUDFRONT, "PublishConnectionFunction", lifecycle.publish(CONNECTION_FUNCTIONS)),
        (CLOUDFRONT, "DeleteConnectionFunction", lifecycle.delete(CONNECTION_FUNCTIONS)),
        (CLOUDFRONT, "TestConnectionFunction", lifecycle.test(CONNECTION_FUNCTIONS)),
        (CLOUDFRONT, "ListConnectionFunctions", list_connection_functions),
        (CLOUDFRONT, "ListDistributionsByConnectionFunction", list_distributions_by_connection_function),
        # KeyValueStore control plane (api.md §6).
        (CLOUDFRONT, "CreateKeyValueStore", kvs.create_key_value_store),
        (CLOUDFRONT, "DescribeKeyValueStore", kvs.describe_key_value_store),
        (CLOUDFRONT, "UpdateKeyValueStore", kvs.update_key_value_store),
        (CLOUDFRONT, "DeleteKeyValueStore", kvs.delete_key_value_store),
        (CLOUDFRONT, "ListKeyValueStores", kvs.list_key_value_stores),
        # KeyValueStore data plane (api.md §7).
        (KEYVALUESTORE, "DescribeKeyValueStore", kvs.describe_store_data),
        (KEYVALUESTORE, "GetKey", kvs.get_key),
        (KEYVALUESTORE, "PutKey", kvs.put_key),
        (KEYVALUESTORE, "DeleteKey", kvs.delete_key),
        (KEYVALUESTORE, "ListKeys", kvs.list_keys),
        (KEYVALUESTORE, "UpdateKeys", kvs.update_keys),
    ]
)


def implemented_operations() -> dict[str, list[str]]:
    """Implemented operation names per service, sorted (the docs' supported-operations table)."""
    table: dict[str, list[str]] = {}
    for service, name in HANDLERS:
        table.setdefault(service, []).append(name)
    return {service: sorted(names) for service, names in sorted(table.items())}


def find_handler(service: str, name: str) -> Handler | None:
    return HANDLERS.get((service, name))
