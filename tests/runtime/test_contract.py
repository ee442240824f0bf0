"""The engine's side of the contract with cfmock.runtime.modules, exercised with a stand-in module prelude."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from cfmock.runtime import (
    ERROR_PREFIX,
    EngineError,
    KvsBinding,
    profiles,
    run_connection_function,
    run_viewer_function,
)

EVENT: dict[str, Any] = {
    "context": {"eventType": "viewer-request"},
    "request": {"method": "GET", "uri": "/", "headers": {}, "querystring": {"a": {"value": "1"}}},
}

STAND_IN = """
(function () {
  var calls = 0;
  __cfmock_modules.cloudfront = function () {
    calls += 1;
    return {
      calls: function () { return calls; },
      host: function () { return __cfmock_host; },
      updateRequestOrigin: function (props) { __cfmock_host.originRecords.push({ helper: 'updateRequestOrigin', props: props }); },
    };
  };
  __cfmock_modules.crypto = function () { return { name: 'crypto' }; };
  globalThis.__cfmock_decorateEvent = function (event) {
    event.request.rawQueryString = function () { return 'a=1'; };
  };
})();
"""  # noqa: E501


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(profiles, "_module_prelude", lambda code, runtime: STAND_IN)
    profiles.prepare.cache_clear()
    yield
    profiles.prepare.cache_clear()


@pytest.mark.usefixtures("stand_in")
def test_host_object_fields() -> None:
    kvs = KvsBinding(
        store_id="8aa76c93-3198-462c-aaf6-0123456789ab",
        data={"k": "v"},
        created=datetime(2023, 11, 30, 23, 7, 55, 765000, tzinfo=UTC),
        last_modified=datetime(2024, 1, 2, 3, 4, 5),
    )
    code = """import cf from 'cloudfront';
function handler(event) { console.log(cf.host()); return event.request; }"""
    result = run_viewer_function(code, EVENT, kvs=kvs, edge_location="FRA56-P1")
    assert result.error_message == ""
    assert json.loads(result.logs[0]) == {
        "runtime": "cloudfront-js-2.0",
        "eventType": "viewer-request",
        "edgeLocation": "FRA56-P1",
        "originRecords": [],
        "kvs": {
            "id": "8aa76c93-3198-462c-aaf6-0123456789ab",
            "keyCount": 1,  # the contents stay in Python: the run asks for keys
            "created": "2023-11-30T23:07:55.765Z",
            "lastModified": "2024-01-02T03:04:05.000Z",
        },
    }


@pytest.mark.usefixtures("stand_in")
def test_require_is_memoised_and_checks_names() -> None:
    code = """const cf = require('cloudfront');
function handler(event) {
  var again = require('cloudfront');
  console.log(String(again === cf) + ' ' + cf.calls());
  console.log(require('crypto').name);
  try { require('querystring'); } catch (e) { console.log(String(e)); }
  try { require('fs'); } catch (e) { console.log(String(e)); }
  return event.request;
}"""
    assert run_viewer_function(code, EVENT).logs == (
        "true 1",
        "crypto",
        'Error: Cannot find module "querystring"',
        'Error: Cannot find module "fs"',
    )


@pytest.mark.usefixtures("stand_in")
def test_runtime_1_cannot_require_cloudfront_even_if_registered() -> None:
    code = "function handler(event) { require('cloudfront'); return event.request; }"
    result = run_viewer_function(code, EVENT, runtime="cloudfront-js-1.0")
    assert result.error_message == ERROR_PREFIX + 'Error: Cannot find module "cloudfront"'


@pytest.mark.usefixtures("stand_in")
def test_event_is_decorated_and_method_not_in_output() -> None:
    code = "function handler(event) { console.log(event.request.rawQueryString()); return event.request; }"
    result = run_viewer_function(code, EVENT)
    assert result.logs == ("a=1",)
    assert "rawQueryString" not in result.output


@pytest.mark.usefixtures("stand_in")
def test_connection_event_is_not_decorated() -> None:
    code = "function connectionHandler(c) { console.log(typeof c.request); c.allow(); }"
    assert run_connection_function(code, {"clientIp": "1.2.3.4"}).logs == ("undefined",)


@pytest.mark.usefixtures("stand_in")
def test_origin_records_reach_the_result() -> None:
    code = """import cf from 'cloudfront';
function handler(event) { cf.updateRequestOrigin({ domainName: 'origin.example.com' }); return event.request; }"""
    result = run_viewer_function(code, EVENT)
    assert result.origin_requests == ({"helper": "updateRequestOrigin", "props": {"domainName": "origin.example.com"}},)
    assert "origin.example.com" not in result.output


def test_real_module_prelude_is_used_when_present() -> None:
    # With cfmock.runtime.modules in place, require('querystring') works in both runtimes.
    code = "function handler(event) { console.log(typeof require('querystring').parse); return event.request; }"
    for runtime in ("cloudfront-js-1.0", "cloudfront-js-2.0"):
        assert run_viewer_function(code, EVENT, runtime=runtime).logs == ("function",)


def test_broken_module_prelude_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profiles, "_module_prelude", lambda code, runtime: "throw new Error('bug in cfmock');")
    profiles.prepare.cache_clear()
    try:
        with pytest.raises(EngineError, match="bug in cfmock"):
            run_viewer_function("function handler(event) { return event.request; }", EVENT)
    finally:
        profiles.prepare.cache_clear()


def test_compile_helper_is_only_available_to_the_module_prelude(monkeypatch: pytest.MonkeyPatch) -> None:
    lazy = "(function (compile) { __cfmock_modules.crypto = function () { return compile('({ lazy: 6 * 7 })'); }; })" \
           "(__cfmock_host.compile);"  # fmt: skip
    monkeypatch.setattr(profiles, "_module_prelude", lambda code, runtime: lazy)
    profiles.prepare.cache_clear()
    try:
        code = """function handler(event) {
          console.log(String(require('crypto').lazy) + ' ' + typeof __cfmock_host.compile);
          return event.request;
        }"""
        assert run_viewer_function(code, EVENT).logs == ("42 undefined",)
    finally:
        profiles.prepare.cache_clear()
