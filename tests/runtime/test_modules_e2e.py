"""The modules end to end, through the engine's run_viewer_function."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from edge_samples import JWT_FUNCTION, SIGNED_URL_FUNCTION, b64url, event, make_jwt, sign_url

import cfmock
from cfmock.runtime import ERROR_PREFIX, KvsBinding, run_viewer_function

V1 = "cloudfront-js-1.0"
V2 = "cloudfront-js-2.0"


def output(result: Any) -> Any:
    assert result.error_message == "", result.error_message
    return json.loads(result.output)


def test_jwt_check_accepts_a_valid_token() -> None:
    token = make_jwt({"sub": "alice", "exp": int(time.time()) + 3600})
    result = run_viewer_function(JWT_FUNCTION, event(querystring={"jwt": token, "x": "1"}), runtime=V2)
    out = output(result)
    assert out["request"]["querystring"] == {"x": {"value": "1"}}
    assert result.logs == ("Valid JWT token for alice",)


@pytest.mark.parametrize(
    ("token", "log"),
    [
        (make_jwt({"sub": "alice", "exp": int(time.time()) + 3600}, secret="wrong"), "invalid signature"),
        (make_jwt({"sub": "alice", "exp": int(time.time()) - 10}), "token expired"),
        (make_jwt({"sub": "alice"}, alg="HS512"), "unsupported algorithm HS512"),
        ("abc.def", "malformed token"),
        (None, "no token"),
    ],
)
def test_jwt_check_rejects_bad_tokens(token: str | None, log: str) -> None:
    result = run_viewer_function(JWT_FUNCTION, event(querystring={"jwt": token} if token else {}), runtime=V2)
    assert output(result)["response"]["statusCode"] == 401
    assert result.logs == (log,)


def test_jwt_check_rejects_a_tampered_payload() -> None:
    header, _, signature = make_jwt({"sub": "alice"}).split(".")
    forged = f"{header}.{b64url(json.dumps({'sub': 'admin'}).encode())}.{signature}"
    result = run_viewer_function(JWT_FUNCTION, event(querystring={"jwt": forged}), runtime=V2)
    assert output(result)["response"]["statusCode"] == 401 and result.logs == ("invalid signature",)


def test_signed_url_check_in_1_0() -> None:
    expires = int(time.time()) + 600
    good = {"expires": str(expires), "signature": sign_url("/video.mp4", expires), "q": "1"}
    out = output(run_viewer_function(SIGNED_URL_FUNCTION, event("/video.mp4", good), runtime=V1))
    assert out["request"]["querystring"] == {"q": {"value": "1"}}

    for uri, qs, log in (
        ("/other.mp4", good, "bad signature"),
        ("/video.mp4", {**good, "expires": str(expires + 1)}, "bad signature"),
        ("/video.mp4", {**good, "signature": sign_url("/video.mp4", expires)[:-2]}, "bad signature"),
        ("/video.mp4", {"expires": "1000", "signature": sign_url("/video.mp4", 1000)}, "expired"),
        ("/video.mp4", {"expires": str(expires)}, "missing signature"),
    ):
        result = run_viewer_function(SIGNED_URL_FUNCTION, event(uri, qs), runtime=V1)
        assert output(result)["response"]["statusCode"] == 403, (uri, qs)
        assert result.logs == (log,)


def test_module_errors_reach_the_error_message() -> None:
    code = "var crypto = require('crypto');\nfunction handler(e) { crypto.createHash('sha512'); return e.request; }"
    result = run_viewer_function(code, event(), runtime=V1)
    assert result.error_message == ERROR_PREFIX + 'TypeError: not supported algorithm: "sha512"'


def test_querystring_module_in_1_0() -> None:
    code = """var querystring = require('querystring');
