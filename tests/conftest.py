"""Shared fixtures. ``cloudfront_functions`` (an active ``CloudFrontMock``) comes from cfmock's pytest plugin."""

from __future__ import annotations

import signal
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


@pytest.fixture
def python_handles_ctrl_c() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt, as in any interactive Python. A process started with SIGINT ignored (a
    background job of a non-interactive shell, some CI runners) keeps it ignored, and there
    ``_thread.interrupt_main()`` does nothing: the Ctrl-C tests then saw no Ctrl-C at all."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
