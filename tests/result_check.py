"""Every handler result checked against its operation's output shape, the way botocore's ``Stubber`` checks the
responses it is given (``botocore.validate.ParamValidator`` on ``OperationModel.output_shape``).

The renderer writes what the model names and skips ``None``, so without this a misspelt key would be an empty
answer with HTTP 200. Checked here: member names (an unknown one is an error), types and required members.
``None`` means "absent" to the renderer, so ``None`` members are dropped before the check (a required member
left ``None`` is then reported missing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any


def _present(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _present(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_present(item) for item in value]
    return value


def model_mismatch(operation: Any, result: Mapping[str, Any]) -> str | None:
    """What in ``result`` the output shape of ``operation`` does not allow, or None when it matches."""
    from botocore.validate import ParamValidator

    shape = operation.output_shape
    present = _present(result)
    if shape is None:
        return None if not present else f"the operation has no output, yet the result is {present!r}"
    report = ParamValidator().validate(present, shape)
    return report.generate_report() if report.has_errors() else None


class ResultMismatch(AssertionError):
    """A handler answered with a result its operation's output shape does not allow."""


@contextmanager
def results_checked(mismatches: list[str]) -> Iterator[None]:
    """While inside, every handler ``cfmock.service.dispatch.dispatch`` runs is checked; a mismatch is raised
    where the call is made and also appended to ``mismatches``, so that a test swallowing it still fails."""
    from cfmock.service import dispatch as dispatching

    original: Callable[..., Any] = dispatching.dispatch

    def checked_dispatch(state: Any, handler: Callable[[Any], Any], operation: Any, request: Any) -> Any:
        def checked_handler(call: Any) -> Any:
            result = handler(call)
            mismatch = model_mismatch(operation, result)
            if mismatch is not None:
                message = f"{operation.service_model.service_name} {operation.name} answered off-model: {mismatch}"
                mismatches.append(message)
                raise ResultMismatch(message)
            return result

        return original(state, checked_handler, operation, request)

    dispatching.dispatch = checked_dispatch  # type: ignore[assignment]
    try:
        yield
    finally:
        dispatching.dispatch = original  # type: ignore[assignment]
