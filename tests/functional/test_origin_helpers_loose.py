"""Origin helpers validate loosely (decision 33): AWS's own example runs, unknown fields are recorded.

The example is AWS's "Route requests to an origin closer to the viewer" (Developer Guide,
example_cloudfront_functions_select_origin_based_on_country_section; aws-samples/amazon-cloudfront-functions,
select-origin-based-on-country), which passes ``originAccessControlConfig.region``, a field the helper's
reference page does not list.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from cfmock import run_function

AWS_EXAMPLE = """import cf from 'cloudfront';

function handler(event) {
    const request = event.request;
    const headers = request.headers;
    const country = headers['cloudfront-viewer-country'] &&
        headers['cloudfront-viewer-country'].value;

    //List of Regions with S3 buckets containing content
    const countryToRegion = {
        'DE': 'eu-central-1',
        'IE': 'eu-west-1',
        'GB': 'eu-west-2',
        'FR': 'eu-west-3',
        'JP': 'ap-northeast-1',
        'IN': 'ap-south-1'
    };

    const DEFAULT_REGION = 'us-east-1';

    const selectedRegion = (country && countryToRegion[country]) || DEFAULT_REGION;

    const domainName =
        `cloudfront-functions-demo-bucket-in-${selectedRegion}.s3.${selectedRegion}.amazonaws.com`;

    cf.updateRequestOrigin({
        "domainName": domainName,
        "originAccessControlConfig": {
            "enabled": true,
            "region": selectedRegion,
            "signingBehavior": "always",
            "signingProtocol": "sigv4",
            "originType": "s3"
        },
    });

    return request;
}
"""


def event(country: str | None) -> dict[str, Any]:
    headers = {"host": {"value": "example.org"}}
    if country is not None:
        headers["cloudfront-viewer-country"] = {"value": country}
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "198.51.100.11"},
        "request": {"method": "GET", "uri": "/index.html", "headers": headers},
    }


def expected_record(region: str) -> dict[str, Any]:
    return {
        "method": "updateRequestOrigin",
        "args": {
            "domainName": f"cloudfront-functions-demo-bucket-in-{region}.s3.{region}.amazonaws.com",
            "originAccessControlConfig": {
                "enabled": True,
                "region": region,
                "signingBehavior": "always",
                "signingProtocol": "sigv4",
                "originType": "s3",
            },
        },
        "unknownFields": ["originAccessControlConfig.region"],
    }


@pytest.mark.parametrize(("country", "region"), [("DE", "eu-central-1"), ("JP", "ap-northeast-1"), (None, "us-east-1")])
def test_the_aws_example_runs_and_is_recorded(country: str | None, region: str) -> None:
    result = run_function(AWS_EXAMPLE, event(country))
    assert result.ok, result.error_message
    assert result.output_object is not None and result.output_object["request"]["uri"] == "/index.html"
    assert result.origin_requests == (expected_record(region),)
    assert "originAccessControlConfig.region" in result.describe()


def test_the_aws_example_through_test_function(cf: Any) -> None:
    etag = cf.create_function(
        Name="select-origin",
        FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"},
        FunctionCode=AWS_EXAMPLE.encode(),
    )["ETag"]
    result = cf.test_function(Name="select-origin", IfMatch=etag, EventObject=json.dumps(event("FR")).encode())
    test_result = result["TestResult"]
    assert test_result["FunctionErrorMessage"] == ""
    # decisions 33: the record is not part of FunctionOutput
    assert json.loads(test_result["FunctionOutput"])["request"]["uri"] == "/index.html"
    assert "originAccessControlConfig" not in test_result["FunctionOutput"]


def test_a_bad_value_of_a_known_field_still_fails_through_test_function(cf: Any) -> None:
    code = AWS_EXAMPLE.replace('"signingBehavior": "always"', '"signingBehavior": "sometimes"')
    etag = cf.create_function(
        Name="bad", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"}, FunctionCode=code.encode()
    )["ETag"]
    test_result = cf.test_function(Name="bad", IfMatch=etag, EventObject=json.dumps(event("DE")).encode())["TestResult"]
    assert test_result["FunctionErrorMessage"].endswith(
        'TypeError: updateRequestOrigin: "originAccessControlConfig.signingBehavior" must be one of always, never, '
        "no-override"
    )
    assert run_function(code, event("DE")).origin_requests == ()
