"""Routing from the service models, on the raw path: every operation of both models is reachable, unambiguously."""

from __future__ import annotations

import re

import botocore.session
import pytest

from cfmock.server.routing import find_route, parse_query

SESSION = botocore.session.get_session()
SERVICES = ("cloudfront", "cloudfront-keyvaluestore")
OPERATIONS = [(service, name) for service in SERVICES for name in SESSION.get_service_model(service).operation_names]
LABEL_VALUE = "arn%3Aaws%3Acloudfront%3A%3A123456789012%3Akey-value-store%2Fid"  # raw, with %2F


def request_for(service: str, name: str) -> tuple[str, str, str]:
    """Method, raw path and query a client would send for the operation (labels filled with an encoded ARN)."""
    http = SESSION.get_service_model(service).operation_model(name).http
    path, _, query = http["requestUri"].partition("?")
    return http["method"], re.sub(r"\{[^}]+\}", LABEL_VALUE, path), query


@pytest.mark.parametrize(("service", "name"), OPERATIONS, ids=[f"{s}:{n}" for s, n in OPERATIONS])
def test_every_operation_routes_to_itself(service: str, name: str) -> None:
    method, path, query = request_for(service, name)
    route = find_route(method, path, parse_query(query))
    assert route is not None and (route.service, route.operation) == (service, name)


def test_both_models_are_covered() -> None:
    assert {service for service, _ in OPERATIONS} == set(SERVICES)
    assert len(OPERATIONS) == sum(len(SESSION.get_service_model(s).operation_names) for s in SERVICES)


def test_an_encoded_slash_stays_inside_its_label() -> None:
    route = find_route("GET", f"/key-value-stores/{LABEL_VALUE}/keys/a%2Fb", {})
    assert route is not None and route.operation == "GetKey"
    # Decoded, the same path would have more segments and name no operation.
    assert find_route("GET", "/key-value-stores/arn:aws:cloudfront::1:key-value-store/id/keys/a/b", {}) is None


def test_literal_query_parts_select_the_operation() -> None:
    tag = find_route("POST", "/2020-05-31/tagging", parse_query("Operation=Tag&Resource=x"))
    untag = find_route("POST", "/2020-05-31/tagging", parse_query("Operation=Untag&Resource=x"))
    assert tag is not None and untag is not None and tag.operation != untag.operation
    assert find_route("POST", "/2020-05-31/tagging", parse_query("Operation=Other")) is None


def test_more_literal_segments_win_over_labels() -> None:
    route = find_route("GET", "/2020-05-31/function/name/describe", {})
    assert route is not None and route.operation == "DescribeFunction"


def test_empty_labels_and_unknown_shapes_match_nothing() -> None:
    assert find_route("GET", "/2020-05-31/function//describe", {}) is None
    assert find_route("GET", "/nowhere", {}) is None
    assert find_route("BREW", "/2020-05-31/function", {}) is None
