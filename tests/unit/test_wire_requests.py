"""``cfmock.wire.requests.parse_request``: botocore's serialized request dict -> API params (api.md §2.1).

Requests are produced by a real (unmocked) botocore client and captured at ``before-call``, exactly where cfmock
receives them, so these tests pin what botocore really sends as well as how cfmock reads it.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

import pytest
from captured_requests import capturing_client, serialized
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfmock.backend.errors import ServiceError
from cfmock.wire.requests import parse_request

KVS_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0b9e4b2c-5d1f-4a8e-9c3b-2f6a7d8e9f01"


UPDATE = {"Name": "fn", "IfMatch": "E1", "FunctionConfig": {"Comment": "", "Runtime": "x"}, "FunctionCode": b""}


@pytest.fixture(scope="module")
def client() -> Any:
    return capturing_client()


def parsed(client: Any, method: str, **kwargs: Any) -> dict[str, Any]:
    return parse_request(*serialized(client, method, **kwargs))


# -- URI labels -----------------------------------------------------------------------------------------------


def test_labels_are_percent_decoded(client: Any) -> None:
    model, request = serialized(client, "describe_function", Name="a/b c")
    assert request["url_path"] == "/2020-05-31/function/a%2Fb%20c/describe"  # one encoded segment (§2.1)
    assert parse_request(model, request) == {"Name": "a/b c"}


@pytest.mark.parametrize("name", ["fn", "a%2Fb", "é€", "x?y#z", "+plus+", "~tilde", "a b/c/d"])
def test_labels_round_trip(client: Any, name: str) -> None:
    assert parsed(client, "get_function", Name=name)["Name"] == name
    assert parsed(client, "publish_function", Name=name, IfMatch="E1")["Name"] == name


def test_arn_identifier_is_decoded(client: Any) -> None:
    arn = "arn:aws:cloudfront::123456789012:connection-function/ABCDEFGHIJ0123456789"
    model, request = serialized(client, "describe_connection_function", Identifier=arn)
    assert "%3A" in request["url_path"] and "%2F" in request["url_path"]
    assert parse_request(model, request) == {"Identifier": arn}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30))
def test_any_label_round_trips(client: Any, name: str) -> None:
    assert parsed(client, "describe_function", Name=name)["Name"] == name


# -- query string ---------------------------------------------------------------------------------------------


def test_query_members_are_read_verbatim(client: Any) -> None:
    model, request = serialized(client, "list_functions", MaxItems="abc", Marker="m/+ =", Stage="LIVE")
    assert request["query_string"] == {"MaxItems": "abc", "Marker": "m/+ =", "Stage": "LIVE"}
    assert parse_request(model, request) == {"MaxItems": "abc", "Marker": "m/+ =", "Stage": "LIVE"}


def test_absent_query_members_are_absent(client: Any) -> None:
    assert parsed(client, "list_functions") == {}
    assert parsed(client, "describe_function", Name="fn") == {"Name": "fn"}


def test_query_string_in_raw_form_is_decoded(client: Any) -> None:
    model, request = serialized(client, "list_functions")
    raw = {**request, "query_string": "MaxItems=5&Marker=a%2Bb%20c&Stage="}
    assert parse_request(model, raw) == {"MaxItems": "5", "Marker": "a+b c", "Stage": ""}


def test_integer_query_members_become_ints(client: Any) -> None:
    params = parsed(client, "list_distributions_by_connection_function", ConnectionFunctionIdentifier="x", MaxItems=7)
    assert params == {"ConnectionFunctionIdentifier": "x", "MaxItems": 7}


# -- headers --------------------------------------------------------------------------------------------------


def test_empty_if_match_header_is_kept_as_empty(client: Any) -> None:
    model, request = serialized(client, "publish_function", Name="fn", IfMatch="")
    assert request["headers"]["If-Match"] == ""  # botocore sends the header, empty (§2.1)
    assert parse_request(model, request) == {"Name": "fn", "IfMatch": ""}


def test_missing_if_match_header_is_absent(client: Any) -> None:
    model, request = serialized(client, "delete_function", Name="fn", IfMatch="E1")
    headers = {k: v for k, v in request["headers"].items() if k != "If-Match"}
    assert parse_request(model, {**request, "headers": headers}) == {"Name": "fn"}


@pytest.mark.parametrize("header", ["if-match", "IF-MATCH", "If-Match"])
def test_headers_match_case_insensitively_and_accept_bytes(client: Any, header: str) -> None:
    model, request = serialized(client, "delete_function", Name="fn", IfMatch="E1")
    for value in ("ETVPDKIKX0DER", b"ETVPDKIKX0DER"):
        params = parse_request(model, {**request, "headers": {header: value}})
        assert params == {"Name": "fn", "IfMatch": "ETVPDKIKX0DER"}


# -- XML bodies -----------------------------------------------------------------------------------------------


def test_empty_strings_and_empty_blobs_arrive_as_self_closing_elements(client: Any) -> None:
    config = {"Comment": "", "Runtime": "cloudfront-js-1.0", "KeyValueStoreAssociations": {"Quantity": 0, "Items": []}}
    model, request = serialized(
        client, "update_function", Name="fn", IfMatch="E1", FunctionConfig=config, FunctionCode=b""
    )
    body = request["body"]
    assert b"<Comment />" in body and b"<FunctionCode />" in body and b"<Items />" in body
    assert parse_request(model, request) == {
        "Name": "fn",
        "IfMatch": "E1",
        "FunctionConfig": config,
        "FunctionCode": b"",
    }


def test_blobs_are_base64_in_the_body_and_raw_in_params(client: Any) -> None:
    code = bytes(range(256)) * 3
    model, request = serialized(
        client,
        "create_function",
        Name="fn",
        FunctionConfig={"Comment": "c", "Runtime": "cloudfront-js-2.0"},
        FunctionCode=code,
    )
    assert base64.b64encode(code) in request["body"]
    assert parse_request(model, request)["FunctionCode"] == code


def test_text_is_unescaped(client: Any) -> None:
    comment = "a&<b>\"' é € \n tab\t"
    params = parsed(
        client,
        "create_function",
        Name="fn",
        FunctionConfig={"Comment": comment, "Runtime": "cloudfront-js-2.0"},
        FunctionCode=b"x",
    )
    assert params["FunctionConfig"]["Comment"] == comment


def test_lists_and_nested_structures(client: Any) -> None:
    config = {
        "Comment": "c",
        "Runtime": "cloudfront-js-2.0",
        "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": KVS_ARN}]},
    }
    tags = {"Items": [{"Key": "k", "Value": "v"}, {"Key": "only-key"}, {"Key": "empty", "Value": ""}]}
    # CreateConnectionFunction: Tags in every supported model (CreateFunction has them from botocore 1.43.4 on).
    params = parsed(
        client, "create_connection_function", Name="fn", ConnectionFunctionConfig=config,
        ConnectionFunctionCode=b"x", Tags=tags,
    )  # fmt: skip
    assert params == {"Name": "fn", "ConnectionFunctionConfig": config, "ConnectionFunctionCode": b"x", "Tags": tags}
    assert type(params["ConnectionFunctionConfig"]["KeyValueStoreAssociations"]["Quantity"]) is int


def test_absent_items_stay_absent(client: Any) -> None:
    config = {"Comment": "c", "Runtime": "cloudfront-js-2.0", "KeyValueStoreAssociations": {"Quantity": 0}}
    params = parsed(
        client, "create_connection_function", Name="fn", ConnectionFunctionConfig=config,
        ConnectionFunctionCode=b"x", Tags={},
    )  # fmt: skip
    assert params["ConnectionFunctionConfig"]["KeyValueStoreAssociations"] == {"Quantity": 0}
    assert params["Tags"] == {}


def test_test_function_reads_stage_from_the_body(client: Any) -> None:
    params = parsed(client, "test_function", Name="fn", IfMatch="E1", Stage="LIVE", EventObject=b'{"a":1}')
    assert params == {"Name": "fn", "IfMatch": "E1", "Stage": "LIVE", "EventObject": b'{"a":1}'}


def test_post_without_any_body(client: Any) -> None:
    model, request = serialized(client, "list_connection_functions")
    assert request["body"] in (b"", "")
    assert parse_request(model, request) == {}
    params = parsed(client, "list_connection_functions", Marker="m", MaxItems=5, Stage="DEVELOPMENT")
    assert params == {"Marker": "m", "MaxItems": 5, "Stage": "DEVELOPMENT"}


def test_body_given_as_text(client: Any) -> None:
    model, request = serialized(
        client, "create_function", Name="fn", FunctionConfig={"Comment": "é", "Runtime": "x"}, FunctionCode=b"x"
    )
    params = parse_request(model, {**request, "body": request["body"].decode("utf-8")})
    assert params["FunctionConfig"]["Comment"] == "é"


def test_unknown_elements_are_ignored(client: Any) -> None:
    model, request = serialized(client, "update_function", **UPDATE)
    body = (
        b'<UpdateFunctionRequest xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Extra>1</Extra>'
        b"<FunctionConfig><Comment>c</Comment><Runtime>r</Runtime><Bogus /></FunctionConfig>"
        b"<FunctionCode>eA==</FunctionCode></UpdateFunctionRequest>"
    )
    params = parse_request(model, {**request, "body": body})
    assert params["FunctionConfig"] == {"Comment": "c", "Runtime": "r"}
    assert params["FunctionCode"] == b"x"


def test_malformed_xml_is_malformed_xml(client: Any) -> None:
    model, request = serialized(client, "update_function", **UPDATE)
    with pytest.raises(ServiceError) as excinfo:
        parse_request(model, {**request, "body": b"<UpdateFunctionRequest><FunctionConfig>"})
    assert excinfo.value.code == "MalformedXML"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    comment=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    code=st.binary(max_size=64),
)
def test_any_comment_and_code_round_trip(client: Any, comment: str, code: bytes) -> None:
    params = parsed(
        client,
        "update_function",
        Name="fn",
        IfMatch="E1",
        FunctionConfig={"Comment": comment, "Runtime": "cloudfront-js-2.0"},
        FunctionCode=code,
    )
    assert params["FunctionConfig"]["Comment"] == comment
    assert params["FunctionCode"] == code


def _missing_everywhere(shape: Any, value: Any, path: str, out: list[str]) -> None:
    """The reference: every member's path spelled and every present member visited, as cfmock first did."""
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            where = f"{path}.{name[:1].lower()}{name[1:]}" if path else name[:1].lower() + name[1:]
            if value.get(name) is None:
                if name in shape.required_members and member.serialization.get("location") != "header":
                    out.append(where)
            else:
                _missing_everywhere(member, value[name], where, out)
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            _missing_everywhere(shape.member, item, f"{path}.{index + 1}.member", out)


