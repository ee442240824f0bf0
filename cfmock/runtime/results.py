"""Value types the execution engine takes (no QuickJS, no botocore); what it returns is in ``cfmock.results``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RuntimeLimits:
    """Per-run limits (decisions 28–30)."""

    viewer_budget_ms: float = 1.0  # ComputeUtilization 100 for viewer functions (estimated AWS ms: utilization.py)
    connection_budget_ms: float = 5.0  # ... and for connection functions
    time_limit_s: float = 1.0  # a run is stopped after this: "InternalError: function execution timed out"
    # Heap the function may use on top of the engine's own baseline (preludes, modules, the KVS data).
    # QuickJS needs roughly 1.5x the bytes of the data it holds, so 3 MiB is "about 2 MB of user data".
    memory_limit_bytes: int = 3 * 1024 * 1024
    log_limit_bytes: int = 10_240  # total console.log output kept, in UTF-8 bytes
    # C stack for JS recursion. QuickJS-ng spends about 1.7 KB of C stack per JavaScript call (the wheel's
    # JS_CallInternal frame alone is 1.5 KB), so 768 KiB allows about 460 nested calls (measured: 461 plain
    # frames, 450 for a one-argument recursive sum), as cfmock's previous engine did in 256 KiB (428 and 400).
    # More stack lets code that catches stack overflows and recurses again overshoot the hard limit further
    # (each caught overflow records a backtrace); at 768 KiB that case stays within 0.02 s of a 0.25 s limit.
    max_stack_bytes: int = 768 * 1024
    # Accept 2.0 viewer syntax that runtime 2.0's page does not list (?., ??, classes…; decisions 40), for
    # code the user knows runs on AWS. Runtime 1.0's check (decisions 26) stays.
    relaxed_syntax: bool = False


@dataclass(frozen=True)
class KvsBinding:
    """The function's associated KeyValueStore, handed to the sandbox as data."""

    store_id: str  # the KVS Id (uuid); cf.kvs(id) must match it
    data: Mapping[str, str]  # key -> value
    created: datetime | None = None
    last_modified: datetime | None = None
