"""Shared fixtures. ``cloudfront_functions`` (an active ``CloudFrontMock``) comes from cfmock's pytest plugin."""

from __future__ import annotations

from typing import Any

import boto3
import pytest


@pytest.fixture
def cf(cloudfront_functions: Any) -> Any:
    """A boto3 CloudFront client whose calls are answered by the active mock."""
    return boto3.client("cloudfront", region_name="us-east-1")
