"""CloudFront Functions: the function error family, name-keyed identity and ``FunctionSummary`` (api.md §4)."""

from __future__ import annotations

from typing import Any

from cfmock.backend.staged import Clock, ErrorFamily, StageCopy, StagedRegistry, StagedResource, utc_now

FUNCTION_RUNTIMES = ("cloudfront-js-1.0", "cloudfront-js-2.0")

FUNCTION_ERRORS = ErrorFamily(
    not_found="NoSuchFunctionExists",
    already_exists="FunctionAlreadyExists",
    size_exceeded="FunctionSizeLimitExceeded",
    too_many="TooManyFunctions",
    in_use="FunctionInUse",
    test_etag_mismatch="InvalidIfMatchVersion",
)


def function_registry(account_id: str, clock: Clock = utc_now) -> StagedRegistry:
    # A function's name is its identity; the ARN ends in the name (api.md §3.1).
    return StagedRegistry(
        FUNCTION_ERRORS,
        make_id=lambda name: name,
        make_arn=lambda name: f"arn:aws:cloudfront::{account_id}:function/{name}",
        runtimes=FUNCTION_RUNTIMES,
        clock=clock,
    )


def function_summary(resource: StagedResource, stage: str, copy: StageCopy) -> dict[str, Any]:
    """A ``FunctionSummary`` of one stage (api.md §4.2; decisions 9 for LIVE times)."""
    return {
        "Name": resource.name,
        "Status": resource.status,
        "FunctionConfig": copy.config,
        "FunctionMetadata": {
            "FunctionARN": resource.arn,
            "Stage": stage,
            "CreatedTime": resource.created,
            "LastModifiedTime": copy.last_modified,
        },
    }
