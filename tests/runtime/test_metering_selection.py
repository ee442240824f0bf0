"""metering.for_source: only the slow versions (and their helper) of the Array methods the code can reach."""

from __future__ import annotations

import pytest
import quickjs

from cfmock.runtime import metering


def test_only_join_for_code_naming_no_slow_method() -> None:
    script = metering.for_source("function handler(event) { return event.request; }")
    assert "slow.join =" in script
    assert "slow.indexOf" not in script and "slow.sort" not in script and "function fromIndex" not in script


def test_index_of_brings_its_helper() -> None:
    script = metering.for_source("function handler(event) { return [1].indexOf(1); }")
    assert "slow.indexOf =" in script and "function fromIndex" in script
    assert "slow.sort" not in script


@pytest.mark.parametrize("code", ["x.sort()", "x.copyWithin(0, 1)", "o[k](1)"])
def test_every_selection_runs_and_the_methods_keep_their_results(code: str) -> None:
    script = metering.for_source(code)
    context = quickjs.Context()
    context.eval(script)
    assert context.eval("var a = new Array(100000); a[5] = 2; a.indexOf(2) + ',' + a.includes(2)") == "5,true"
    assert context.eval("[3, undefined, 1, , 2].sort().join('') + [1, 2, 3].copyWithin(0, 1).join('')") == "123233"


def test_code_reaching_methods_indirectly_gets_every_slow_version() -> None:
    script = metering.for_source("function handler(event) { return event[k](1); }")
    assert all(f"slow.{name} =" in script for name in ("join", "indexOf", "includes", "lastIndexOf", "reverse", "sort"))
    assert "slow.copyWithin =" in script and "function fromIndex" in script
