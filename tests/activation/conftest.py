"""Shared helpers for the activation tests: no test may touch the network or leak an activation."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from cfmock import activation, interception


class NetworkAttempt(AssertionError):
    pass


@pytest.fixture(autouse=True)
def _no_network_and_no_leaked_activation(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Record (and refuse) every outgoing connection; fail the test if one was attempted or a mock leaked."""
    attempts: list[Any] = []

    def refuse(*args: Any, **_kwargs: Any) -> Any:
        attempts.append(args)
        raise NetworkAttempt(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert interception.current_state() is None, "a cfmock activation leaked into this test"
    yield attempts
    leaked = list(activation._stack)
    for mock in reversed(leaked):  # clean up so one failure does not cascade
        mock.stop()
    assert not leaked, f"the test left cfmock activations running: {leaked}"
    assert not attempts, f"the test attempted network access: {attempts}"
