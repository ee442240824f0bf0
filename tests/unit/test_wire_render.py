"""``cfmock.wire.render``: results and errors -> HTTP status, headers and body bytes (api.md §2.2, §2.3, §8)."""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from functools import cache
from typing import Any

import botocore.session
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_facts import error_status

from cfmock.wire.render import WireResponse, iso_timestamp, render_error, render_result

NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
Q = "{" + NS + "}"
WHEN = datetime(2023, 11, 7, 19, 53, 50, 334567, tzinfo=UTC)
ARN = "arn:aws:cloudfront::123456789012:function/fn"
_SESSION = botocore.session.get_session()


@cache
def _model(service: str) -> Any:
    return _SESSION.get_service_model(service)


def op(name: str, service: str = "cloudfront") -> Any:
    return _model(service).operation_model(name)


def summary(stage: str = "DEVELOPMENT", **config: Any) -> dict[str, Any]:
    return {
        "Name": "fn",
        "Status": "UNPUBLISHED",
        "FunctionConfig": {"Comment": "c", "Runtime": "cloudfront-js-2.0", **config},
        "FunctionMetadata": {"FunctionARN": ARN, "Stage": stage, "CreatedTime": WHEN, "LastModifiedTime": WHEN},
    }


def headers_of(response: WireResponse) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}


def xml(response: WireResponse) -> ET.Element:
    assert response.body.startswith(b"<?xml")
    return ET.fromstring(response.body)


def text(root: ET.Element, path: str) -> str | None:
    node = root.find("/".join(Q + part for part in path.split("/")))
    return None if node is None else (node.text or "")


# -- successes ------------------------------------------------------------------------------------------------


def test_create_function_is_201_with_etag_location_and_a_namespaced_function_summary() -> None:
    location = f"https://cloudfront.amazonaws.com/2020-05-31/function/{ARN}"
    response = render_result(
        op("CreateFunction"), {"FunctionSummary": summary(), "ETag": "ETVPDKIKX0DER", "Location": location}
    )
    assert response.status == 201
    headers = headers_of(response)
    assert headers["etag"] == "ETVPDKIKX0DER"
    assert headers["location"] == location
    assert headers["content-type"] == "text/xml"
    assert headers["content-length"] == str(len(response.body))
    root = xml(response)
    assert root.tag == Q + "FunctionSummary"
    assert text(root, "Name") == "fn"
    assert text(root, "FunctionConfig/Comment") == "c"
    assert text(root, "FunctionMetadata/FunctionARN") == ARN
    assert text(root, "FunctionMetadata/CreatedTime") == "2023-11-07T19:53:50.334Z"
    # Header members never leak into the body.
    assert b"ETVPDKIKX0DER" not in response.body and b"Location" not in response.body


def test_empty_comment_is_written_as_an_empty_element() -> None:
    root = xml(render_result(op("DescribeFunction"), {"FunctionSummary": summary(Comment=""), "ETag": "E"}))
    assert text(root, "FunctionConfig/Comment") == ""


def test_text_is_escaped() -> None:
    response = render_result(op("DescribeFunction"), {"FunctionSummary": summary(Comment="a&<b>]]>"), "ETag": "E"})
    assert text(xml(response), "FunctionConfig/Comment") == "a&<b>]]>"


def test_update_function_sends_both_ettag_and_etag() -> None:
    """decisions 10."""
    response = render_result(op("UpdateFunction"), {"FunctionSummary": summary(), "ETag": "E3UN6WX5RRO2AG"})
    assert response.status == 200
    assert response.headers["ETtag"] == "E3UN6WX5RRO2AG"
    assert response.headers["ETag"] == "E3UN6WX5RRO2AG"


def test_publish_function_has_no_etag_header() -> None:
    response = render_result(op("PublishFunction"), {"FunctionSummary": summary("LIVE")})
    assert "etag" not in headers_of(response)
    assert text(xml(response), "FunctionMetadata/Stage") == "LIVE"


