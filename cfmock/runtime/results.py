"""Value types the execution engine takes (no QuickJS, no botocore); what it returns is in ``cfmock.results``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RuntimeLimits:
    """Per-run limits (decisions 28–30)."""

    viewer_budget_ms: float = 1.0  # ComputeUtilization 100 for viewer functions
    connection_budget_ms: float = 5.0  # ... and for connection functions
    time_limit_s: float = 1.0  # a run is stopped after this: "InternalError: function execution timed out"
    # Heap the function may use on top of the engine's own baseline (preludes, modules, the KVS data).
    # QuickJS needs roughly 1.5x the bytes of the data it holds, so 3 MiB is "about 2 MB of user data".
    memory_limit_bytes: int = 3 * 1024 * 1024
    log_limit_bytes: int = 10_240  # total console.log output kept, in UTF-8 bytes
    # C stack for JS recursion: about 860 plain frames. More stack makes each stack-overflow error dearer
    # (QuickJS records the whole backtrace), and code that catches overflows and recurses again then
    # overshoots the hard limit further.
    # 256 KiB allows ~400 nested calls. More stack lets code that catches stack overflows and recurses again
    # overshoot the hard limit: each caught overflow builds a backtrace as deep as the stack between two of
    # QuickJS's interrupt checks (measured with a 0.3 s limit: +0.08 s at 256 KiB, +0.6 s at 512 KiB).
    max_stack_bytes: int = 256 * 1024


@dataclass(frozen=True)
class KvsBinding:
    """The function's associated KeyValueStore, handed to the sandbox as data."""

    store_id: str  # the KVS Id (uuid); cf.kvs(id) must match it
    data: Mapping[str, str]  # key -> value
    created: datetime | None = None
    last_modified: datetime | None = None
