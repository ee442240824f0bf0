"""Requests exactly as cfmock receives them: a real (unmocked) botocore client whose calls are stopped at
``before-call``, where cfmock's handler sits, so tests of the wire layer read what botocore really sends."""

from __future__ import annotations

from typing import Any

import boto3
import pytest


class _Captured(Exception):
    pass


def capturing_client() -> Any:
    """A CloudFront client whose every call is captured instead of sent (see :func:`serialized`)."""
    cf = boto3.client("cloudfront", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")

    def capture(model: Any, params: dict[str, Any], **_: Any) -> None:
        raise _Captured(model, params)

    cf.meta.events.register_first("before-call.cloudfront", capture)
    return cf


def serialized(client: Any, method: str, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
    """(OperationModel, request dict) exactly as cfmock's before-call handler receives them."""
    with pytest.raises(_Captured) as excinfo:
        getattr(client, method)(**kwargs)
    model, request = excinfo.value.args
    return model, request
