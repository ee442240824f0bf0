"""HTTP request line -> (service, operation), read from the two service models' ``http`` traits.

Matching runs on the raw, undecoded path: ARNs and keys carry ``%2F``, so a label is one raw segment and
decoding happens later, per label (``cfmock.wire.requests``). The ``cloudfront`` paths start with the API
version and the ``cloudfront-keyvaluestore`` paths with ``/key-value-stores``: they never collide, so no
Host header is needed. A literal query in a ``requestUri`` (``?Operation=Tag``, ``?WithTags``) must be
present in the request; where several operations match, the one with the most literal segments wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from cfmock.wire.model import CLOUDFRONT, KEYVALUESTORE, service_model

SERVICES = (CLOUDFRONT, KEYVALUESTORE)


@dataclass(frozen=True)
class Route:
    service: str
    operation: str
    method: str
    segments: tuple[str | None, ...]  # None where the model has a label
    query: tuple[tuple[str, str | None], ...]  # literal query keys (and values) the operation requires

    @property
    def literals(self) -> int:
        return sum(segment is not None for segment in self.segments) + len(self.query)

    def matches(self, segments: list[str], query: dict[str, str]) -> bool:
        for expected, actual in zip(self.segments, segments, strict=True):
            if expected is None:
                if not actual:
                    return False
            elif expected != actual:
                return False
        return all(key in query and (value is None or query[key] == value) for key, value in self.query)


def _route(service: str, operation: Any) -> Route:
    path, _, query_text = operation.http["requestUri"].partition("?")
    segments = tuple(None if part.startswith("{") else part for part in path.split("/"))
    query = tuple(
        (key, value if "=" in item else None)
        for item in query_text.split("&")
        if item
        for key, _, value in [item.partition("=")]
    )
    return Route(service, operation.name, operation.http["method"], segments, query)


@cache
def _table() -> dict[tuple[str, int], list[Route]]:
    """Routes by (method, number of path segments), most specific first."""
    table: dict[tuple[str, int], list[Route]] = {}
    for service in SERVICES:
        model = service_model(service)
        for name in model.operation_names:
            route = _route(service, model.operation_model(name))
            table.setdefault((route.method, len(route.segments)), []).append(route)
    for routes in table.values():
        routes.sort(key=lambda route: -route.literals)
    return table


def find_route(method: str, raw_path: str, query: dict[str, str]) -> Route | None:
    """The operation a request addresses, or None when no operation of either model has that shape."""
    segments = raw_path.split("/")
    for route in _table().get((method, len(segments)), ()):
        if route.matches(segments, query):
            return route
    return None


def service_of_path(raw_path: str) -> str:
    """Which service's error shape answers a request that matched no route (by its path prefix)."""
    return KEYVALUESTORE if raw_path.startswith("/key-value-stores") else CLOUDFRONT


def parse_query(query: str) -> dict[str, str]:
    """The query string as a dict (the last value of a repeated key wins, as botocore never repeats one)."""
    return dict(parse_qsl(query, keep_blank_values=True)) if query else {}