def _partial(draw: Any, shape: Any, depth: int = 0) -> Any:
    """A value of ``shape`` with members left out at random (and now and then a value of the wrong kind)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([None, "text", 7, [], {}]))
    if shape.type_name == "structure" and depth < 6:
        return {
            name: _partial(draw, member, depth + 1) for name, member in shape.members.items() if draw(st.booleans())
        }
    if shape.type_name == "list" and depth < 6:
        return [_partial(draw, shape.member, depth + 1) for _ in range(draw(st.integers(0, 2)))]
    return "x"


@functools.cache
def _input_shapes() -> list[Any]:
    import botocore.session

    session = botocore.session.get_session()
    shapes = []
    for service in ("cloudfront", "cloudfront-keyvaluestore"):
        model = session.get_service_model(service)
        shapes += [model.operation_model(name).input_shape for name in model.operation_names]
    return [shape for shape in shapes if shape is not None]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_required_members_are_found_as_by_visiting_every_member(data: Any) -> None:
    from cfmock.wire.requests import _find_missing

    shape = data.draw(st.sampled_from(_input_shapes()))
    value = data.draw(st.composite(lambda draw: _partial(draw, shape))())
    found: list[str] = []
    expected: list[str] = []
    _find_missing(shape, value, "", found)
    _missing_everywhere(shape, value, "", expected)
    assert found == expected
