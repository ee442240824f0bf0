"""The one options object every entry point of the mock takes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

DEFAULT_ACCOUNT_ID = "123456789012"  # decisions 14


@dataclass(frozen=True)
class MockOptions:
    """Settings of one activation.

    ``account_id``: the account in every ARN (decisions 14).
    ``viewer_budget_ms`` / ``connection_budget_ms``: the time that counts as 100 % ComputeUtilization
    (decisions 28), in CloudFront's milliseconds as cfmock estimates them (decisions 46). ``time_limit_s``: a
    run is stopped after this long. ``edge_location``: what
    ``cf.edgeLocation`` reports in viewer-request functions. ``now``: the time functions see (``Date.now()``,
    ``new Date()``) in every run, as a ``datetime`` (a naive one is read as UTC) or epoch seconds; ``None``
    (the default) is the real time at the start of each run, read through Python's clock, so time-machine and
    freezegun apply (decisions 45). ``strict_injections``: when the activation ends with injected errors no call
    used, raise :class:`cfmock.errors.UnusedInjectionError` instead of warning
    (:class:`cfmock.errors.UnusedInjectionWarning`). ``relaxed_syntax``:
    accept in 2.0 viewer functions the syntax runtime 2.0's page does not list (``?.``, ``??``, classes,
    destructuring…), which is rejected by default (decisions 40); for code known to run on AWS.
    """

    account_id: str = DEFAULT_ACCOUNT_ID
    viewer_budget_ms: float = 1.0
    connection_budget_ms: float = 5.0
    time_limit_s: float = 1.0
    edge_location: str = "SEA19-C1"
    now: datetime | float | None = None
    strict_injections: bool = False
    relaxed_syntax: bool = False

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[0-9]{12}", self.account_id):
            raise ValueError(f"account_id must be 12 digits, got {self.account_id!r}")
        for name in ("viewer_budget_ms", "connection_budget_ms", "time_limit_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
        if self.now is not None:
            from cfmock.runtime.clock import start_time_ms

            start_time_ms(self.now)  # a wrong type or an impossible time is refused here, not at the first run
