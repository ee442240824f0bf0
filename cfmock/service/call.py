"""What a handler receives and returns: one mocked call, and the result it answers with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cfmock.backend import CloudFrontBackend
from cfmock.wire.constraints import check_constraints

Result = dict[str, Any]


@dataclass
class Call:
    """One mocked API call as a handler sees it: the state, the operation and its parsed params."""

    backend: CloudFrontBackend
    operation: Any  # botocore OperationModel
    params: dict[str, Any]
    settings: Any = None  # cfmock.options.MockOptions
    validated: bool = field(default=False, init=False)

    def validate(self, *, skip: tuple[str, ...] = ()) -> None:
        """Check the model constraints botocore leaves to the service (decisions 17).

        Handlers call this at the point decisions 7 puts body validation, after existence and If-Match.
        ``skip`` names members whose limits a more specific decision governs (e.g. decisions 23).
        """
        if not self.validated:
            self.validated = True
            error = "ValidationException" if self.operation.metadata["protocol"] == "rest-json" else "MalformedXML"
            params = {k: v for k, v in self.params.items() if k not in skip} if skip else self.params
            check_constraints(self.operation, params, error)


Handler = Callable[[Call], Result]
