"""The request parser on arbitrary bytes: a request, the end of the connection, or a 4xx/5xx refusal, never a crash."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from cfmock.server.http import BadRequest, read_request

PIECES = st.sampled_from(
    [
        b"GET ",
        b"POST ",
        b"PUT ",
        b"/2020-05-31/function",
        b"http://1.127.0.0.1:1",
        b"?MaxItems=1",
        b" HTTP/1.1",
        b" HTTP/1.0",
        b"\r\n",
        b"\n",
        b"Content-Length: ",
        b"5",
        b"-1",
        b"Transfer-Encoding: chunked",
        b"Expect: ",
        b"100-continue",
        b"0\r\n\r\n",
        b"5\r\nabcde\r\n",
        b":",
        b" ",
        b"\x00",
        b"\xff",
        b"%2F",
        b"#",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.binary(max_size=20)), max_size=30))
def test_any_bytes_parse_or_are_refused_with_a_status(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    continued: list[bool] = []
    try:
        request = read_request(io.BufferedReader(io.BytesIO(data)), lambda: continued.append(True))  # type: ignore[arg-type]
    except BadRequest as refused:
        assert 400 <= refused.status < 600 and refused.message
        return
    if request is None:
        return
    assert request.path.startswith("/")
    assert request.method.isascii() and " " not in request.path
    if continued:
        assert request.headers.get("expect", "").lower() == "100-continue"
