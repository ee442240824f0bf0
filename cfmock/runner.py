"""Run function code without boto3: ``cfmock.run_function`` and ``cfmock.run_connection_function``.

The same engine TestFunction and TestConnectionFunction use, for plain unit tests of edge code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from cfmock.options import MockOptions

# The store a function sees through cf.kvs() when run outside the mock (any UUID works), and the times its
# meta() reports: fixed, so runs are reproducible.
DEFAULT_KVS_ID = "00000000-0000-4000-8000-000000000000"
DEFAULT_KVS_TIME = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FunctionResult:
    """What TestFunction reports: ``output`` is the FunctionOutput JSON text ("" when the function failed)."""

    output: str
    logs: tuple[str, ...]
    error_message: str
    compute_utilization: int
    origin_requests: tuple[dict[str, Any], ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.error_message

    @property
    def output_object(self) -> dict[str, Any] | None:
        """``output`` parsed: ``{"request": …}`` or ``{"response": …}`` (None when the function failed)."""
        return json.loads(self.output) if self.output else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        lines = [f"ComputeUtilization: {self.compute_utilization}"]
        lines += ["Logs:"] + [f"  {line}" for line in self.logs] if self.logs else ["Logs: (none)"]
        if self.error_message:
            lines.append(f"Error: {self.error_message}")
        else:
            lines.append("Output:")
            lines.append(json.dumps(self.output_object, indent=2))
        for record in self.origin_requests:
            lines.append(f"Origin change: {json.dumps(record)}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ConnectionResult:
    """What TestConnectionFunction reports: ``output`` is ``{"action": …, "customData": …}`` as JSON text."""

    output: str
    logs: tuple[str, ...]
    error_message: str
    compute_utilization: int

    @property
    def ok(self) -> bool:
        return not self.error_message

    @property
    def action(self) -> str | None:
        """``"allow"`` or ``"deny"`` (None when the function failed)."""
        return str(json.loads(self.output)["action"]) if self.output else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        lines = [f"ComputeUtilization: {self.compute_utilization}"]
        lines += ["Logs:"] + [f"  {line}" for line in self.logs] if self.logs else ["Logs: (none)"]
        lines.append(f"Error: {self.error_message}" if self.error_message else f"Output: {self.output}")
        return "\n".join(lines)


def limits_for(options: MockOptions) -> Any:
    from cfmock.runtime import RuntimeLimits

    return RuntimeLimits(
        viewer_budget_ms=options.viewer_budget_ms,
        connection_budget_ms=options.connection_budget_ms,
        hard_limit_s=options.time_limit_s,
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
) -> FunctionResult:
    """Run a viewer function's ``handler(event)``; ``kvs`` is the associated store's contents."""
    from cfmock.runtime import run_viewer_function

    settings = options or MockOptions()
    result = run_viewer_function(
        code,
        event,
        runtime=runtime,
        limits=limits_for(settings),
        kvs=_binding(kvs),
        edge_location=settings.edge_location,
    )
    return FunctionResult(
        result.output,
        tuple(result.logs),
        result.error_message,
        result.compute_utilization,
        tuple(result.origin_requests),
    )


def run_connection_function(
    code: str | bytes,
    connection: str | bytes | Mapping[str, Any],
    runtime: str = "cloudfront-js-2.0",
    kvs: Mapping[str, str] | None = None,
    options: MockOptions | None = None,
) -> ConnectionResult:
    """Run a connection function's ``connectionHandler(connection)``."""
    from cfmock.runtime import run_connection_function as run

    settings = options or MockOptions()
    result = run(code, connection, runtime=runtime, limits=limits_for(settings), kvs=_binding(kvs))
    return ConnectionResult(result.output, tuple(result.logs), result.error_message, result.compute_utilization)


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
