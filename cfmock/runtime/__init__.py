"""cfmock's execution engine: runs CloudFront Functions and Connection Functions in QuickJS.

Pure Python plus QuickJS (no botocore). Importing this package does not import ``quickjs``; the sandbox is
loaded on the first run. A JavaScript error never raises here: it is reported in ``error_message``. Only an
unacceptable event raises :class:`InvalidEventError`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from cfmock.results import ConnectionResult, FunctionResult

from .clock import Moment, start_time_ms
from .connection import connection_output, normalise_connection, truncate_custom_data
from .errors import ERROR_PREFIX, EngineError, InvalidEventError
from .events import json_bytes, normalise_viewer_event, shape_output
from .json_limits import dump_json
from .locations import ErrorLocation, locate, location_at
from .profiles import RUNTIME_2, VIEWER_RUNTIMES, PreparedSource, prepare
from .results import KvsBinding, RuntimeLimits

if TYPE_CHECKING:
    from . import sandbox

__all__ = [
    "DEFAULT_EDGE_LOCATION",
    "ERROR_PREFIX",
    "VIEWER_RUNTIMES",
    "ConnectionResult",
    "EngineError",
    "ErrorLocation",
    "FunctionResult",
    "InvalidEventError",
    "KvsBinding",
    "Moment",
    "RuntimeLimits",
    "run_connection_function",
    "run_viewer_function",
]

DEFAULT_EDGE_LOCATION: Final = "SEA19-C1"
INVALID_RETURN_MESSAGE: Final = "TypeError: handler must return a request or response object"


def _decode(code: str | bytes) -> str | None:
    if isinstance(code, str):
        return code
    try:
        return bytes(code).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _check_runtime(runtime: str) -> None:
    if runtime not in VIEWER_RUNTIMES:
        raise ValueError(f"unknown runtime {runtime!r}; expected one of {', '.join(VIEWER_RUNTIMES)}")


def _utilization(outcome: sandbox.Outcome, budget_ms: float) -> int:
    if outcome.timed_out:
        return 100
    from . import utilization  # an estimate of AWS's figure, calibrated on first use (decisions 46)

    return utilization.estimate(outcome.elapsed_s, budget_ms)


_BAD_UTF8: Final = "SyntaxError: the function code is not valid UTF-8"


def _prepared(
    code: str | bytes, runtime: str, kind: str, relaxed: bool
) -> tuple[PreparedSource | None, str, ErrorLocation | None]:
    """The source ready to run, or the error message a run reports instead (bad UTF-8, unsupported syntax)
    and where in the code it is."""
    source = _decode(code)
    if source is None:
        assert not isinstance(code, str)
        return None, ERROR_PREFIX + _BAD_UTF8, _bad_utf8_location(bytes(code))
    prepared = prepare(source, runtime, kind, relaxed)
    if prepared.syntax_error is not None:
        where = None if prepared.syntax_error_offset is None else location_at(source, prepared.syntax_error_offset)
        return None, ERROR_PREFIX + prepared.syntax_error, where
    return prepared, "", None


def _bad_utf8_location(code: bytes) -> ErrorLocation | None:
    try:
        code.decode("utf-8")
    except UnicodeDecodeError as error:
        valid = code[: error.start].decode("utf-8")
        return location_at(valid, len(valid))
    return None


def _error_location(code: str | bytes, prepared: PreparedSource, stack: str) -> ErrorLocation | None:
    """Where the run's error is in the user's own code (locations.py), when the engine's stack says."""
    if not stack:
        return None
    from . import sandbox

    text = code if isinstance(code, str) else bytes(code).decode("utf-8")
    return locate(stack, prepared.source, text, sandbox.own_scripts(prepared))


# Test suites send the same event again and again, and normalising it is a pure function of its JSON text (an
# event given as a mapping is normalised from its printed text too: events.load_json_object), so that is the key.
@functools.lru_cache(maxsize=32)  # at most ~2.6 MB: events are <= 40 KB
def _viewer_payload(event: bytes) -> tuple[str, str]:
    """The normalised event as the engine's JSON payload, and its event type."""
    normalised = normalise_viewer_event(event)
    return dump_json(normalised, separators=(",", ":")), normalised["context"]["eventType"]


