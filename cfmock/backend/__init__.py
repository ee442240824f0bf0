"""In-memory CloudFront state machines: pure Python, no botocore, no QuickJS, no XML."""

from __future__ import annotations

import threading

from cfmock.backend.connection_functions import connection_function_registry
from cfmock.backend.errors import ServiceError
from cfmock.backend.functions import function_registry
from cfmock.backend.staged import Clock, StagedRegistry, utc_now

DEFAULT_ACCOUNT_ID = "123456789012"  # decisions 14

__all__ = ["DEFAULT_ACCOUNT_ID", "CloudFrontBackend", "ServiceError"]


class CloudFrontBackend:
    """Everything one activation holds. ``lock`` serialises whole operations, so threads lose no update."""

    def __init__(self, account_id: str = DEFAULT_ACCOUNT_ID, clock: Clock = utc_now) -> None:
        self.account_id = account_id
        self.lock = threading.RLock()
        self.functions: StagedRegistry = function_registry(account_id, clock)
        self.connection_functions: StagedRegistry = connection_function_registry(account_id, clock)