def test_get_function_sends_the_raw_code() -> None:
    code = "function handler(e) { return e.request; } // é".encode()
    response = render_result(
        op("GetFunction"), {"FunctionCode": code, "ETag": "E1", "ContentType": "application/octet-stream"}
    )
    assert response.status == 200
    assert response.body == code
    headers = headers_of(response)
    assert headers["content-type"] == "application/octet-stream"
    assert headers["etag"] == "E1"
    assert headers["content-length"] == str(len(code))


def test_delete_function_is_204_with_an_empty_body() -> None:
    response = render_result(op("DeleteFunction"), {})
    assert response.status == 204
    assert response.body == b""
    assert headers_of(response)["content-length"] == "0"


def test_list_root_and_items_are_written_as_given() -> None:
    """Omitting an empty ``Items`` (decisions 11) is the handler's job: the renderer writes what it gets."""
    listed = render_result(
        op("ListFunctions"),
        {"FunctionList": {"MaxItems": 100, "Quantity": 1, "Items": [summary()], "NextMarker": "m"}},
    )
    root = xml(listed)
    assert root.tag == Q + "FunctionList"
    assert (text(root, "MaxItems"), text(root, "Quantity"), text(root, "NextMarker")) == ("100", "1", "m")
    assert [child.tag for child in root.find(Q + "Items")] == [Q + "FunctionSummary"]
    with_empty = xml(render_result(op("ListFunctions"), {"FunctionList": {"MaxItems": 1, "Quantity": 0, "Items": []}}))
    assert with_empty.find(Q + "Items") is not None and len(with_empty.find(Q + "Items")) == 0
    without = xml(render_result(op("ListFunctions"), {"FunctionList": {"MaxItems": 1, "Quantity": 0}}))
    assert without.find(Q + "Items") is None
    assert without.find(Q + "NextMarker") is None


def test_key_value_store_associations_are_wrapped() -> None:
    kvs = "arn:aws:cloudfront::123456789012:key-value-store/0b9e4b2c-5d1f-4a8e-9c3b-2f6a7d8e9f01"
    associations = {"Quantity": 1, "Items": [{"KeyValueStoreARN": kvs}]}
    root = xml(
        render_result(
            op("DescribeFunction"), {"FunctionSummary": summary(KeyValueStoreAssociations=associations), "ETag": "E"}
        )
    )
    assert text(root, "FunctionConfig/KeyValueStoreAssociations/Quantity") == "1"
    path = "FunctionConfig/KeyValueStoreAssociations/Items/KeyValueStoreAssociation/KeyValueStoreARN"
    assert text(root, path) == kvs


def test_booleans_and_body_members_without_a_payload() -> None:
    response = render_result(
        op("ListDistributionsByConnectionFunction"),
        {"DistributionList": {"Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": 0}},
    )
    root = xml(response)
    assert root.tag == Q + "DistributionList"
    assert text(root, "IsTruncated") == "false"
    assert text(root, "Marker") == ""
    listed = xml(render_result(op("ListConnectionFunctions"), {"NextMarker": "n"}))
    assert listed.tag == Q + "ListConnectionFunctionsResult"
    assert text(listed, "NextMarker") == "n"


def test_every_response_has_a_unique_uuid_request_id() -> None:
    ids = set()
    for _ in range(50):
        response = render_result(op("ListFunctions"), {"FunctionList": {"MaxItems": 100, "Quantity": 0}})
        request_id = headers_of(response)["x-amzn-requestid"]
        assert str(uuid.UUID(request_id)) == request_id
        ids.add(request_id)
    assert len(ids) == 50


