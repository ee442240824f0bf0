"""What the mock answered: one :class:`RecordedCall` per intercepted call, in order (``mock.calls``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordedError:
    """The AWS error a call was answered with: the modelled ``code``, its ``message`` and HTTP ``status``."""

    code: str
    message: str
    status: int
    injected: bool = False  # it came from ``inject_error``, not from the state machine


@dataclass(frozen=True)
class RecordedCall:
    """One call the mock answered.

    ``service`` is ``"cloudfront"`` or ``"cloudfront-keyvaluestore"``; ``operation`` the API name
    (``"CreateFunction"``); ``parameters`` what the service received, in the API's vocabulary (as the request
    crossed the wire: ``IfMatch``, ``FunctionCode`` as bytes, …); ``response`` the answer in the shape of the
    operation's output (``None`` after an error); ``error`` the AWS error, if the call failed. Copies: later
    calls do not change them.
    """

    service: str
    operation: str
    parameters: Mapping[str, Any]
    response: Mapping[str, Any] | None
    error: RecordedError | None

    @property
    def ok(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        outcome = f"error={self.error.code}" if self.error is not None else "ok"
        names = ", ".join(sorted(self.parameters))
        return f"<RecordedCall {self.service} {self.operation}({names}) {outcome}>"
