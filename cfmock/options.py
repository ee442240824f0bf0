"""The one options object every entry point of the mock takes."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_ACCOUNT_ID = "123456789012"  # decisions 14


@dataclass(frozen=True)
class MockOptions:
    """Settings of one activation.

    ``account_id``: the account in every ARN (decisions 14).
    ``viewer_budget_ms`` / ``connection_budget_ms``: the time that counts as 100 % ComputeUtilization
    (decisions 28), in CloudFront's milliseconds as cfmock estimates them (decisions 46). ``time_limit_s``: a
    run is stopped after this long. ``edge_location``: what ``cf.edgeLocation`` reports in viewer-request
    functions. ``relaxed_syntax``: accept in 2.0 viewer functions the syntax runtime 2.0's page does not list
    (``?.``, ``??``, classes, destructuring…), which is rejected by default (decisions 40); for code known to
    run on AWS.
    """

    account_id: str = DEFAULT_ACCOUNT_ID
    viewer_budget_ms: float = 1.0
    connection_budget_ms: float = 5.0
    time_limit_s: float = 1.0
    edge_location: str = "SEA19-C1"
    relaxed_syntax: bool = False

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[0-9]{12}", self.account_id):
            raise ValueError(f"account_id must be 12 digits, got {self.account_id!r}")
        for name in ("viewer_budget_ms", "connection_budget_ms", "time_limit_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
