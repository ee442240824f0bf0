"""The engine's payloads: an event (or connection object) given as a mapping is normalised from its JSON text,
and served from the same cache as one given as text, with the same answers and the same errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfmock.runtime import InvalidEventError, run_connection_function, run_viewer_function
from cfmock.runtime import _connection_payload as connection_payload
from cfmock.runtime import _viewer_payload as viewer_payload
from cfmock.runtime.connection import normalise_connection
from cfmock.runtime.events import json_bytes, normalise_viewer_event
from cfmock.runtime.json_limits import MAX_INTEGER_DIGITS, MAX_NESTING, dump_json

ECHO = "function handler(event) { event.request.headers['x-seen'] = {value: event.viewer.ip}; return event.request }"


def _event(**viewer: Any) -> dict[str, Any]:
    return {
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "198.51.100.11", **viewer},
        "request": {"method": "GET", "uri": "/", "headers": {"Host": {"value": "example.org"}}},
    }


def _direct(event: Any) -> tuple[str, str] | str:
    """What the payload was before the cache took mappings: normalised from the mapping itself."""
    try:
        normalised = normalise_viewer_event(event)
    except InvalidEventError as error:
        return str(error)
    return dump_json(normalised, separators=(",", ":")), normalised["context"]["eventType"]


def _cached(event: Any) -> tuple[str, str] | str:
    try:
        return viewer_payload(json_bytes(event, "event"))
    except InvalidEventError as error:
        return str(error)


def test_an_event_mapping_sent_again_is_served_from_the_cache() -> None:
    viewer_payload.cache_clear()
    first = run_viewer_function(ECHO, _event())
    second = run_viewer_function(ECHO, _event())  # an equal mapping, not the same object
    assert viewer_payload.cache_info().hits == 1
    assert first.output == second.output
    assert json.loads(first.output)["request"]["headers"]["x-seen"] == {"value": "198.51.100.11"}


def test_a_mapping_and_its_text_share_one_entry() -> None:
    viewer_payload.cache_clear()
    event = _event()
    run_viewer_function(ECHO, json.dumps(event, separators=(",", ":")))
    run_viewer_function(ECHO, event)
    assert viewer_payload.cache_info().hits == 1


def test_a_mapping_changed_between_runs_is_normalised_afresh() -> None:
    event = _event()
    run_viewer_function(ECHO, event)
    event["viewer"]["ip"] = "203.0.113.7"
    result = run_viewer_function(ECHO, event)
    assert json.loads(result.output)["request"]["headers"]["x-seen"] == {"value": "203.0.113.7"}


class _Mapping(dict[str, Any]):
    """A dict subclass: printed as a plain object."""


def _nested(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(_event(), id="plain"),
        pytest.param(_event(score=float("nan")), id="nan"),
        pytest.param(_event(score=float("inf")), id="infinity"),
        pytest.param(_event(thing=object()), id="not-serialisable"),
        pytest.param(_event(name="\ud800"), id="lone-surrogate"),
        pytest.param(_event(blob="x" * 41_000), id="too-big"),
        pytest.param(_event(deep=_nested(MAX_NESTING - 2)), id="at-the-nesting-limit"),
        pytest.param(_event(deep=_nested(MAX_NESTING)), id="past-the-nesting-limit"),
        pytest.param(_event(deep=_nested(5 * MAX_NESTING)), id="far-past-the-nesting-limit"),
        pytest.param(_event(n=int("7" * MAX_INTEGER_DIGITS)), id="longest-integer"),
        pytest.param(_event(n=1.5e300, m=-0.0), id="floats"),
        pytest.param({**_event(), "viewer": {1: "a", "1": "b", None: "c", 2.5: "d", False: "e"}}, id="non-string-keys"),
        pytest.param({**_event(), "viewer": {"list": (1, 2)}}, id="tuple"),
        pytest.param(_Mapping(_event()), id="dict-subclass"),
        pytest.param({"context": {"eventType": "viewer-response"}, "request": {}}, id="invalid-event"),
        pytest.param({**_event(), "request": "GET /"}, id="request-not-an-object"),
    ],
)
def test_a_mapping_gets_the_payload_or_error_it_got_before(event: Any) -> None:
    assert _cached(event) == _direct(event)


def test_a_mapping_of_the_wrong_type_is_refused_as_before() -> None:
    with pytest.raises(InvalidEventError, match="must be JSON text or a mapping, not list"):
        run_viewer_function(ECHO, [1, 2])  # type: ignore[arg-type]


_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
_KEYS = st.text(max_size=5) | st.integers(-3, 3) | st.booleans() | st.none()
_VALUES = st.recursive(
    _LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3), max_leaves=4
)
_ENTRY = st.fixed_dictionaries({}, optional={"value": _VALUES, "multiValue": _VALUES, "attributes": _VALUES})


# Generation only: under a loaded machine the first draw of this nested strategy can take over a second.
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "version": _VALUES,
            "context": st.fixed_dictionaries({}, optional={"eventType": st.sampled_from(["viewer-request", "x"])}),
            "viewer": _VALUES,
            "request": st.fixed_dictionaries(
                {},
                optional={
                    "method": _VALUES,
                    "headers": st.dictionaries(st.text(max_size=3), _ENTRY, max_size=2) | _LEAVES,
                    "cookies": st.dictionaries(st.text(max_size=3), _ENTRY, max_size=2),
                },
            ),
            "response": st.fixed_dictionaries({"statusCode": _VALUES}, optional={"body": _VALUES}),
        },
    )
)
def test_any_mapping_gets_the_payload_or_error_it_got_before(event: dict[str, Any]) -> None:
    assert _cached(event) == _direct(event)


def _direct_connection(connection: Any) -> str:
    try:
        return dump_json(normalise_connection(connection), separators=(",", ":"))
    except InvalidEventError as error:
        return str(error)


def _cached_connection(connection: Any) -> str:
    try:
        return connection_payload(json_bytes(connection, "connection object"))
    except InvalidEventError as error:
        return str(error)


CONNECTION = {"connectionId": "c-1", "clientIp": "198.51.100.11", "endpoint": "e", "distributionId": "D1"}


@pytest.mark.parametrize(
    "connection",
    [
        pytest.param(CONNECTION, id="plain"),
        pytest.param({**CONNECTION, "clientCertificate": {"certificates": {"leaf": {"subject": "x"}}}}, id="cert"),
        pytest.param({**CONNECTION, "clientIp": 7}, id="not-a-string"),
        pytest.param({**CONNECTION, "clientCertificate": []}, id="cert-not-an-object"),
        pytest.param({**CONNECTION, "extra": float("nan")}, id="nan"),
        pytest.param({**CONNECTION, "extra": "\udc80"}, id="lone-surrogate"),
        pytest.param({**CONNECTION, "extra": _nested(MAX_NESTING)}, id="too-deep"),
        pytest.param(json.dumps(CONNECTION), id="text"),
        pytest.param(b"[1]", id="not-an-object"),
    ],
)
def test_a_connection_object_gets_the_payload_or_error_it_got_before(connection: Any) -> None:
    assert _cached_connection(connection) == _direct_connection(connection)


def test_a_connection_mapping_sent_again_is_served_from_the_cache() -> None:
    connection_payload.cache_clear()
    code = "function connectionHandler(connection) { connection.allow(); }"
    for _ in range(2):
        assert run_connection_function(code, dict(CONNECTION)).output == '{"action":"allow","customData":null}'
    assert connection_payload.cache_info().hits == 1
