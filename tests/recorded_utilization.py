"""The seven functions whose ComputeUtilization AWS recorded (decision 46), with the events they were run on.

Source of the figures: the READMEs of aws-samples/amazon-cloudfront-functions (runtime cloudfront-js-1.0,
April 2021), each showing `aws cloudfront test-function` on the sample's test object with its TestResult.
The handlers below do what those samples did in 2021 (same reads, same writes, same values, so the outputs
match the recorded FunctionOutput); they are written out here rather than copied. The events are the
samples' test objects: one request (and, for viewer-response functions, one response) shared by all seven.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

RT1 = "cloudfront-js-1.0"

_REQUEST: dict[str, Any] = {
    "method": "GET",
    "uri": "/index.html",
    "querystring": {
        "test": {"value": "true"},
        "arg": {"value": "val1", "multivalue": [{"value": "val1"}, {"value": "val2"}]},
    },
    "headers": {
        "host": {"value": "www.example.com"},
        "accept": {"value": "text/html", "multivalue": [{"value": "text/html"}, {"value": "application/xhtml+xml"}]},
    },
    "cookies": {"id": {"value": "CookeIdValue"}, "loggedIn": {"value": "false"}},
}
_RESPONSE: dict[str, Any] = {
    "statusCode": 200,
    "statusDescription": "OK",
    "headers": {
        "server": {"value": "CustomOriginServer"},
        "content-type": {"value": "text/html; charset=UTF-8"},
        "content-length": {"value": "9593"},
    },
    "cookies": {
        "id": {
            "value": "a3fWa",
            "multivalue": [{"value": "a3fWa"}, {"value": "a3fWb"}],
            "attributes": "Expires=Wed, 05 Jan 2024 07:28:00 GMT",
        },
        "loggedIn": {
            "value": "true",
            "attributes": "Secure; Path=/; Domain=example.com; Expires=Wed, 05 Jan 2024 07:28:00 GMT",
        },
    },
}


def _event(event_type: str, uri: str = "/index.html", headers: dict[str, Any] | None = None) -> dict[str, Any]:
    request = copy.deepcopy(_REQUEST)
    request["uri"] = uri
    request["headers"].update(headers or {})
    event: dict[str, Any] = {
        "version": "1.0",
        "context": {"eventType": event_type},
        "viewer": {"ip": "0.0.0.0"},
        "request": request,
    }
    if event_type == "viewer-response":
        event["response"] = copy.deepcopy(_RESPONSE)
    return event


@dataclass(frozen=True)
class Recorded:
    name: str  # the sample's directory in aws-samples/amazon-cloudfront-functions
    aws_figure: int  # ComputeUtilization in the sample's README
    code: str
    event: dict[str, Any]
    changed: tuple[str, str, str]  # (request|response, header, value) the recorded output shows set


RECORDED: tuple[Recorded, ...] = (
    Recorded(
        "add-cache-control-header",
        20,
        """function handler(event) {
    var headers = event.response.headers;
    headers['cache-control'] = { value: 'public, max-age=63072000' };
    return event.response;
}""",
        _event("viewer-response"),
        ("response", "cache-control", "public, max-age=63072000"),
    ),
    Recorded(
        "add-cors-header",
        16,
        """function handler(event) {
    var req = event.request, res = event.response;
    if (!res.headers['access-control-allow-origin'] && req.headers['origin']) {
        res.headers['access-control-allow-origin'] = { value: req.headers['origin'].value };
        console.log('Access-Control-Allow-Origin was missing, adding it now.');
    }
    return res;
}""",
        _event("viewer-response", headers={"origin": {"value": "https://www.example.com"}}),
        ("response", "access-control-allow-origin", "https://www.example.com"),
    ),
    Recorded(
        "add-origin-header",
        15,
        """function handler(event) {
    var req = event.request;
    var host = req.headers.host.value;
    if (!req.headers.origin) {
        req.headers.origin = { value: `https://${host}` };
    }
    return req;
}""",
        _event("viewer-request"),
        ("request", "origin", "https://www.example.com"),
    ),
    Recorded(
        "add-security-headers",
        15,
        """function handler(event) {
    var res = event.response;
    var h = res.headers;
    h['strict-transport-security'] = { value: 'max-age=63072000; includeSubdomains; preload' };
    h['content-security-policy'] = {
        value: "default-src 'none'; img-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'"
    };
    h['x-content-type-options'] = { value: 'nosniff' };
    h['x-frame-options'] = { value: 'DENY' };
    h['x-xss-protection'] = { value: '1; mode=block' };
    return res;
}""",
        _event("viewer-response"),
        ("response", "x-frame-options", "DENY"),
    ),
    Recorded(
        "add-true-client-ip-header",
        10,
        """function handler(event) {
    var req = event.request;
    req.headers['true-client-ip'] = { value: event.viewer.ip };
    return req;
}""",
        _event("viewer-request"),
        ("request", "true-client-ip", "0.0.0.0"),
    ),
    Recorded(
        "redirect-based-on-country",
        13,
        """function handler(event) {
    var req = event.request;
    var host = req.headers.host.value;
    var target = `https://${host}/de/index.html`;
    var country = req.headers['cloudfront-viewer-country'];
    if (country && country.value === 'DE') {
        return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: target } } };
    }
    return req;
}""",
        _event("viewer-request", headers={"cloudfront-viewer-country": {"value": "DE"}}),
        ("response", "location", "https://www.example.com/de/index.html"),
    ),
    Recorded(
        "url-rewrite-single-page-apps",
        14,
        """function handler(event) {
    var req = event.request;
    var uri = req.uri;
    if (uri.endsWith('/')) {
        req.uri = uri + 'index.html';
    } else if (!uri.includes('.')) {
        req.uri = uri + '/index.html';
    }
    return req;
}""",
        _event("viewer-request", uri="/blog"),
        ("request", "uri", "/blog/index.html"),
    ),
)

# decision 46's goal
EACH_BAND = (0.5, 2.0)
MEAN_BAND = (0.67, 1.5)


def geometric_mean(values: Iterable[float]) -> float:
    logs = [math.log(v) for v in values]
    return math.exp(sum(logs) / len(logs))


def ratios(figures: dict[str, float]) -> dict[str, float]:
    """cfmock's figure over AWS's, per function (a figure of 0 counts as 0.5: it is below 1 once rounded)."""
    return {r.name: max(figures[r.name], 0.5) / r.aws_figure for r in RECORDED}
