"""The control endpoints under /_cfmock/, through Backend.answer and over HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from cfmock.server import Backend


def control(backend: Backend, method: str, path: str, document: Any = None, raw: bytes | None = None) -> Any:
    body = raw if raw is not None else (b"" if document is None else json.dumps(document).encode())
    answer = backend.answer(method, f"/_cfmock/{path}", "", {}, body)
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Content-Length"] == str(len(answer.body))
    return answer.status, json.loads(answer.body)


def test_health_names_the_account() -> None:
    assert control(Backend(account_id="111122223333"), "GET", "health") == (
        200,
        {"status": "ok", "version": __import__("cfmock").__version__, "account_id": "111122223333"},
    )


def test_seeding_creates_then_updates_a_store_and_the_state_shows_it() -> None:
    backend = Backend()
    status, created = control(backend, "POST", "key-value-stores/seeded/import", {"data": [{"key": "a", "value": "1"}]})
    assert status == 201 and created["created"] is True and created["items"] == 1
    status, updated = control(backend, "POST", "key-value-stores/seeded/import", {"data": [{"key": "b", "value": "2"}]})
    assert status == 200 and updated["created"] is False and updated["etag"] != created["etag"]
    _, state = control(backend, "GET", "state")
    store = state["key_value_stores"]["seeded"]
    assert store["data"] == {"a": "1", "b": "2"} and store["arn"] == created["arn"]
    assert store["data_etag"] == updated["etag"]


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b'{"data": "x"}',
        b'{"data": [{"key": "k"}]}',
        b'{"data": [{"key": "k", "value": "' + b"v" * 2000 + b'"}]}',
    ],
)
def test_a_bad_import_file_is_400_and_creates_nothing(raw: bytes) -> None:
    backend = Backend()
    status, answer = control(backend, "POST", "key-value-stores/bad/import", raw=raw)
    assert status == 400 and answer["error"]
    assert "bad" not in backend.key_value_stores


def test_injected_errors_are_checked_against_the_model() -> None:
    backend = Backend()
    assert control(backend, "POST", "errors", {"operation": "UpdateFunction", "code": "PreconditionFailed"})[0] == 201
    for document in (
        {"operation": "ListDistributions", "code": "AccessDenied"},  # not implemented
        {"operation": "UpdateFunction", "code": "NoSuchThing"},  # not documented
        {"operation": "UpdateFunction", "code": "PreconditionFailed", "count": 0},
        {"operation": "UpdateFunction", "code": "PreconditionFailed", "colour": "red"},
        {"operation": "UpdateFunction"},
        ["UpdateFunction"],
    ):
        status, answer = control(backend, "POST", "errors", document)
        assert status == 400 and answer["error"], document


def test_an_injected_error_fires_once_and_reset_clears_pending_ones() -> None:
    backend = Backend()
    control(backend, "POST", "errors", {"operation": "ListFunctions", "code": "InvalidArgument", "count": 2})
    assert backend.answer("GET", "/2020-05-31/function").status == 400
    assert control(backend, "POST", "reset")[0] == 200
    assert backend.answer("GET", "/2020-05-31/function").status == 200


def test_reset_forgets_everything() -> None:
    backend = Backend()
    backend.key_value_stores.create("s")
    backend.functions.create("f", "function handler(e) { return e.request; }")
    control(backend, "POST", "reset")
    _, state = control(backend, "GET", "state")
    assert state["functions"] == {} and state["key_value_stores"] == {}


def test_state_shows_stages_etags_and_code() -> None:
    backend = Backend()
    backend.functions.create("f", "function handler(e) { return e.request; }", publish=True)
    _, state = control(backend, "GET", "state")
    function = state["functions"]["f"]
    assert set(function["stages"]) == {"DEVELOPMENT", "LIVE"}
    assert function["stages"]["LIVE"]["code"] == "function handler(e) { return e.request; }"
    assert function["etag"] == function["stages"]["DEVELOPMENT"]["etag"] == backend.functions["f"].etag


def test_wrong_method_is_405_with_allow_and_unknown_is_404_listing_the_endpoints() -> None:
    backend = Backend()
    answer = backend.answer("GET", "/_cfmock/reset")
    assert answer.status == 405 and answer.headers["Allow"] == "POST"
    status, body = control(backend, "GET", "nothing")
    assert status == 404 and "/_cfmock/health" in body["error"]


def test_control_over_http(server: Any) -> None:
    with urllib.request.urlopen(f"{server.endpoint}/_cfmock/state") as answer:
        assert json.loads(answer.read())["account_id"] == server.backend.account_id
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(f"{server.endpoint}/_cfmock/errors", data=b"{", method="POST"))
    assert refused.value.code == 400