@functools.lru_cache(maxsize=32)  # as _viewer_payload: a pure function of the connection object's JSON text
def _connection_payload(connection: bytes) -> str:
    return dump_json(normalise_connection(connection), separators=(",", ":"))


def run_viewer_function(
    code: str | bytes,
    event: bytes | str | Mapping[str, Any],
    *,
    runtime: str = RUNTIME_2,
    limits: RuntimeLimits = RuntimeLimits(),  # noqa: B008 - frozen, so sharing the default is safe
    kvs: KvsBinding | None = None,
    edge_location: str = DEFAULT_EDGE_LOCATION,
    now: Moment | None = None,
) -> FunctionResult:
    """Run ``handler(event)`` as CloudFront's TestFunction does; ``now`` fixes its clock (decisions 45)."""
    _check_runtime(runtime)
    payload, event_type = _viewer_payload(json_bytes(event, "event"))
    prepared, problem, where = _prepared(code, runtime, "viewer", limits.relaxed_syntax)
    if prepared is None:
        return FunctionResult("", (), problem, 0, error_location=where)

    from . import sandbox  # quickjs is loaded only here

    outcome = sandbox.execute(
        prepared,
        "viewer",
        payload,
        runtime=runtime,
        event_type=event_type,
        edge_location=edge_location,
        kvs=kvs,
        limits=limits,
        now_ms=start_time_ms(now),
    )
    error = outcome.error
    output = ""
    if not error:
        if outcome.value_type == "object" and isinstance(outcome.value, dict):
            output = sandbox.clean_text(shape_output(outcome.value))
        else:
            error = INVALID_RETURN_MESSAGE
    return FunctionResult(
        output=output,
        logs=tuple(_cap_logs(outcome.logs, limits.log_limit_bytes)),
        error_message=ERROR_PREFIX + sandbox.clean_text(error) if error else "",
        compute_utilization=_utilization(outcome, limits.viewer_budget_ms),
        origin_requests=tuple(outcome.origins),
        error_location=_error_location(code, prepared, outcome.error_stack) if error else None,
    )


def run_connection_function(
    code: str | bytes,
    connection: bytes | str | Mapping[str, Any],
    *,
    runtime: str = RUNTIME_2,
    limits: RuntimeLimits = RuntimeLimits(),  # noqa: B008 - frozen, so sharing the default is safe
    kvs: KvsBinding | None = None,
    now: Moment | None = None,
) -> ConnectionResult:
    """Run ``connectionHandler(connection)`` as TestConnectionFunction does (decisions 31, 32); ``now`` fixes its
    clock (decisions 45)."""
    if runtime != RUNTIME_2:  # connection functions exist only for 2.0 (decisions 21)
        raise ValueError(f"connection functions run only on {RUNTIME_2}, not {runtime!r}")
    payload = _connection_payload(json_bytes(connection, "connection object"))
    prepared, problem, where = _prepared(code, runtime, "connection", limits.relaxed_syntax)
    if prepared is None:
        return ConnectionResult("", (), problem, 0, error_location=where)

    from . import sandbox

    outcome = sandbox.execute(
        prepared,
        "connection",
        payload,
        runtime=runtime,
        event_type="connection",
        edge_location=DEFAULT_EDGE_LOCATION,
        kvs=kvs,
        limits=limits,
        now_ms=start_time_ms(now),
    )
    custom = None if outcome.custom_data is None else truncate_custom_data(sandbox.clean_text(outcome.custom_data))
    return ConnectionResult(
        output="" if outcome.error else connection_output(outcome.action, custom),
        logs=tuple(_cap_logs(outcome.logs, limits.log_limit_bytes)),
        error_message=ERROR_PREFIX + sandbox.clean_text(outcome.error) if outcome.error else "",
        compute_utilization=_utilization(outcome, limits.connection_budget_ms),
        error_location=_error_location(code, prepared, outcome.error_stack) if outcome.error else None,
    )


def _cap_logs(lines: list[str], limit: int) -> list[str]:
    """Keep log entries in order until their UTF-8 total reaches ``limit``; the crossing entry is cut."""
    out: list[str] = []
    used = 0
    for line in lines:
        raw = line.encode("utf-8")
        if used + len(raw) > limit:
            rest = raw[: limit - used].decode("utf-8", "ignore")
            if rest:
                out.append(rest)
            break
        out.append(line)
        used += len(raw)
    return out