function handler(event) {
  var parsed = querystring.parse('a=1&b=x%20y&a=2');
  event.request.headers['x-qs'] = { value: querystring.stringify(parsed) + '|' + parsed.b };
  return event.request;
}"""
    out = output(run_viewer_function(code, event(), runtime=V1))
    assert out["request"]["headers"]["x-qs"] == {"value": "a=1&a=2&b=x%20y|x y"}


def test_kvs_and_origin_helpers_in_2_0() -> None:
    code = """import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  const request = event.request;
  const tier = (await kvs.exists('tier:' + request.uri)) ? await kvs.get('tier:' + request.uri) : 'basic';
  const origins = await kvs.get('origins', { format: 'json' });
  cf.updateRequestOrigin({ domainName: origins[tier], originPath: '/' + tier });
  request.headers['x-edge'] = { value: cf.edgeLocation.name + ' ' + request.rawQueryString() };
  try {
    await kvs.get('missing');
  } catch (e) {
    console.log(e.name);
  }
  return request;
}"""
    store = KvsBinding(
        "8aa76c93-3198-462c-aaf6-0123456789ab",
        {"tier:/vip": "gold", "origins": json.dumps({"gold": "gold.example.com", "basic": "basic.example.com"})},
    )
    result = run_viewer_function(
        code, event("/vip", {"a": "1", "b": ""}), runtime=V2, kvs=store, edge_location="FRA56-P1"
    )
    out = output(result)
    assert out["request"]["headers"]["x-edge"] == {"value": "FRA a=1&b="}
    assert result.logs == ("KeyNotFound",)
    assert result.origin_requests == (
        {"method": "updateRequestOrigin", "args": {"domainName": "gold.example.com", "originPath": "/gold"}},
    )
    plain = run_viewer_function(code, event("/", {}), runtime=V2, kvs=store)
    assert plain.origin_requests[0]["args"]["domainName"] == "basic.example.com"


def test_kvs_namespace_errors_through_the_engine() -> None:
    code = "import cf from 'cloudfront';\nfunction handler(e) { cf.kvs('%s'); return e.request; }"
    store = KvsBinding("8aa76c93-3198-462c-aaf6-0123456789ab", {})
    arn = "arn:aws:cloudfront::123456789012:key-value-store/8aa76c93-3198-462c-aaf6-0123456789ab"
    assert run_viewer_function(code % store.store_id, event(), runtime=V2, kvs=store).error_message == ""
    for kvs_id, binding in ((arn, store), (store.store_id, None)):
        message = run_viewer_function(code % kvs_id, event(), runtime=V2, kvs=binding).error_message
        assert message.startswith(ERROR_PREFIX + "KVSNamespaceNotFound: "), message


def test_invalid_origin_update_fails_the_run() -> None:
    code = (
        "import cf from 'cloudfront';\n"
        "function handler(e) { cf.updateRequestOrigin({originPath: 'x'}); return e.request; }"
    )
    result = run_viewer_function(code, event(), runtime=V2)
    assert result.error_message.startswith(ERROR_PREFIX + 'TypeError: updateRequestOrigin: "originPath"')
    assert result.origin_requests == ()


def test_2_0_globals_and_no_buffer_in_1_0() -> None:
    code2 = """function handler(event) {
  const bytes = new TextEncoder().encode('héllo');
  const b64 = btoa(String.fromCharCode.apply(null, bytes));
  event.request.headers['x-b'] = { value: b64 + ' ' + Buffer.from(bytes).toString('base64url') };
  return event.request;
}"""
    out = output(run_viewer_function(code2, event(), runtime=V2))
    assert out["request"]["headers"]["x-b"] == {"value": "aMOpbGxv aMOpbGxv"}
    code1 = (
        "function handler(event) {"
        " event.request.headers['x-t'] = { value: typeof Buffer + typeof atob }; return event.request; }"
    )
    assert output(run_viewer_function(code1, event(), runtime=V1))["request"]["headers"]["x-t"] == {
        "value": "undefinedundefined"
    }


# Names computed at run time: the module scan cannot read them, so it must load all they could name.
RUN_EVENT = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "1.2.3.4"},
    "request": {"method": "GET", "uri": "/", "headers": {}, "querystring": {}, "cookies": {}},
}


def header_set_by(code: str, runtime: str, **kwargs: Any) -> str:
    result = cfmock.run_function(code, RUN_EVENT, runtime=runtime, **kwargs)
    assert result.error_message == "", result.error_message
    out = result.output_object
    assert out is not None
    return str(out["request"]["headers"]["x-out"]["value"])


def b64(raw: bytes, url: bool = False) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() if url else base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("crypto.createHash('sha' + bits).update('abc').digest('hex')", hashlib.sha256(b"abc").hexdigest()),
        (
            "crypto.createHmac('SHA256'.toLowerCase(), 'key').update('abc').digest('base64url')",
            b64(hmac.new(b"key", b"abc", "sha256").digest(), url=True),
        ),
        ("crypto.createHash(['sha', 1].join('')).update('abc').digest('hex')", hashlib.sha1(b"abc").hexdigest()),
        (
            "crypto.createHash('md5').update('6869', ['he', 'x'].join('')).digest('base64')",
            b64(hashlib.md5(b"hi").digest()),
        ),
        (
            "crypto.createHmac('sha1', 'key').update('aGk=', 'base' + 64).digest('hex')",
            hmac.new(b"key", b"hi", "sha1").hexdigest(),
        ),
        (
            "crypto.createHmac('md' + (bits - 251), 'k').update('6869', 'HEX'.toLowerCase()).digest('base' + 64)",
            b64(hmac.new(b"k", b"hi", "md5").digest()),
        ),
    ],
)
@pytest.mark.parametrize("runtime", [V1, V2])
def test_computed_algorithms_and_encodings_hash_like_node(runtime: str, expression: str, expected: str) -> None:
    code = f"""var crypto = require('crypto');
function handler(event) {{
  var bits = 256;
  event.request.headers['x-out'] = {{ value: {expression} }};
  return event.request;
}}"""
    assert header_set_by(code, runtime) == expected


@pytest.mark.parametrize("runtime", [V1, V2])
def test_a_computed_digest_encoding_may_be_none(runtime: str) -> None:
    """digest(e) with e undefined answers bytes: a Buffer in 2.0, a byte string in 1.0."""
    code = """var crypto = require('crypto');
function handler(event) {
  var e = event.request.querystring.e, d = crypto.createHash('sha' + 256).update('abc').digest(e), s = '';
  for (var i = 0; i < d.length; i++) s += (256 + (typeof d == 'string' ? d.charCodeAt(i) : d[i])).toString(16).slice(1);
  event.request.headers['x-out'] = { value: s };
  return event.request;
}"""
    assert header_set_by(code, runtime) == hashlib.sha256(b"abc").hexdigest()


@pytest.mark.parametrize("runtime", [V1, V2])
def test_a_computed_module_name_is_required(runtime: str) -> None:
    code = """var qs = require('query' + 'string');
function handler(event) {
  event.request.headers['x-out'] = { value: qs.stringify({ a: ['1', 'x y'] }) };
  return event.request;
}"""
    assert header_set_by(code, runtime) == "a=1&a=x%20y"


def test_a_kvs_format_set_as_a_property_can_be_bytes() -> None:
    code = """import cf from 'cloudfront';
async function handler(event) {
  var options = {};
  options.format = ['by', 'tes'].join('');
  var value = await cf.kvs().get('k', options);
  event.request.headers['x-out'] = { value: value.toString('base64') };
  return event.request;
}"""
    assert header_set_by(code, V2, kvs={"k": "héllo"}) == b64("héllo".encode())
