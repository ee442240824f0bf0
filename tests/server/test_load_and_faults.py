"""Load and faults over real HTTP: 8 clients x 1,000 mixed operations lose nothing; 100 malformed requests
each get a 4xx and the server answers the next good request. Loopback only, every loop bounded."""

from __future__ import annotations

import base64
import http.client
import json
import random
import threading
from typing import Any
from urllib.parse import quote

from conftest import exchange

from cfmock.backend.etags import etag_for_version

CLIENTS = 8
OPERATIONS = 1_000
MAX_RETRIES = 200  # per contended write; far above what 8 clients need, so a livelock fails instead of hanging
NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"


def function_body(root: str, comment: str, code: bytes) -> bytes:
    return (
        f'<{root} xmlns="{NS}"><FunctionConfig><Comment>{comment}</Comment><Runtime>cloudfront-js-2.0</Runtime>'
        f"</FunctionConfig><FunctionCode>{base64.b64encode(code).decode()}</FunctionCode></{root}>"
    ).encode()


def create_body(name: str, code: bytes) -> bytes:
    body = function_body("CreateFunctionRequest", "load", code).decode()
    return body.replace("<FunctionConfig>", f"<Name>{name}</Name><FunctionConfig>", 1).encode()


class Client:
    """One keep-alive connection sending hand-built requests, as an SDK would put them on the wire."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: bytes = b"", if_match: str | None = None) -> tuple[int, Any, bytes]:
        headers = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/cloudfront/aws4_request"}
        if if_match is not None:
            headers["If-Match"] = if_match
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        assert not response.will_close, "the server dropped a keep-alive connection"
        assert response.getheader("Content-Length") == str(len(data))
        return response.status, response.headers, data


def run_client(port: int, index: int, store_path: str, results: dict[int, Any]) -> None:
    client, rng = Client(port), random.Random(index)
    own = f"own-{index}"
    code = f"function handler(e) {{ return e.request; }} // {index}-0".encode()
    status, headers, _ = client.call("POST", "/2020-05-31/function", create_body(own, code))
    assert status == 201
    own_etags, own_etag, shared_etags, key_etags, shared_retries = [headers["ETag"]], headers["ETag"], [], [], 0
    keys: dict[str, str] = {}
    for n in range(1, OPERATIONS):
        kind = rng.choice(("own", "own", "describe", "publish", "shared", "key", "key"))
        if kind == "own":  # uncontended: every update must succeed and bump the version by exactly one
            code = f"function handler(e) {{ return e.request; }} // {index}-{n}".encode()
            body = function_body("UpdateFunctionRequest", f"n{n}", code)
            status, headers, _ = client.call("PUT", f"/2020-05-31/function/{own}", body, own_etag)
            assert status == 200, status
            own_etag = headers["ETag"]
            own_etags.append(own_etag)
        elif kind == "describe":
            status, headers, _ = client.call("GET", f"/2020-05-31/function/{own}/describe")
            assert status == 200 and headers["ETag"] == own_etag
        elif kind == "publish":
            status, headers, _ = client.call("POST", f"/2020-05-31/function/{own}/publish", if_match=own_etag)
            assert status == 200
        elif kind == "shared":  # contended: If-Match loses to other writers, re-read and retry
            body = function_body("UpdateFunctionRequest", f"c{index}-{n}", code)
            for _ in range(MAX_RETRIES):
                status, headers, _ = client.call("GET", "/2020-05-31/function/shared/describe")
                status, headers, _ = client.call("PUT", "/2020-05-31/function/shared", body, headers["ETag"])
                if status == 200:
                    shared_etags.append(headers["ETag"])
                    break
                assert status == 412, status
                shared_retries += 1
            else:
                raise AssertionError("a shared update never got through")
        else:  # the shared store's data plane, contended the same way
            key, value = f"c{index}/k{n % 37}", f"v{n}"
            path = f"{store_path}/keys/{quote(key, safe='')}"
            for _ in range(MAX_RETRIES):
                status, headers, _ = client.call("GET", store_path)
                status, headers, _ = client.call("PUT", path, json.dumps({"Value": value}).encode(), headers["ETag"])
                if status == 200:
                    key_etags.append(headers["ETag"])
                    keys[key] = value
                    break
                assert status == 409, status
            else:
                raise AssertionError("a key write never got through")
    results[index] = {
        "own_etags": own_etags,
        "own_code": code,
        "shared_etags": shared_etags,
        "key_etags": key_etags,
        "keys": keys,
        "shared_retries": shared_retries,
    }


def test_eight_clients_lose_nothing(server: Any) -> None:
    setup = Client(server.port)
    assert setup.call("POST", "/2020-05-31/function", create_body("shared", b"function handler(e){return e}"))[0] == 201
    status, _, body = setup.call(
        "POST",
        "/2020-05-31/key-value-store",
        f'<CreateKeyValueStoreRequest xmlns="{NS}"><Name>load</Name></CreateKeyValueStoreRequest>'.encode(),
    )
    assert status == 201, body
    arn = server.backend.key_value_stores["load"].arn
    store_path = f"/key-value-stores/{quote(arn, safe='')}"
    results: dict[int, Any] = {}
    errors: list[BaseException] = []

    def guarded(index: int) -> None:
        try:
            run_client(server.port, index, store_path, results)
        except BaseException as error:  # reported below, with every other client's outcome
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors, errors
    assert sorted(results) == list(range(CLIENTS))

    functions = server.backend.functions
    for index, result in results.items():
        # Each version of a client's own function was seen once, in order: version n has ETag n.
        assert result["own_etags"] == [etag_for_version(v) for v in range(1, len(result["own_etags"]) + 1)]
        assert functions[f"own-{index}"].etag == result["own_etags"][-1]
        assert functions[f"own-{index}"].development.code == result["own_code"]
    shared = [etag for result in results.values() for etag in result["shared_etags"]]
    assert len(set(shared)) == len(shared)  # no two writers were told they wrote the same version
    assert set(shared) == {etag_for_version(v) for v in range(2, len(shared) + 2)}  # and every version is counted
    assert functions["shared"].etag == etag_for_version(len(shared) + 1)

    key_etags = [etag for result in results.values() for etag in result["key_etags"]]
    assert len(set(key_etags)) == len(key_etags)
    store = server.backend.key_value_stores["load"]
    expected = {key: value for result in results.values() for key, value in result["keys"].items()}
    assert store.data == expected
    assert store.etag in key_etags  # the store's ETag is the one the last successful write returned
    assert sum(len(result["own_etags"]) for result in results.values()) > CLIENTS * OPERATIONS // 5


def malformed_requests() -> list[bytes]:
    """100 broken requests of many kinds, reproducible (seeded)."""
    rng = random.Random(15)
    good = b"GET /2020-05-31/function HTTP/1.1\r\nHost: x\r\n\r\n"
    kinds = [
        lambda: bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))) + b"\r\n\r\n",
        lambda: good[: rng.randrange(4, 20)] + b"\x00\r\n\r\n",
        lambda: b"GET /%s HTTP/1.1\r\n\r\n" % bytes(rng.choice(b" \x01\x7f#") for _ in range(3)),
        lambda: b"POST /2020-05-31/function HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % (2**40 + rng.randrange(99)),
        lambda: b"POST /2020-05-31/function HTTP/1.1\r\nContent-Length: x%d\r\n\r\n" % rng.randrange(99),
        lambda: b"GET / HTTP/1.1\r\n%s\r\n\r\n" % bytes(rng.choice(b"abc :\t") for _ in range(20)).replace(b":", b""),
        lambda: b"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\nshort" % rng.randrange(100, 999),
        lambda: b"POST /2020-05-31/function HTTP/1.1\r\nContent-Length: 9\r\n\r\n<broken/",
        lambda: b"POST /2020-05-31/function HTTP/1.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\n<a></",
        lambda: b"GET /2020-05-31/function?MaxItems=%s HTTP/1.1\r\nConnection: close\r\n\r\n" % b"abc",
    ]
    return [kinds[i % len(kinds)]() for i in range(100)]


def test_a_hundred_malformed_requests_each_get_a_4xx_and_the_server_answers_the_next(server: Any) -> None:
    good = b"GET /2020-05-31/function HTTP/1.1\r\nConnection: close\r\n\r\n"
    statuses = []
    for request in malformed_requests():
        raw = exchange(server.port, request)
        assert raw.startswith(b"HTTP/1.1 "), (request[:80], raw[:80])
        status = int(raw.split(b" ", 2)[1])
        statuses.append(status)
        assert 400 <= status < 500, (request[:80], raw[:300])
        assert exchange(server.port, good).startswith(b"HTTP/1.1 200 ")
    assert len(statuses) == 100
