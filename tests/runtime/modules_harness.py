"""A minimal stand-in for the engine, to test cfmock/runtime/modules.py directly in QuickJS.

It evaluates what the engine's prelude guarantees (``__cfmock_modules``, ``__cfmock_host`` and a
memoising ``require``), then ``module_prelude(code, runtime)``, then ``code``, in strict mode.
"""

from __future__ import annotations

import json
from typing import Any

import quickjs

from cfmock.runtime.modules import module_prelude
from cfmock.runtime.sandbox import pruning_script

V1 = "cloudfront-js-1.0"
V2 = "cloudfront-js-2.0"

_STANDIN_PRELUDE = """
globalThis.__cfmock_modules = {};
globalThis.__cfmock_host = %s;
(function () {
  var cache = {};
  globalThis.require = function (name) {
    if (!Object.prototype.hasOwnProperty.call(__cfmock_modules, name)) {
      throw new Error('Cannot find module "' + name + '"');
    }
    if (!Object.prototype.hasOwnProperty.call(cache, name)) cache[name] = __cfmock_modules[name]();
    return cache[name];
  };
})();
"""


def default_host(runtime: str, **overrides: Any) -> dict[str, Any]:
    host: dict[str, Any] = {
        "runtime": runtime,
        "eventType": "viewer-request",
        "edgeLocation": "IAD",
        "originRecords": [],
        "kvs": None,
    }
    host.update(overrides)
    return host


class Sandbox:
    """One QuickJS context prepared like the engine does, with ``code`` evaluated in it."""

    def __init__(self, code: str, runtime: str = V2, **host: Any) -> None:
        self.context = quickjs.Context()
        self.context.eval(pruning_script())  # the built-ins every run starts with
        self.context.eval(_STANDIN_PRELUDE % json.dumps(default_host(runtime, **host)))
        self.context.eval(module_prelude(code, runtime))
        self.context.eval('"use strict";\n' + code)

    def eval(self, expression: str) -> Any:
        """Evaluate ``expression`` (strict mode) and return its value converted through JSON."""
        value = self.context.eval('"use strict";\nJSON.stringify((function () { return ' + expression + "; })())")
        return None if value is None else json.loads(value)

    def error(self, expression: str) -> str:
        """Evaluate ``expression``, which must throw; return ``String(error)``."""
        return str(
            self.eval(
                "(function () { try { " + expression + "; } catch (e) { return String(e); } return 'NO ERROR'; })()"
            )
        )

    def settle(self, expression: str) -> dict[str, Any]:
        """Evaluate a promise-valued expression and run jobs: ``{"ok": value}`` or ``{"err": "Name: msg"}``."""
        self.context.eval(
            "globalThis.__settled = undefined; Promise.resolve().then(function () { return "
            + expression
            + "; }).then(function (v) { globalThis.__settled = {ok: v === undefined ? null : v}; },"
            " function (e) { globalThis.__settled = {err: String(e), name: e && e.name}; });"
        )
        while self.context.execute_pending_job():
            pass
        result: dict[str, Any] = self.eval("globalThis.__settled")
        return result

    def host(self) -> Any:
        return self.eval("globalThis.__cfmock_host")


def js(value: Any) -> str:
    """A JavaScript literal for a JSON-able Python value."""
    return json.dumps(value)
