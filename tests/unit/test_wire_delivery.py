"""``cfmock.wire.delivery.http_response``: the response botocore's pipeline receives, as its HTTP path builds one.

botocore's own HTTP path hands ``AWSResponse`` urllib3's ``HTTPHeaderDict``; cfmock hands it a plain dict when
that gives the same headers. These tests hold the two to the same result.
"""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse
from urllib3._collections import HTTPHeaderDict

from cfmock.wire.delivery import RawBody, http_response
from cfmock.wire.render import WireResponse

URL = "https://cloudfront.amazonaws.com/2020-05-31/function/fn/describe"


def through_urllib3(response: WireResponse) -> Any:
    return AWSResponse(URL, response.status, HTTPHeaderDict(response.headers), RawBody(response.body))


def seen(http: Any) -> tuple[int, list[tuple[str, str]], dict[str, str], bytes]:
    """What botocore reads of a response: status, headers in order, by any case, and the body."""
    lookups = {name.lower(): http.headers[name.upper()] for name in http.headers}
    return http.status_code, list(http.headers.items()), lookups, http.content


def test_headers_reach_botocore_as_urllib3_would_hand_them() -> None:
    response = WireResponse(
        200,
        {
            "x-amzn-RequestId": "r",
            "Date": "d",
            "Content-Type": "text/xml",
            "Content-Length": "3",
            "ETtag": "E1",
            "ETag": "E1",
        },
        b"<a>",
    )
    assert seen(http_response(URL, response)) == seen(through_urllib3(response))


def test_names_that_differ_only_in_case_are_joined_as_urllib3_joins_them() -> None:
    response = WireResponse(200, {"ETag": "E1", "etag": "E2", "Content-Length": "0"}, b"")
    http = http_response(URL, response)
    assert seen(http) == seen(through_urllib3(response))
    assert http.headers["ETag"] == "E1, E2"
