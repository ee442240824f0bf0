"""pytest plugin (registered through the ``pytest11`` entry point).

Fixture ``cloudfront_functions`` yields an active :class:`cfmock.CloudFrontMock`; the marker
``@pytest.mark.cloudfront_functions(**options)`` sets its options and activates it for the test even
when the test does not ask for the fixture. ``--cfmock-update`` makes ``FunctionCase.check()`` (see
:func:`cfmock.function_cases`) write the expected files. Fixture ``cloudfront_server`` (session scope) runs
``cfmock server`` on a free loopback port and yields a :class:`cfmock.server.RunningServer` (``.endpoint``,
``.backend``, ``.environment()``). Loading the plugin imports nothing heavy.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from cfmock.activation import CloudFrontMock
    from cfmock.server import RunningServer

MARKER = "cloudfront_functions"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("cfmock").addoption(
        "--cfmock-update",
        action="store_true",
        help="cfmock.function_cases: write each case's NAME.expected.json from the actual result",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("cfmock_update", False):
        from cfmock import cases

        cases._pytest_update_requested = True
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): run the test with cfmock's CloudFront mock active "
        "(options as for cfmock.mock_cloudfront_functions).",
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    cases = sys.modules.get("cfmock.cases")  # not imported just to reset it
    if cases is not None:
        cases._pytest_update_requested = False  # type: ignore[attr-defined]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marked = item.get_closest_marker(MARKER) is not None
        if marked and isinstance(item, pytest.Function) and MARKER not in item.fixturenames:
            item.fixturenames.insert(0, MARKER)


@pytest.fixture
def cloudfront_functions(request: pytest.FixtureRequest) -> Iterator[CloudFrontMock]:
    """An active CloudFront mock with fresh state; options come from the test's marker, if any."""
    from cfmock.activation import end_of_test, mock_cloudfront_functions

    marker = request.node.get_closest_marker(MARKER)
    if marker is not None and marker.args:
        raise TypeError(f"@pytest.mark.{MARKER} takes keyword options only, got {marker.args!r}")
    mock = mock_cloudfront_functions(**(marker.kwargs if marker is not None else {})).start()
    try:
        yield mock
    finally:
        end_of_test(mock)


@pytest.fixture(scope="session")
def cloudfront_server() -> Iterator[RunningServer]:
    """cfmock's CloudFront over HTTP on a free 127.0.0.1 port, for the whole session.

    Point clients at ``cloudfront_server.endpoint`` (and, for the KeyValueStore data plane, use it as their HTTP
    proxy). The state lives for the session: call ``cloudfront_server.backend.reset()`` for a clean slate."""
    from cfmock.server import running_server

    with running_server() as server:
        yield server
