"""Hand response bytes to botocore exactly as its HTTP path would (botocore/endpoint.py ``_do_get_response``).

The same steps in the same order: ``convert_to_response_dict``, ``handle_checksum_body``, the
``before-parse`` event, the client's own protocol parser, modelled error fields, ``response-received``,
and ``RetryAttempts``. Users therefore get what botocore would produce from a real CloudFront answer:
tz-aware datetimes, ``StreamingBody``, ``ResponseMetadata``, ``client.exceptions.X``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

# botocore is already loaded whenever this module is: it is imported at a client's first mocked call.
from botocore.awsrequest import AWSResponse
from botocore.endpoint import convert_to_response_dict
from botocore.httpchecksum import handle_checksum_body
from urllib3._collections import HTTPHeaderDict  # the class real responses carry (urllib3 1.26 and 2.x)

from cfmock.wire.render import WireResponse


class RawBody(io.BytesIO):
    """The file-like ``raw`` of a response, as urllib3 would hand it to botocore."""

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


def http_response(url: str, response: WireResponse) -> Any:
    headers: Any = response.headers
    if len({name.lower() for name in headers}) != len(headers):
        # Names that differ only in case: urllib3's class joins their values, as it would for a real response.
        headers = HTTPHeaderDict(headers)
    # Otherwise the plain dict: AWSResponse keeps only its own HeadersDict copy of the headers, which holds the
    # same names, order and values either way, and copying from a dict costs a third of copying from urllib3's.
    return AWSResponse(url, response.status, headers, RawBody(response.body))


def deliver(client: Any, operation: Any, url: str, response: WireResponse, context: dict[str, Any]) -> Any:
    """Parse ``response`` for ``operation`` through ``client``'s own pipeline; returns ``(http, parsed)``."""
    endpoint = client._endpoint
    events = client.meta.events
    http = http_response(url, response)
    response_dict = convert_to_response_dict(http, operation)
    handle_checksum_body(http, response_dict, context, operation)
    service_id = operation.service_model.service_id.hyphenize()
    customized: dict[str, Any] = {}
    events.emit(
        f"before-parse.{service_id}.{operation.name}",
        operation_model=operation,
        response_dict=response_dict,
        customized_response_dict=customized,
    )
    parser = endpoint._response_parser_factory.create_parser(operation.service_model.resolved_protocol)
    parsed = parser.parse(response_dict, operation.output_shape)
    parsed.update(customized)
    if http.status_code >= 300:
        endpoint._add_modeled_error_fields(response_dict, parsed, operation, parser)
    events.emit(
        f"response-received.{service_id}.{operation.name}",
        response_dict=response_dict,
        parsed_response=parsed,
        context=context,
        exception=None,
    )
    if "ResponseMetadata" in parsed:
        # Answered before the retry loop: there was exactly one attempt.
        parsed["ResponseMetadata"]["RetryAttempts"] = 0
    return http, parsed
