"""Connection functions: the generic error family, opaque Ids and ``ConnectionFunctionSummary`` (api.md §5)."""

from __future__ import annotations

from typing import Any

from cfmock.backend.staged import Clock, ErrorFamily, StageCopy, StagedRegistry, StagedResource, utc_now

CONNECTION_FUNCTION_RUNTIMES = ("cloudfront-js-2.0",)  # decisions 21

CONNECTION_FUNCTION_ERRORS = ErrorFamily(
    not_found="EntityNotFound",
    already_exists="EntityAlreadyExists",
    size_exceeded="EntitySizeLimitExceeded",
    too_many="EntityLimitExceeded",
    in_use="CannotDeleteEntityWhileInUse",
    test_etag_mismatch="PreconditionFailed",
)

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ID_LENGTH = 20  # decisions 15


def new_connection_function_id() -> str:
    import secrets  # lazily: it pulls in `random` and `hashlib`

    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH))


def connection_function_registry(account_id: str, clock: Clock = utc_now) -> StagedRegistry:
    issued: set[str] = set()

    def make_id(_name: str) -> str:
        # Ids are never reused, even after a delete, so a stale Id can never address a new function.
        while (rid := new_connection_function_id()) in issued:
            pass
        issued.add(rid)
        return rid

    return StagedRegistry(
        CONNECTION_FUNCTION_ERRORS,
        make_id=make_id,
        make_arn=lambda rid: f"arn:aws:cloudfront::{account_id}:connection-function/{rid}",
        runtimes=CONNECTION_FUNCTION_RUNTIMES,
        clock=clock,
    )


def connection_function_summary(resource: StagedResource, stage: str, copy: StageCopy) -> dict[str, Any]:
    """A ``ConnectionFunctionSummary`` of one stage: every field at one level (api.md §5.1)."""
    return {
        "Name": resource.name,
        "Id": resource.id,
        "ConnectionFunctionConfig": copy.config,
        "ConnectionFunctionArn": resource.arn,
        "Status": resource.status,
        "Stage": stage,
        "CreatedTime": resource.created,
        "LastModifiedTime": copy.last_modified,
    }
