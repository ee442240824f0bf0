"""State views print what they hold (failed assertions stay readable), and their types are public."""

from __future__ import annotations

import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

import cfmock
from cfmock import CloudFrontMock, mock_cloudfront_functions

ROOT = Path(__file__).resolve().parents[2]
CODE = "function handler(event) { return event.request; }"


@pytest.fixture
def mock() -> Iterator[CloudFrontMock]:
    with mock_cloudfront_functions() as active:
        yield active


def test_staged_views_show_names_and_whether_published(mock: CloudFrontMock) -> None:
    assert repr(mock.functions) == "<functions: none>"
    mock.functions.create("redirect", CODE, publish=True)
    mock.functions.create("draft", CODE)
    assert repr(mock.functions) == "<functions: 'draft' (unpublished), 'redirect' (published)>"
    mock.connection_functions.create("mtls", "function connectionHandler(c) { c.allow(); }")
    assert repr(mock.connection_functions) == "<connection functions: 'mtls' (unpublished)>"
    assert "0x" not in repr(mock.functions)


def test_resources_and_stages_show_their_state_with_the_code_summarised(mock: CloudFrontMock) -> None:
    cf = boto3.client("cloudfront")
    created = cf.create_function(
        Name="f", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"}, FunctionCode=CODE.encode() * 3
    )
    arn = created["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]
    resource = mock.functions["f"]
    assert repr(resource) == f"<StagedResource 'f' {resource.status} DEVELOPMENT ETag={created['ETag']} {arn}>"
    stage = repr(resource.development)
    assert stage.startswith(f"<StageCopy cloudfront-js-2.0 ETag={created['ETag']} code='function handler(event)")
    assert stage.endswith(f"... ({len(CODE) * 3} bytes)>")
    cf.publish_function(Name="f", IfMatch=created["ETag"])
    assert "DEVELOPMENT+LIVE" in repr(mock.functions["f"])


def test_key_value_stores_show_their_data_while_it_is_short(mock: CloudFrontMock) -> None:
    assert repr(mock.key_value_stores) == "<key value stores: none>"
    routes = mock.key_value_stores.create("routes", data={"/a": "/b"})
    mock.key_value_stores.create("big", data={f"key{i}": "v" * 20 for i in range(30)})
    assert repr(mock.key_value_stores) == "<key value stores: 'big' (30 keys), 'routes' (1 key)>"
    assert repr(routes) == f"<KeyValueStore 'routes' {routes.arn} {{'/a': '/b'}}>"
    assert repr(mock.key_value_stores["big"]).endswith(" 30 keys>")


def test_a_failed_assertion_on_a_view_shows_its_content(mock: CloudFrontMock) -> None:
    mock.functions.create("present", CODE)
    with pytest.raises(AssertionError) as failed:
        assert "absent" in mock.functions
    assert "'present' (unpublished)" in str(failed.value)  # pytest's rewritten assertion shows the repr


def test_the_types_the_fixture_and_views_return_are_exported() -> None:
    public = {name: getattr(cfmock, name) for name in cfmock.__all__}

    def returns(function: object) -> object:
        # activation.py names these types for the type checker only (import cfmock stays light): resolve the
        # names against cfmock's public surface, which must then hold every one of them.
        return typing.get_type_hints(function, localns=public)["return"]

    assert returns(CloudFrontMock.functions.fget) is cfmock.StagedView  # type: ignore[attr-defined]
    assert returns(CloudFrontMock.connection_functions.fget) is cfmock.StagedView  # type: ignore[attr-defined]
    assert returns(CloudFrontMock.key_value_stores.fget) is cfmock.KeyValueStoresView  # type: ignore[attr-defined]
    assert returns(CloudFrontMock.calls.fget) == tuple[cfmock.RecordedCall, ...]  # type: ignore[attr-defined]
    assert returns(cfmock.KeyValueStoresView.__getitem__) is cfmock.KeyValueStoreHandle
    assert returns(cfmock.StagedView.__getitem__) is cfmock.StagedResource
    assert typing.get_type_hints(cfmock.StagedResource)["live"] == cfmock.StageCopy | None
    assert typing.get_type_hints(cfmock.RecordedCall)["error"] == cfmock.RecordedError | None
    assert set(cfmock.__all__) <= set(dir(cfmock))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = cfmock.Nope  # type: ignore[attr-defined]


def test_import_cfmock_stays_light() -> None:
    probe = (
        "import sys, cfmock\n"
        "lazy = ('quickjs', 'botocore', 'cfmock.state', 'cfmock.cases', 'cfmock.records', 'difflib')\n"
        "heavy = [m for m in lazy if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "from cfmock import StagedView, function_cases\n"
        "assert 'cfmock.state' in sys.modules and 'quickjs' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env={"PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
