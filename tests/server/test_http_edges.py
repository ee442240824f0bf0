"""HTTP edge cases over raw sockets: keep-alive, Content-Length, absolute-form targets, malformed requests."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from conftest import exchange

from cfmock.server.http import MAX_BODY_BYTES

LIST = b"GET /2020-05-31/function HTTP/1.1\r\nHost: x\r\n\r\n"


def read_answer(sock: socket.socket, buffer: bytearray) -> tuple[int, dict[str, str], bytes]:
    """One answer off a persistent connection, framed by its Content-Length."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection before answering"
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
    length = int(headers["content-length"])  # present on every answer
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk
        rest += chunk
    buffer[:] = rest[length:]
    return int(status_line.split()[1]), headers, rest[:length]


def test_keep_alive_serves_many_requests_on_one_connection(server: Any) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        buffer = bytearray()
        sock.sendall(LIST * 3)  # pipelined, too
        for _ in range(3):
            status, headers, body = read_answer(sock, buffer)
            assert status == 200 and b"<FunctionList" in body
            assert "connection" not in headers
        sock.sendall(b"GET /_cfmock/health HTTP/1.1\r\n\r\n")
        assert read_answer(sock, buffer)[0] == 200


def test_every_answer_has_content_length_even_when_empty(server: Any, cf: Any) -> None:
    cf.create_key_value_store(Name="gone")
    etag = cf.describe_key_value_store(Name="gone")["ETag"]
    raw = exchange(
        server.port,
        f"DELETE /2020-05-31/key-value-store/gone HTTP/1.1\r\nIf-Match: {etag}\r\nConnection: close\r\n\r\n".encode(),
    )
    assert raw.startswith(b"HTTP/1.1 204 ")
    assert b"\r\nContent-Length: 0\r\n" in raw
    assert b"\r\nConnection: close\r\n" in raw


def test_absolute_form_targets_make_the_server_its_own_proxy(server: Any, cf: Any) -> None:
    arn = cf.create_key_value_store(Name="proxied")["KeyValueStore"]["ARN"]
    encoded = arn.replace(":", "%3A").replace("/", "%2F")
    target = f"http://123456789012.127.0.0.1:{server.port}/key-value-stores/{encoded}"
    raw = exchange(
        server.port, f"GET {target} HTTP/1.1\r\nHost: 123456789012.localhost\r\nConnection: close\r\n\r\n".encode()
    )
    assert raw.startswith(b"HTTP/1.1 200 ")
    assert arn.encode() in raw


def test_no_host_header_is_needed(server: Any) -> None:
    raw = exchange(server.port, b"GET /2020-05-31/function HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 200 ") and b"Connection: close" in raw


def test_http_1_0_keep_alive_on_request(server: Any) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        buffer = bytearray()
        for _ in range(2):
            sock.sendall(b"GET /_cfmock/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            status, headers, _ = read_answer(sock, buffer)
            assert status == 200 and headers["connection"] == "keep-alive"


def test_chunked_request_bodies_are_read(server: Any) -> None:
    body = b'{"data": [{"key": "k", "value": "v"}]}'
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    raw = exchange(
        server.port,
        b"POST /_cfmock/key-value-stores/chunky/import HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n" + chunked,
    )
    assert raw.startswith(b"HTTP/1.1 201 ")
    assert server.backend.key_value_stores["chunky"].data == {"k": "v"}


MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"GET /x HTTP/9.9\r\n\r\n",
    b"GET /x FTP/1.1\r\n\r\n",
    b"GET relative/path HTTP/1.1\r\n\r\n",
    b"GET /a b HTTP/1.1\r\n\r\n",
    b"G(T / HTTP/1.1\r\n\r\n",
    b"GET /\xff HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
    b"GET / HTTP/1.1\r\nbad name: x\r\n\r\n",
    b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
    b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    b"POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"CONNECT 123456789012.localhost:443 HTTP/1.1\r\n\r\n",
    b"POST / HTTP/1.1\r\nExpect: a-teapot\r\nContent-Length: 1\r\n\r\nx",
    b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"X-Many: 1\r\n" * 200 + b"\r\n",
    b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 20000 + b"\r\n\r\n",
]


