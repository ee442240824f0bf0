"""Issue 5's done-when, through boto3's TestFunction: a realistic HS256 JWT check (runtime 2.0: createHmac,
base64url, Buffer) and a signed-URL check (runtime 1.0: byte strings) pass and fail correctly."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from edge_samples import JWT_FUNCTION, SIGNED_URL_FUNCTION, b64url, event, make_jwt, sign_url


def deploy(cf: Any, name: str, code: str, runtime: str) -> str:
    config = {"Comment": "", "Runtime": runtime}
    return str(cf.create_function(Name=name, FunctionConfig=config, FunctionCode=code.encode())["ETag"])


def run_test(cf: Any, name: str, etag: str, evt: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    result = cf.test_function(Name=name, IfMatch=etag, EventObject=json.dumps(evt).encode())["TestResult"]
    assert result["FunctionErrorMessage"] == "", result["FunctionErrorMessage"]
    return json.loads(result["FunctionOutput"]), result["FunctionExecutionLogs"]


def test_jwt_check_in_2_0_accepts_a_valid_token(cf: Any) -> None:
    etag = deploy(cf, "jwt", JWT_FUNCTION, "cloudfront-js-2.0")
    token = make_jwt({"sub": "alice", "exp": int(time.time()) + 3600})
    output, logs = run_test(cf, "jwt", etag, event(querystring={"jwt": token, "x": "1"}))
    assert output["request"]["querystring"] == {"x": {"value": "1"}}
    assert logs == ["Valid JWT token for alice"]


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
def test_jwt_check_in_2_0_rejects_bad_tokens(cf: Any, token: str | None, log: str) -> None:
    etag = deploy(cf, "jwt", JWT_FUNCTION, "cloudfront-js-2.0")
    output, logs = run_test(cf, "jwt", etag, event(querystring={"jwt": token} if token else {}))
    assert output["response"]["statusCode"] == 401
    assert logs == [log]


def test_jwt_check_in_2_0_rejects_a_forged_payload(cf: Any) -> None:
    etag = deploy(cf, "jwt", JWT_FUNCTION, "cloudfront-js-2.0")
    header, _, signature = make_jwt({"sub": "alice"}).split(".")
    forged = f"{header}.{b64url(json.dumps({'sub': 'admin'}).encode())}.{signature}"
    output, logs = run_test(cf, "jwt", etag, event(querystring={"jwt": forged}))
    assert output["response"]["statusCode"] == 401 and logs == ["invalid signature"]


def test_signed_url_check_in_1_0_passes_and_fails_correctly(cf: Any) -> None:
    etag = deploy(cf, "signed", SIGNED_URL_FUNCTION, "cloudfront-js-1.0")
    expires = int(time.time()) + 600
    good = {"expires": str(expires), "signature": sign_url("/video.mp4", expires), "q": "1"}
    output, logs = run_test(cf, "signed", etag, event("/video.mp4", good))
    assert output["request"]["querystring"] == {"q": {"value": "1"}} and logs == []
    for uri, qs, log in (
        ("/other.mp4", good, "bad signature"),
        ("/video.mp4", {**good, "expires": str(expires + 1)}, "bad signature"),
        ("/video.mp4", {**good, "signature": sign_url("/video.mp4", expires)[:-2]}, "bad signature"),
        ("/video.mp4", {"expires": "1000", "signature": sign_url("/video.mp4", 1000)}, "expired"),
        ("/video.mp4", {"expires": str(expires)}, "missing signature"),
    ):
        output, logs = run_test(cf, "signed", etag, event(uri, qs))
        assert output["response"]["statusCode"] == 403, (uri, qs)
        assert logs == [log]
