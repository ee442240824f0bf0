"""Realistic edge functions shared by the engine tests and the TestFunction tests (issue 5's done-when):
an HS256 JWT check for runtime 2.0 and a signed-URL check for runtime 1.0, with the helpers that make tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

JWT_SECRET = "LzdWGpAToQ1DqYuzHxE6YOqi7G3X2yvNBot9mCXfx5k"
URL_KEY = bytes.fromhex("9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddccbbaa99887766554433221100")

# An HS256 JWT check for runtime 2.0, in the style of AWS's sample: createHmac + base64url + Buffer.
JWT_FUNCTION = """import crypto from 'crypto';

const SECRET = '__SECRET__';

function b64urlJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function verify(token, key) {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('malformed token');
  const header = b64urlJson(parts[0]);
  if (header.alg !== 'HS256') throw new Error('unsupported algorithm ' + header.alg);
  const expected = crypto.createHmac('sha256', key).update(parts[0] + '.' + parts[1]).digest();
  if (!expected.equals(Buffer.from(parts[2], 'base64url'))) throw new Error('invalid signature');
  const payload = b64urlJson(parts[1]);
  if (payload.exp !== undefined && Date.now() / 1000 >= payload.exp) throw new Error('token expired');
  return payload;
}

function handler(event) {
  const request = event.request;
  const token = request.querystring.jwt && request.querystring.jwt.value;
  try {
    if (!token) throw new Error('no token');
    const claims = verify(token, SECRET);
    console.log('Valid JWT token for ' + claims.sub);
  } catch (e) {
    console.log(e.message);
    return { statusCode: 401, statusDescription: 'Unauthorized' };
  }
  delete request.querystring.jwt;
  return request;
}
""".replace("__SECRET__", JWT_SECRET)

# A signed-URL check for runtime 1.0 with njs byte strings: the key and the signature are bytes.
SIGNED_URL_FUNCTION = """var crypto = require('crypto');
var KEY = String.bytesFrom('__KEY__', 'hex');

function deny(reason) {
  console.log(reason);
  return { statusCode: 403, statusDescription: 'Forbidden' };
}

function handler(event) {
  var request = event.request, qs = request.querystring;
  if (!qs.expires || !qs.signature) return deny('missing signature');
  var expected = crypto.createHmac('sha256', KEY).update(request.uri + ':' + qs.expires.value).digest();
  var given = String.bytesFrom(qs.signature.value, 'base64url');
  if (given !== expected) return deny('bad signature');
  if (Number(qs.expires.value) * 1000 < Date.now()) return deny('expired');
  delete qs.expires;
  delete qs.signature;
  return request;
}
""".replace("__KEY__", URL_KEY.hex())


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def make_jwt(claims: dict[str, Any], secret: str = JWT_SECRET, alg: str = "HS256") -> str:
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = b64url(hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def sign_url(uri: str, expires: int) -> str:
    return b64url(hmac.new(URL_KEY, f"{uri}:{expires}".encode(), hashlib.sha256).digest())


def event(
    uri: str = "/index.html", querystring: dict[str, str] | None = None, event_type: str = "viewer-request"
) -> dict[str, Any]:
    qs = {k: {"value": v} for k, v in (querystring or {}).items()}
    return {
        "version": "1.0",
        "context": {"eventType": event_type},
        "viewer": {"ip": "198.51.100.11"},
        "request": {"method": "GET", "uri": uri, "querystring": qs, "headers": {"host": {"value": "example.org"}}},
    }