@pytest.mark.parametrize("request_bytes", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_requests_get_a_4xx_and_the_server_stays_up(server: Any, request_bytes: bytes) -> None:
    raw = exchange(server.port, request_bytes)
    status = int(raw.split(b" ", 2)[1])
    assert 400 <= status < 500 or status in (501, 505), raw[:200]
    assert b"\r\nContent-Length: " in raw and b"\r\nConnection: close\r\n" in raw
    assert exchange(server.port, LIST.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")).startswith(
        b"HTTP/1.1 200 "
    )


def test_a_body_larger_than_any_request_is_413_before_it_is_read(server: Any) -> None:
    raw = exchange(
        server.port, f"POST /2020-05-31/function HTTP/1.1\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode()
    )
    assert raw.startswith(b"HTTP/1.1 413 ")


def test_a_413_reaches_a_client_that_is_still_sending(server: Any) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        size = MAX_BODY_BYTES + 1024 * 1024
        sock.sendall(f"POST /2020-05-31/function HTTP/1.1\r\nContent-Length: {size}\r\n\r\n".encode())
        sock.sendall(b"x" * size)  # the server reads and drops it, so this write completes
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_a_client_closing_mid_request_does_not_hurt_the_server(server: Any) -> None:
    for partial in (b"GET /2020-05", b"POST /2020-05-31/function HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc"):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(partial)
    assert exchange(server.port, b"GET /_cfmock/health HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.1 200 ")


def test_head_answers_have_no_body(server: Any) -> None:
    raw = exchange(server.port, b"HEAD /_cfmock/health HTTP/1.0\r\n\r\n")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert body == b"" and b"Content-Length: " in head


def test_expect_100_continue_is_answered_before_the_body_is_sent(server: Any) -> None:
    body = b'{"data": [{"key": "k", "value": "v"}]}'
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /_cfmock/key-value-stores/waited/import HTTP/1.1\r\nExpect: 100-continue\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"  # the client may now send the body
        sock.sendall(body)
        status, _, _ = read_answer(sock, bytearray())
    assert status == 201


def test_any_signature_is_accepted_sigv4a_included(server: Any, cf: Any) -> None:
    arn = cf.create_key_value_store(Name="signed")["KeyValueStore"]["ARN"]
    encoded = arn.replace(":", "%3A").replace("/", "%2F")
    signed = (
        f"GET /key-value-stores/{encoded} HTTP/1.1\r\nX-Amz-Region-Set: *\r\nX-Amz-Date: 20240101T000000Z\r\n"
        "Authorization: AWS4-ECDSA-P256-SHA256 Credential=AKIDOTHERACCOUNT/20240101/cloudfront-keyvaluestore/"
        f"aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature={'ab' * 35}\r\n"
        "Connection: close\r\n\r\n"
    )
    raw = exchange(server.port, signed.encode())
    assert raw.startswith(b"HTTP/1.1 200 ") and arn.encode() in raw  # the server's account, whatever was signed


def test_rendered_answers_frame_themselves() -> None:
    from cfmock.server import Answer
    from cfmock.server.http import render

    answer = Answer(200, {"Location": "a\r\nSet-Cookie: x", "Content-Length": "999", "X-Name": "caf\u00e9"}, b"body")
    raw = render(answer)
    head, _, body = raw.partition(b"\r\n\r\n")
    assert body == b"body"
    assert head.split(b"\r\n") == [
        b"HTTP/1.1 200 OK",
        b"Location: a  Set-Cookie: x",  # a line break cannot split the answer
        b"X-Name: caf\xe9",
        b"Content-Length: 4",  # the real length, whatever a header claimed
    ]
    assert render(answer, head=True) == head + b"\r\n\r\n"
    assert render(Answer(299, {}, b""), close=True).startswith(b"HTTP/1.1 299 Unknown\r\nContent-Length: 0\r\n")
