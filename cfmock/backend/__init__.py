"""In-memory CloudFront state machines: pure Python, no botocore, no QuickJS, no XML."""

from __future__ import annotations

import threading

from cfmock.backend.connection_functions import connection_function_registry
from cfmock.backend.errors import ServiceError
from cfmock.backend.functions import function_registry
from cfmock.backend.kvs import KeyValueStoreRegistry
from cfmock.backend.staged import Clock, StagedRegistry, StagedResource, utc_now
from cfmock.options import DEFAULT_ACCOUNT_ID  # a plain constant; options imports nothing of the backend

__all__ = ["DEFAULT_ACCOUNT_ID", "CloudFrontBackend", "ServiceError", "associated_store_arn"]


def associated_store_arn(config: dict[str, object]) -> str | None:
    """The KeyValueStore ARN a FunctionConfig associates, if any (at most one, decisions 20)."""
    associations = config.get("KeyValueStoreAssociations")
    items = associations.get("Items") if isinstance(associations, dict) else None
    if not items:
        return None
    return str(items[0]["KeyValueStoreARN"])


class CloudFrontBackend:
    """Everything one activation holds. ``lock`` serialises whole operations, so threads lose no update."""

    def __init__(self, account_id: str = DEFAULT_ACCOUNT_ID, clock: Clock = utc_now) -> None:
        self.account_id = account_id
        self.lock = threading.RLock()
        self.ended = False  # set when the outermost activation stops: the state is discarded
        self.functions: StagedRegistry = function_registry(account_id, clock)
        self.connection_functions: StagedRegistry = connection_function_registry(account_id, clock)
        self.key_value_stores = KeyValueStoreRegistry(account_id, clock, in_use=self.store_in_use)
        # decisions 20: an association must name an existing store.
        self.functions.store_exists = self.key_value_stores.exists
        self.connection_functions.store_exists = self.key_value_stores.exists

    def _resources(self) -> list[StagedResource]:
        return [*self.functions, *self.connection_functions]

    def store_in_use(self, arn: str) -> bool:
        """decisions 38: any function or connection function, either stage, referencing the store."""
        return any(
            associated_store_arn(copy.config) == arn
            for resource in self._resources()
            for copy in (resource.development, resource.live)
            if copy is not None
        )