def test_iso_timestamp_has_milliseconds_and_z() -> None:
    assert iso_timestamp(WHEN) == "2023-11-07T19:53:50.334Z"
    assert iso_timestamp(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2024-01-02T03:04:05.000Z"


# -- errors ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "code", "kind"),
    [
        ("UpdateFunction", "PreconditionFailed", "Sender"),
        ("UpdateFunction", "InvalidIfMatchVersion", "Sender"),
        ("DescribeFunction", "NoSuchFunctionExists", "Sender"),
        ("CreateFunction", "FunctionAlreadyExists", "Sender"),
        ("CreateFunction", "FunctionSizeLimitExceeded", "Sender"),
        ("CreateFunction", "TooManyFunctions", "Sender"),
        ("DeleteFunction", "FunctionInUse", "Sender"),
        ("TestFunction", "TestFunctionFailed", "Receiver"),
        ("CreateConnectionFunction", "AccessDenied", "Sender"),
        ("CreateFunction", "MalformedXML", "Sender"),  # unmodelled: a client error
    ],
)
def test_error_status_and_body_shape(operation: str, code: str, kind: str) -> None:
    message = "it <went> & wrong"
    response = render_error(op(operation), code, message)
    assert response.status == error_status(operation, code)
    assert (kind == "Receiver") is (response.status >= 500)
    headers = headers_of(response)
    assert headers["content-type"] == "text/xml"
    root = xml(response)
    assert root.tag == Q + "ErrorResponse"
    assert text(root, "Error/Type") == kind
    assert text(root, "Error/Code") == code
    assert text(root, "Error/Message") == message
    assert text(root, "RequestId") == headers["x-amzn-requestid"]


@pytest.mark.parametrize(
    ("operation", "code"), [("GetKey", "ResourceNotFoundException"), ("PutKey", "ServiceQuotaExceededException")]
)
def test_rest_json_errors(operation: str, code: str) -> None:
    response = render_error(op(operation, "cloudfront-keyvaluestore"), code, "nope")
    assert response.status == error_status(operation, code, "cloudfront-keyvaluestore")
    headers = headers_of(response)
    assert headers["x-amzn-errortype"] == code
    assert headers["content-type"] == "application/json"
    assert json.loads(response.body) == {"Message": "nope"}


def test_error_request_ids_look_like_uuids() -> None:
    response = render_error(op("ListFunctions"), "InvalidArgument", "x")
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", response.headers["x-amzn-RequestId"]
    )


# -- decisions 42: every response is well-formed XML ----------------------------------------------------------

_XML_CHAR_RANGES = ((0x9, 0x9), (0xA, 0xA), (0xD, 0xD), (0x20, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF))


def _xml_can_carry(ch: str) -> bool:
    """The XML 1.0 ``Char`` production, written out from the specification."""
    return any(low <= ord(ch) <= high for low, high in _XML_CHAR_RANGES)


def _expected_text(text: str) -> str:
    return "".join(ch if _xml_can_carry(ch) else "\ufffd" for ch in text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())))
def test_any_text_renders_well_formed_and_reads_back(value: str) -> None:
    """Whatever a string holds, the document parses; what XML cannot carry reads back as U+FFFD, the rest as is
    (CR included: parsers would turn a literal CR into LF)."""
    response = render_result(op("DescribeFunction"), {"FunctionSummary": summary(Comment=value), "ETag": "E"})
    assert text(xml(response), "FunctionConfig/Comment") == _expected_text(value)
    error = render_error(op("DescribeFunction"), "NoSuchFunctionExists", value)
    assert text(ET.fromstring(error.body), "Error/Message") == _expected_text(value)


@pytest.mark.parametrize(
    "bad", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"]
)
def test_characters_xml_cannot_carry_become_the_replacement_character(bad: str) -> None:
    response = render_result(op("DescribeFunction"), {"FunctionSummary": summary(Comment=f"a{bad}b"), "ETag": "E"})
    assert text(xml(response), "FunctionConfig/Comment") == "a\ufffdb"


@pytest.mark.parametrize("kept", ["\t", "\n", "\r", "\r\n", "\x7f", "\x85", "\ud7ff", "\ue000", "\ufffd", "\U0001f600"])
def test_characters_xml_can_carry_are_kept(kept: str) -> None:
    response = render_result(op("DescribeFunction"), {"FunctionSummary": summary(Comment=f"a{kept}b"), "ETag": "E"})
    assert text(xml(response), "FunctionConfig/Comment") == f"a{kept}b"
