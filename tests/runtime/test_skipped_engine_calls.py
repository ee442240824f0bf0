"""The run skips an engine call only when the engine told it there was nothing to fetch (sandbox._Run)."""

from __future__ import annotations

from typing import Any

import pytest

from cfmock.runtime import KvsBinding, run_viewer_function

EVENT: dict[str, Any] = {
    "context": {"eventType": "viewer-request"},
    "request": {"method": "GET", "uri": "/", "headers": {}, "querystring": {}},
}
LOOKUP = "kvs.get('k').then(function (v) { console.log('got ' + v); });"
KVS = KvsBinding(store_id="8aa76c93-3198-462c-aaf6-0123456789ab", data={"k": "v"})


@pytest.mark.parametrize(
    "where",
    [
        f"{LOOKUP}\nfunction handler(event) {{ return event.request; }}",
        f"function handler(event) {{\n  {LOOKUP}\n  return event.request;\n}}",
    ],
    ids=["top-level", "sync-handler"],
)
def test_a_lookup_no_job_awaited_is_still_answered(where: str) -> None:
    # No promise job runs before the lookup is answered: only invoke's answer tells that one was asked.
    code = f"import cf from 'cloudfront';\nconst kvs = cf.kvs();\n{where}"
    result = run_viewer_function(code, EVENT, kvs=KVS)
    assert result.error_message == ""
    assert result.logs == ("got v",)


def test_logs_written_while_the_value_is_serialised_are_kept() -> None:
    # The value's toJSON runs in the engine's "result" call: the engine can tell only then that nothing was logged.
    code = """function handler(event) {
      event.request.toJSON = function () { console.log('serialised'); return { uri: '/x' }; };
      return event.request;
    }"""
    result = run_viewer_function(code, EVENT)
    assert result.logs == ("serialised",)


def test_origin_records_without_logs_are_read() -> None:
    # Nothing logged, but an origin recorded: the engine's "meta" call is still made.
    code = """import cf from 'cloudfront';
    function handler(event) {
      cf.updateRequestOrigin({ domainName: 'a.example.com' });
      return event.request;
    }"""
    result = run_viewer_function(code, EVENT)
    assert len(result.origin_requests) == 1 and "a.example.com" in repr(result.origin_requests)
    assert result.logs == ()
