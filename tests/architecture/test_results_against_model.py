"""The suite's check of handler results against the model (tests/result_check.py) catches what it should."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import boto3
import botocore.session
import pytest
from result_check import ResultMismatch, model_mismatch

from cfmock import mock_cloudfront_functions
from cfmock.service import registry

CODE = b"function handler(event) { return event.request; }"
CONFIG = {"Comment": "", "Runtime": "cloudfront-js-2.0"}


def _operation(name: str, service: str = "cloudfront") -> Any:
    return botocore.session.get_session().get_service_model(service).operation_model(name)


def _misspelt(name: str) -> str:
    return name[:-1] + ("X" if name[-1] != "X" else "Y")


def test_a_misspelt_result_key_fails_the_call_and_the_test(
    handler_results_match_the_model: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    get_function = _operation("GetFunction")
    etag_member = next(name for name in get_function.output_shape.members if name.lower() == "etag")
    wrong_key = _misspelt(etag_member)
    real = registry.HANDLERS[("cloudfront", "GetFunction")]

    def misspelling_get_function(call: Any) -> dict[str, Any]:
        result = dict(real(call))
        result[wrong_key] = result.pop(etag_member)
        return result

    table = {**registry.HANDLERS, ("cloudfront", "GetFunction"): misspelling_get_function}
    monkeypatch.setattr(registry, "HANDLERS", MappingProxyType(table))
    with mock_cloudfront_functions():
        client = boto3.client("cloudfront", region_name="us-east-1")
        client.create_function(Name="fn", FunctionConfig=CONFIG, FunctionCode=CODE)
        with pytest.raises(ResultMismatch, match=f"GetFunction answered off-model.*{wrong_key}"):
            client.get_function(Name="fn")
    # Recorded as well, so a test that swallowed the error would still fail at teardown; this one expected it.
    assert len(handler_results_match_the_model) == 1
    assert wrong_key in handler_results_match_the_model[0]
    handler_results_match_the_model.clear()


def test_the_check_reports_unknown_names_wrong_types_and_missing_required_members() -> None:
    list_keys = _operation("ListKeys", "cloudfront-keyvaluestore")
    items = list_keys.output_shape.members["Items"]
    required = list(items.member.required_members)
    assert required, "the model no longer requires members of a ListKeys item"
    assert all(items.member.members[name].type_name == "string" for name in required)
    assert model_mismatch(list_keys, {"Items": [dict.fromkeys(required, "v")]}) is None
    assert "Unknown parameter" in str(model_mismatch(list_keys, {_misspelt("Items"): []}))
    assert "Invalid type" in str(model_mismatch(list_keys, {"Items": "not a list"}))
    assert "Invalid type" in str(model_mismatch(list_keys, {"Items": [dict.fromkeys(required, 1)]}))
    missing = {"Items": [dict.fromkeys(required[1:], "v")]}
    assert f'Missing required parameter in Items[0]: "{required[0]}"' in str(model_mismatch(list_keys, missing))


def test_none_is_absent_as_the_renderer_treats_it() -> None:
    describe = _operation("DescribeFunction")
    assert model_mismatch(describe, {"ETag": None}) is None
    required = describe.output_shape.members["FunctionSummary"].required_members
    assert required
    mismatch = str(model_mismatch(describe, {"FunctionSummary": {required[0]: None}}))
    assert f'Missing required parameter in FunctionSummary: "{required[0]}"' in mismatch


def test_an_operation_without_output_must_answer_nothing() -> None:
    delete = _operation("DeleteFunction")
    assert delete.output_shape is None or not delete.output_shape.members
    assert model_mismatch(delete, {}) is None
    if delete.output_shape is None:
        assert model_mismatch(delete, {"ETag": "x"}) is not None
