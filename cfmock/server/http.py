"""HTTP/1.1 in front of a ``Backend``: the standard library's socket server and a small, strict parser.

Why not ``http.server``: the request target must stay raw (``%2F`` in ARNs and keys), absolute-form targets
(``GET http://123456789012.127.0.0.1:7457/... HTTP/1.1``) must be served so the server can be its own HTTP proxy,
and every malformed request must get a 4xx without taking the server down. One thread per connection,
persistent connections (keep-alive), ``Content-Length`` on every answer; the ``Backend`` serialises state.
"""

from __future__ import annotations

import contextlib
import re
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import IO, Any

from cfmock.server.answers import Answer, json_answer
from cfmock.server.app import Backend

MAX_LINE_BYTES = 16 * 1024  # the request line and each header line
MAX_HEADERS = 128
# Far above any legal request: function code is at most 10 KB (40 KB in the model, base64 in XML), an UpdateKeys
# batch 50 entries of at most 1.5 KB; JSON escaping at most sextuples them. Larger bodies are refused unread.
MAX_BODY_BYTES = 8 * 1024 * 1024
IDLE_TIMEOUT_S = 300.0
LINGER_S = 5.0
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(rb"HTTP/1\.[01]")
_ABSOLUTE = re.compile(r"(?i)https?://[^/?#]*")


def _nothing() -> None:
    pass


