"""The operations table: declared in one place, read-only, and a row declared twice fails at import."""

from __future__ import annotations

import inspect
import types
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from cfmock.service import registry
from cfmock.service.registry import HANDLERS, DuplicateOperationError, declare, find_handler


def _noop(call: Any) -> dict[str, Any]:
    return {}


def test_declaring_an_operation_twice_is_an_error_naming_it() -> None:
    with pytest.raises(DuplicateOperationError, match="cloudfront GetFunction is declared twice"):
        declare([("cloudfront", "GetFunction", _noop), ("cloudfront", "GetFunction", _noop)])


def test_the_same_name_on_two_services_is_two_operations() -> None:
    table = declare(
        [("cloudfront", "DescribeKeyValueStore", _noop), ("cloudfront-keyvaluestore", "DescribeKeyValueStore", _noop)]
    )
    assert len(table) == 2


def test_a_duplicate_row_in_the_module_fails_when_it_is_imported() -> None:
    source = Path(inspect.getfile(registry)).read_text(encoding="utf-8")
    row = '(CLOUDFRONT, "ListFunctions", list_functions),'
    assert source.count(row) == 1
    doubled = source.replace(row, row + "\n" + row)
    module = types.ModuleType("cfmock.service.registry_with_a_duplicate")
    with pytest.raises(RuntimeError, match="cloudfront ListFunctions is declared twice") as raised:
        exec(compile(doubled, "registry_with_a_duplicate.py", "exec"), module.__dict__)
    assert raised.type.__name__ == "DuplicateOperationError"  # the copy's own class, defined by the exec


def test_the_table_cannot_be_changed_after_import() -> None:
    with pytest.raises(TypeError):
        HANDLERS[("cloudfront", "GetFunction")] = _noop  # type: ignore[index]


def test_every_row_names_an_operation_of_the_loaded_model() -> None:
    session = botocore.session.get_session()
    for service, name in HANDLERS:
        assert name in session.get_service_model(service).operation_names, (service, name)
        assert find_handler(service, name) is HANDLERS[(service, name)]
