"""Shared fixtures. ``cloudfront_functions`` (an active ``CloudFrontMock``) comes from cfmock's pytest plugin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest


@pytest.fixture
def cf(cloudfront_functions: Any) -> Any:
    """A boto3 CloudFront client whose calls are answered by the active mock."""
    return boto3.client("cloudfront", region_name="us-east-1")


@pytest.fixture(autouse=True)
def handler_results_match_the_model() -> Iterator[list[str]]:
    """Every handler result of every test is checked against its operation's output shape (result_check.py)."""
    from result_check import results_checked

    mismatches: list[str] = []
    with results_checked(mismatches):
        yield mismatches
    if mismatches:
        pytest.fail("handler results that the model does not allow:\n" + "\n".join(mismatches), pytrace=False)
