"""``cfmock.wire.requests``: the recent request bodies it remembers, so that a body sent again is not parsed again.

What a body parses to must never depend on the memory: each call gets its own copy, a different body or a
different operation gets its own answer, a bad body fails every time, and the memory stays bounded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from captured_requests import capturing_client, serialized

from cfmock.backend.errors import ServiceError
from cfmock.wire import requests
from cfmock.wire.requests import parse_request

CONFIG = {"Comment": "first", "Runtime": "cloudfront-js-2.0"}


@pytest.fixture(scope="module")
def client() -> Any:
    return capturing_client()


@pytest.fixture(autouse=True)
def forget() -> Iterator[None]:
    requests._documents.clear()
    yield
    requests._documents.clear()


def counting_xml_parses(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    parsed: list[bytes] = []
    real = ET.fromstring

    def fromstring(text: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(requests.ET, "fromstring", fromstring)
    return parsed


def test_a_body_sent_again_is_not_parsed_again(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = counting_xml_parses(monkeypatch)
    model, request = serialized(client, "test_function", Name="fn", IfMatch="E1", EventObject=b'{"a":1}')
    first = parse_request(model, request)
    again = parse_request(model, dict(request, body=bytes(request["body"])))  # equal bytes, another object
    assert first == again == {"Name": "fn", "IfMatch": "E1", "EventObject": b'{"a":1}'}
    assert len(parses) == 1


def test_each_call_gets_its_own_copy(client: Any) -> None:
    model, request = serialized(client, "update_function", Name="fn", IfMatch="E1", FunctionConfig=CONFIG,
                                FunctionCode=b"code")  # fmt: skip
    first = parse_request(model, request)
    first["FunctionConfig"]["Comment"] = "changed by the first caller"
    first["FunctionConfig"]["KeyValueStoreAssociations"] = {"Quantity": 0}
    assert parse_request(model, request)["FunctionConfig"] == CONFIG


def test_a_different_body_gets_its_own_answer(client: Any) -> None:
    model, request = serialized(client, "test_function", Name="fn", IfMatch="E1", EventObject=b'{"a":1}')
    _, other = serialized(client, "test_function", Name="fn", IfMatch="E1", EventObject=b'{"a":2}')
    assert parse_request(model, request)["EventObject"] == b'{"a":1}'
    assert parse_request(model, other)["EventObject"] == b'{"a":2}'
    assert parse_request(model, request)["EventObject"] == b'{"a":1}'


def test_the_same_bytes_for_another_operation_are_read_by_that_operation(client: Any) -> None:
    # The root element's name is not checked, so CreateFunction's body reads as an UpdateFunction body; but Name
    # is a body member of the one and a URI label of the other, and each operation must read it its own way.
    create_model, create = serialized(client, "create_function", Name="from-body", FunctionConfig=CONFIG,
                                      FunctionCode=b"code")  # fmt: skip
    update_model, update = serialized(client, "update_function", Name="from-uri", IfMatch="E1",
                                      FunctionConfig=CONFIG, FunctionCode=b"code")  # fmt: skip
    assert parse_request(create_model, create)["Name"] == "from-body"
    assert parse_request(update_model, dict(update, body=create["body"]))["Name"] == "from-uri"


def test_a_bad_body_fails_every_time(client: Any) -> None:
    model, request = serialized(client, "test_function", Name="fn", IfMatch="E1", EventObject=b"{}")
    broken = dict(request, body=request["body"].replace(b"</EventObject>", b"</Event>"))
    failures = []
    for _ in range(2):
        with pytest.raises(ServiceError) as excinfo:
            parse_request(model, broken)
        failures.append((excinfo.value.code, excinfo.value.message))
    assert failures == [("MalformedXML", "The XML you provided was not well-formed.")] * 2
    assert parse_request(model, request)["EventObject"] == b"{}"


def test_the_memory_is_bounded_in_number(client: Any) -> None:
    bodies = []
    for i in range(requests.REMEMBERED_DOCUMENTS + 5):
        model, request = serialized(client, "test_function", Name="fn", IfMatch="E1", EventObject=b"%d" % i)
        assert parse_request(model, request)["EventObject"] == b"%d" % i
        bodies.append(request["body"])
    remembered = [body for _, body in requests._documents]
    assert remembered == bodies[-requests.REMEMBERED_DOCUMENTS :]  # the oldest went first


def test_a_body_used_lately_is_kept_longest(client: Any) -> None:
    model, kept = serialized(client, "test_function", Name="fn", IfMatch="E1", EventObject=b"kept")
    for i in range(requests.REMEMBERED_DOCUMENTS):
        parse_request(model, kept)  # the first parsed, then used again: it stays while the older ones go
        _, request = serialized(client, "test_function", Name="fn", IfMatch="E1", EventObject=b"%d" % i)
        parse_request(model, request)
    assert (requests._PARSERS[("cloudfront", "TestFunction")], kept["body"]) in requests._documents


def test_a_large_body_is_parsed_but_not_remembered(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = counting_xml_parses(monkeypatch)
    event = b'{"pad":"' + b"x" * requests.MAX_REMEMBERED_BODY + b'"}'
    model, request = serialized(client, "test_function", Name="fn", IfMatch="E1", EventObject=event)
    assert parse_request(model, request)["EventObject"] == event
    assert parse_request(model, request)["EventObject"] == event
    assert len(parses) == 2
    assert not requests._documents