class BadRequest(Exception):
    """The request cannot be served; answered with ``status`` and the connection is closed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Request:
    method: str
    path: str  # raw, still percent-encoded
    query: str
    version: bytes
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def keep_alive(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        if self.version == b"HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection


def read_request(stream: IO[bytes], send_continue: Callable[[], None] | None = None) -> Request | None:
    """The next request on a connection, or None when the client closed it between requests.

    ``send_continue`` writes the interim ``100 Continue`` a client that sent ``Expect: 100-continue`` waits for;
    it is called once the headers passed every check and just before the body is read."""
    line = b""
    for _ in range(4):  # a client may send stray empty lines between requests (RFC 9112 §2.2)
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return None
        if line not in (b"\r\n", b"\n"):
            break
    if len(line) > MAX_LINE_BYTES or not line.endswith(b"\n"):
        raise BadRequest(414, "the request line is too long")
    parts = line.rstrip(b"\r\n").split(b" ")
    if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]) or not parts[1]:
        raise BadRequest(400, "the request line is not METHOD TARGET HTTP/1.1")
    if not _VERSION.fullmatch(parts[2]):
        raise BadRequest(505 if parts[2].startswith(b"HTTP/") else 400, "only HTTP/1.1 and HTTP/1.0 are served")
    method = parts[0].decode("ascii")
    path, query = _split_target(method, parts[1])
    request = Request(method, path, query, parts[2], _read_headers(stream))
    request.body = _read_body(stream, request, send_continue)
    return request


def _split_target(method: str, raw: bytes) -> tuple[str, str]:
    try:
        target = raw.decode("ascii")
    except UnicodeDecodeError:
        raise BadRequest(400, "the request target must be ASCII (percent-encode the rest)") from None
    if method == "CONNECT":
        raise BadRequest(405, "cfmock proxies plain HTTP to itself only; use http:// endpoints, not CONNECT")
    if not target.startswith("/"):
        absolute = _ABSOLUTE.match(target)
        if absolute is None:
            raise BadRequest(400, "the request target must be a path or an absolute http:// URL")
        # Absolute form: the client uses this server as its HTTP proxy. Every host is answered here.
        target = target[absolute.end() :] or "/"
        if not target.startswith(("/", "?")):
            raise BadRequest(400, "the request target is not a valid absolute URL")
        if target.startswith("?"):
            target = "/" + target
    if any(c in target for c in " #") or any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        raise BadRequest(400, "the request target contains characters a URL cannot carry")
    path, _, query = target.partition("?")
    return path, query


def _read_headers(stream: IO[bytes]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS + 1):
        line = stream.readline(MAX_LINE_BYTES + 1)
        if len(line) > MAX_LINE_BYTES:
            raise BadRequest(431, "a header line is too long")
        if not line.endswith(b"\n"):
            raise BadRequest(400, "the connection closed inside the headers")
        if line in (b"\r\n", b"\n"):
            return headers
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            raise BadRequest(400, f"malformed header line {line[:80]!r}")
        try:
            text = value.strip(b" \t\r\n").decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes any byte
            raise BadRequest(400, "undecodable header") from None
        key = name.decode("ascii").lower()
        if key in headers:
            if key in ("content-length", "host") and headers[key] != text:
                raise BadRequest(400, f"conflicting {key} headers")
            if key not in ("content-length", "host"):
                text = f"{headers[key]}, {text}"
        headers[key] = text
    raise BadRequest(431, f"more than {MAX_HEADERS} headers")


def _read_body(stream: IO[bytes], request: Request, send_continue: Callable[[], None] | None) -> bytes:
    headers = request.headers
    expect = headers.get("expect")
    if expect is not None and expect.lower() != "100-continue":
        raise BadRequest(417, f"unknown expectation {expect!r}")
    if expect is None or request.version != b"HTTP/1.1" or send_continue is None:
        send_continue = _nothing
    encoding = headers.get("transfer-encoding")
    if encoding is not None:
        if "content-length" in headers:
            raise BadRequest(400, "both Transfer-Encoding and Content-Length")
        if encoding.lower() != "chunked":
            raise BadRequest(501, f"Transfer-Encoding {encoding!r} is not served; use chunked or Content-Length")
        send_continue()
        return _read_chunked(stream)
    length_text = headers.get("content-length")
    if length_text is None:
        return b""
    if not length_text.isdigit() or len(length_text) > 18:
        raise BadRequest(400, f"invalid Content-Length {length_text!r}")
    length = int(length_text)
    if length > MAX_BODY_BYTES:
        raise BadRequest(413, f"the body ({length} bytes) is larger than any CloudFront request ({MAX_BODY_BYTES})")
    if not length:
        return b""
    send_continue()
    body = stream.read(length)
    if len(body) != length:
        raise BadRequest(400, "the connection closed inside the body")
    return body


def _read_chunked(stream: IO[bytes]) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        size_line = stream.readline(MAX_LINE_BYTES + 1)
        size_text = size_line.split(b";", 1)[0].strip()
        if not size_line.endswith(b"\n") or not re.fullmatch(rb"[0-9A-Fa-f]{1,16}", size_text):
            raise BadRequest(400, "malformed chunk size")
        size = int(size_text, 16)
        total += size
        if total > MAX_BODY_BYTES:
            raise BadRequest(413, f"the body is larger than any CloudFront request ({MAX_BODY_BYTES} bytes)")
        if size == 0:
            _read_headers(stream)  # trailers, ignored
            return b"".join(chunks)
        chunk = stream.read(size)
        if len(chunk) != size or stream.readline(3) not in (b"\r\n", b"\n"):
            raise BadRequest(400, "malformed chunk")
        chunks.append(chunk)


def _one_line(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ") if "\r" in value or "\n" in value else value


def render(answer: Answer, *, head: bool = False, close: bool = False, keep_alive_10: bool = False) -> bytes:
    """The answer's bytes: status line, headers (``Content-Length`` always), body."""
    try:
        reason = HTTPStatus(answer.status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {answer.status} {reason}"]
    # A header value never carries a line break (it would split the answer); none is expected, none gets out.
    lines.extend(
        f"{k}: {_one_line(v)}" for k, v in answer.headers.items() if k.lower() not in ("content-length", "connection")
    )
    lines.append(f"Content-Length: {len(answer.body)}")
    if close:
        lines.append("Connection: close")
    elif keep_alive_10:
        lines.append("Connection: keep-alive")
    head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
    return head_bytes if head else head_bytes + answer.body


class _Connection(socketserver.StreamRequestHandler):
    server: CloudFrontHTTPServer
    timeout = IDLE_TIMEOUT_S
    disable_nagle_algorithm = True

    def handle(self) -> None:
        self.server.track(self.connection, True)
        try:
            self._serve()
        except OSError:
            pass  # the client went away, or the server is closing: nothing to answer
        finally:
            self.server.track(self.connection, False)

    def _serve(self) -> None:
        while not self.server.closing:
            try:
                request = read_request(self.rfile, self._send_continue)  # type: ignore[arg-type]  # a buffered reader
            except BadRequest as bad:
                self.wfile.write(render(json_answer(bad.status, {"error": bad.message}), close=True))
                self._linger()
                return
            if request is None:
                return
            answer = self.server.answer(request)
            keep = request.keep_alive and not self.server.closing
            http10 = request.version == b"HTTP/1.0"
            self.wfile.write(render(answer, head=request.method == "HEAD", close=not keep, keep_alive_10=http10))
            if not keep:
                return

    def _send_continue(self) -> None:
        self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def _linger(self) -> None:
        """Read what the client is still sending before closing, so it sees the answer rather than a reset (a
        client sending a refused 50 MB body reads the 413 only once its write completes). Bounded in time."""
        self.connection.shutdown(socket.SHUT_WR)
        self.connection.settimeout(LINGER_S)
        deadline = time.monotonic() + LINGER_S
        while time.monotonic() < deadline and self.connection.recv(65536):
            pass


class CloudFrontHTTPServer(socketserver.ThreadingTCPServer):
    """A ``Backend`` on a socket. ``port`` is the bound port (useful after binding port 0)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, backend: Backend, host: str = "127.0.0.1", port: int = 0, *, verbose: bool = False) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.backend = backend
        self.verbose = verbose
        self.closing = False
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((host, port), _Connection)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def answer(self, request: Request) -> Answer:
        try:
            answer = self.backend.answer(request.method, request.path, request.query, request.headers, request.body)
        except Exception:  # a cfmock bug: say so, keep serving
            traceback.print_exc(file=sys.stderr)
            answer = json_answer(500, {"error": "cfmock failed on this request (a cfmock bug); see its stderr"})
        if self.verbose:
            print(f"cfmock server: {request.method} {request.path} -> {answer.status}", file=sys.stderr, flush=True)
        return answer

    def track(self, connection: socket.socket, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        """Stop accepting and end every open connection (idle keep-alive readers wake up and leave)."""
        self.closing = True
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        traceback.print_exc(file=sys.stderr)  # never reached for client faults, which _Connection absorbs
