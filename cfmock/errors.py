"""Exceptions cfmock itself raises. They deliberately do not look like AWS errors (``ClientError``)."""

from __future__ import annotations


class CfmockError(Exception):
    """Base class of cfmock's own errors."""


class UnsupportedOperationError(CfmockError, NotImplementedError):
    """A CloudFront call that cfmock does not implement was made while the mock was active.

    It never reaches the network (decisions 39). Activate moto's ``mock_aws`` together with cfmock to
    have moto answer it.
    """

    def __init__(self, operation: str, detail: str | None = None) -> None:
        self.operation = operation
        message = detail or (
            f"cfmock does not implement the CloudFront operation {operation!r}, and no other mock answered "
            "it. The call was not sent to AWS. To serve it, activate moto's `mock_aws` together with cfmock "
            "(either nesting order works)."
        )
        super().__init__(message)
        self._detail = detail

    def __reduce__(self) -> tuple[type[UnsupportedOperationError], tuple[str, str | None]]:
        return type(self), (self.operation, self._detail)  # so it crosses processes (pickle) unchanged


class UnusedInjectionWarning(UserWarning):
    """An activation ended while errors injected with ``inject_error`` were still waiting for their calls.

    The test never made the calls it meant to fail, so it probably did not test what it meant to."""


class UnusedInjectionError(CfmockError, AssertionError):
    """As :class:`UnusedInjectionWarning`, raised instead with ``strict_injections=True``."""
