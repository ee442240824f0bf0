"""What a run of function code reports: one type per kind of function, for the engine and the public API alike.

``cfmock.run_function`` / ``run_connection_function`` return these, and TestFunction / TestConnectionFunction
render them. A leaf module (no QuickJS, no botocore) so that ``import cfmock`` stays light.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ErrorLocation:
    """A position in the user's own source file, both numbers 1-based.

    ``line`` counts lines as JavaScript does (LF, CRLF, a lone CR, U+2028 and U+2029 each end one).
    ``column`` counts Unicode code points from the start of that line (a tab, an ``é`` and an emoji count one
    each; UTF-16 editors count an emoji as two). For a syntax error it is where the parser stopped; for a
    runtime error, the engine's position of the failing expression in the innermost frame of the user's code
    (for some expressions QuickJS puts it on the start of the expression rather than the operator)."""

    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


@dataclass(frozen=True)
class FunctionResult:
    """What TestFunction reports: ``output`` is the FunctionOutput JSON text ("" when the function failed)."""

    output: str
    logs: tuple[str, ...]
    error_message: str
    compute_utilization: int
    origin_requests: tuple[dict[str, Any], ...] = field(default=())
    # Where the error is in the code as given: 1-based line and column (code points); None on success or when
    # unknown (a thrown non-Error value, a run stopped at the time limit, a handler returning a non-object).
    error_location: ErrorLocation | None = None

    @property
    def ok(self) -> bool:
        return not self.error_message

    @property
    def output_object(self) -> dict[str, Any] | None:
        """``output`` parsed: ``{"request": …}`` or ``{"response": …}`` (None when the function failed)."""
        from cfmock.runtime.nesting import in_room  # output nests up to MAX_NESTING + 1 levels

        return in_room(json.loads, self.output) if self.output else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        lines = [f"ComputeUtilization: {self.compute_utilization}"]
        lines += ["Logs:"] + [f"  {line}" for line in self.logs] if self.logs else ["Logs: (none)"]
        if self.error_message:
            lines.append(f"Error: {self.error_message}")
        else:
            from cfmock.runtime.nesting import in_room

            lines.append("Output:")
            lines.append(in_room(json.dumps, self.output_object, indent=2))
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
    error_location: ErrorLocation | None = None  # as in FunctionResult

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
