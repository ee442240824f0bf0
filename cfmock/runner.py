"""Run function code without boto3: ``cfmock.run_function`` and ``cfmock.run_connection_function``.

The same engine TestFunction and TestConnectionFunction use, for plain unit tests of edge code.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cfmock.options import MockOptions
from cfmock.results import ConnectionResult, FunctionResult

__all__ = [
    "DEFAULT_KVS_ID",
    "DEFAULT_KVS_TIME",
    "ConnectionResult",  # defined in cfmock.results, and still importable from here
    "FunctionResult",
    "limits_for",
    "load_import_file",
    "run_connection_function",
    "run_function",
]

if TYPE_CHECKING:
    from cfmock.runtime.clock import Moment

# The store a function sees through cf.kvs() when run outside the mock (any UUID works), and the times its
# meta() reports: fixed, so runs are reproducible.
DEFAULT_KVS_ID = "00000000-0000-4000-8000-000000000000"
DEFAULT_KVS_TIME = datetime(2024, 1, 1, tzinfo=UTC)
_DEFAULTS = MockOptions()  # frozen: one instance serves every run given no options


# Options are frozen and the limits a pure function of them; a suite's runs share a handful of option sets.
@functools.lru_cache(maxsize=32)
def limits_for(options: MockOptions) -> Any:
    from cfmock.runtime import RuntimeLimits

    return RuntimeLimits(
        viewer_budget_ms=options.viewer_budget_ms,
        connection_budget_ms=options.connection_budget_ms,
        time_limit_s=options.time_limit_s,
        relaxed_syntax=options.relaxed_syntax,
    )


def _binding(kvs: Mapping[str, str] | None) -> Any:
    if kvs is None:
        return None
    from cfmock.runtime import KvsBinding

    return KvsBinding(DEFAULT_KVS_ID, dict(kvs), DEFAULT_KVS_TIME, DEFAULT_KVS_TIME)


def run_function(
    code: str | bytes,
    event: str | bytes | Mapping[str, Any],
    runtime: str = "cloudfront-js-2.0",
    kvs: Mapping[str, str] | None = None,
    options: MockOptions | None = None,
    *,
    now: Moment | None = None,
) -> FunctionResult:
    """Run a viewer function's ``handler(event)``; ``kvs`` is the associated store's contents.

    ``now`` is the time the function sees (a ``datetime``, naive read as UTC, or epoch seconds); without it,
    ``options.now``, else the real time at the start of the run (decisions 45)."""
    from cfmock.runtime import run_viewer_function

    settings = options or _DEFAULTS
    return run_viewer_function(
        code,
        event,
        runtime=runtime,
        limits=limits_for(settings),
        kvs=_binding(kvs),
        edge_location=settings.edge_location,
        now=settings.now if now is None else now,
    )


def run_connection_function(
    code: str | bytes,
    connection: str | bytes | Mapping[str, Any],
    runtime: str = "cloudfront-js-2.0",
    kvs: Mapping[str, str] | None = None,
    options: MockOptions | None = None,
    *,
    now: Moment | None = None,
) -> ConnectionResult:
    """Run a connection function's ``connectionHandler(connection)``; ``now`` as for :func:`run_function`."""
    from cfmock.runtime import run_connection_function as run

    settings = options or _DEFAULTS
    return run(
        code,
        connection,
        runtime=runtime,
        limits=limits_for(settings),
        kvs=_binding(kvs),
        now=settings.now if now is None else now,
    )


def load_import_file(text: str) -> dict[str, str]:
    """A KeyValueStore import file (``{"data": [{"key": …, "value": …}]}``) as a dict; duplicates refused."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise ValueError("the key value store import file is nested too deeply") from None
    items = document.get("data") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise ValueError('a key value store import file is {"data": [{"key": ..., "value": ...}, ...]}')
    data: dict[str, str] = {}
    for item in items:
        if not (isinstance(item, dict) and isinstance(item.get("key"), str) and isinstance(item.get("value"), str)):
            raise ValueError(f"each entry needs a string key and a string value, got {item!r}")
        if item["key"] in data:
            raise ValueError(f"duplicate key {item['key']!r} in the import file")
        data[item["key"]] = item["value"]
    return data
