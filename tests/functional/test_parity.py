"""Parity: what a user gets from cfmock equals what botocore's real HTTP path makes of the same bytes.

For every implemented operation (``cfmock.service.registry.implemented_operations()``, so operations added later
are picked up automatically) and each of its cases in ``PARITY`` below, plus every error code the model
documents for it (through ``inject_error``):

1. run the call through a client while cfmock is active, recording the ``WireResponse`` cfmock rendered
   (by wrapping ``cfmock.wire.delivery.deliver``, which the interception looks up at call time);
2. replay that status, headers and body through a second client, created and called with cfmock inactive,
   whose ``before-send`` handler returns them as a ``botocore.awsrequest.AWSResponse`` (the path a real
   CloudFront answer takes: endpoint, retry handler, parser, error factory);
3. assert both outcomes are identical: the parsed dict, or the exception class, code, message and status.

An implemented operation without an entry in ``PARITY`` fails the suite: add one (setup + call kwargs).
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import boto3
import botocore
import pytest
from botocore import xform_name
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from model_facts import has_input_member, max_length
from urllib3._collections import HTTPHeaderDict

import cfmock
import cfmock.wire.delivery
from cfmock.service.registry import implemented_operations

V1, V2 = "ETVPDKIKX0DER", "E3UN6WX5RRO2AG"
CFG = {"Comment": "c", "Runtime": "cloudfront-js-2.0"}
CODE = b"function handler(event) { return event.request; }"
CONN_CODE = b"function connectionHandler(connection) { console.log(connection.clientIp); connection.allow(); }"
VIEWER_EVENT = json.dumps(
    {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "198.51.100.7"},
        "request": {"method": "GET", "uri": "/index.html", "querystring": {}, "headers": {}, "cookies": {}},
    }
).encode()
CONNECTION_OBJECT = json.dumps(
    {"connectionId": "abc", "clientIp": "203.0.113.42", "endpoint": "d111.cloudfront.net", "distributionId": "E1"}
).encode()
KVS_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0b9e4b2c-5d1f-4a8e-9c3b-2f6a7d8e9f01"
KVS_ARN_2 = "arn:aws:cloudfront::123456789012:key-value-store/1c0f5c3d-6e2a-4b9f-8d4c-3a7b8e9f0a12"

Setup = Callable[[Any, Any], Any]  # (CloudFrontMock, mocked client) -> context handed to a kwargs callable


def tags_where_modelled(operation: str, items: list[dict[str, str]]) -> dict[str, Any]:
    """``Tags`` for a create call whose model has them (CreateFunction and CreateKeyValueStore: botocore >= 1.43.4;
    before that boto3 refuses the parameter itself, which test_functions_api and test_kvs_control_plane check)."""
    return {"Tags": {"Items": items}} if has_input_member(operation, "Tags") else {}


@dataclass(frozen=True)
class Case:
    """One call to compare. ``expect`` is the error code cfmock must answer with, or None for success."""

    id: str
    kwargs: dict[str, Any] | Callable[[Any], dict[str, Any]] = field(default_factory=dict)
    setup: Setup | None = None
    expect: str | None = None
    inject: str | None = None  # an error code to inject before the call


# -- setups ---------------------------------------------------------------------------------------------------


def functions(*names: str, publish: tuple[str, ...] = (), updates: int = 0, code: bytes = CODE) -> Setup:
    """Seed functions directly through the mock's state (as the API would); ``updates`` goes through the API."""

    def setup(mock: Any, client: Any) -> None:
        for name in names:
            mock.functions.create(name, code, comment="c", publish=name in publish)
            etag = V1
            for i in range(updates):
                config = {"Comment": f"u{i}", "Runtime": "cloudfront-js-2.0"}
                etag = client.update_function(Name=name, IfMatch=etag, FunctionConfig=config, FunctionCode=code)["ETag"]

    return setup


def many_functions(count: int) -> Setup:
    def setup(mock: Any, _client: Any) -> None:
        for i in range(count):
            mock.functions.create(f"f{i:03d}", CODE)

    return setup


def connection_functions(*names: str, publish: tuple[str, ...] = (), updates: int = 0, count: int = 0) -> Setup:
    """Seed connection functions (plus ``count`` anonymous ones); the context is their Ids by name."""

    def setup(mock: Any, client: Any) -> dict[str, str]:
        ids = {}
        for name in names:
            resource = mock.connection_functions.create(name, CONN_CODE, comment="c", publish=name in publish)
            ids[name] = resource.id
            etag = V1
            for i in range(updates):
                config = {"Comment": f"u{i}", "Runtime": "cloudfront-js-2.0"}
                etag = client.update_connection_function(
                    Id=resource.id, IfMatch=etag, ConnectionFunctionConfig=config, ConnectionFunctionCode=CONN_CODE
                )["ETag"]
        for i in range(count):
            mock.connection_functions.create(f"c{i:03d}", CONN_CODE)
        return ids

    return setup


def cf_create_kwargs(name: str = "cfn", code: bytes = CONN_CODE, **config: Any) -> dict[str, Any]:
    return {"Name": name, "ConnectionFunctionConfig": {**CFG, **config}, "ConnectionFunctionCode": code}


def cf_update_kwargs(
    if_match: str, code: bytes = CONN_CODE, ident: str | None = None, **config: Any
) -> Callable[[Any], dict[str, Any]]:
    return lambda ids: {
        "Id": ident if ident is not None else ids["cfn"],
        "IfMatch": if_match,
        "ConnectionFunctionConfig": {**CFG, **config},
        "ConnectionFunctionCode": code,
    }


def by_id(**extra: Any) -> Callable[[Any], dict[str, Any]]:
    return lambda ids: {"Id": ids["cfn"], **extra}


def by_identifier(key: str = "Identifier", kind: str = "id", **extra: Any) -> Callable[[Any], dict[str, Any]]:
    """Address the connection function "cfn" by its Id, name or ARN (decisions 15: `Identifier` labels)."""

    def kwargs(ids: dict[str, str]) -> dict[str, Any]:
        arn = f"arn:aws:cloudfront::123456789012:connection-function/{ids['cfn']}"
        return {key: {"id": ids["cfn"], "name": "cfn", "arn": arn}[kind], **extra}

    return kwargs


def stores(*names: str, keys: dict[str, str] | None = None, used_by_function: bool = False) -> Setup:
    """Create KeyValueStores through the control plane (and ``keys`` through the data plane) of the mock.

    The context maps each name to its ARN, control-plane ETag and data-plane ETag.
    """

    def setup(_mock: Any, _client: Any) -> dict[str, dict[str, str]]:
        cloudfront, data = _mocked_client("cloudfront"), _mocked_client("cloudfront-keyvaluestore")
        context = {}
        for name in names:
            arn = cloudfront.create_key_value_store(Name=name, Comment="c")["KeyValueStore"]["ARN"]
            etag = cloudfront.describe_key_value_store(Name=name)["ETag"]
            data_etag = data.describe_key_value_store(KvsARN=arn)["ETag"]
            if keys:
                puts = [{"Key": k, "Value": v} for k, v in keys.items()]
                data_etag = data.update_keys(KvsARN=arn, IfMatch=data_etag, Puts=puts)["ETag"]
            context[name] = {"arn": arn, "etag": etag, "data_etag": data_etag}
        if used_by_function:
            associations = {"Quantity": 1, "Items": [{"KeyValueStoreARN": context[names[0]]["arn"]}]}
            config = {**CFG, "KeyValueStoreAssociations": associations}
            cloudfront.create_function(Name="user", FunctionConfig=config, FunctionCode=CODE)
        return context

    return setup


def store_kwargs(**fields: str) -> Callable[[Any], dict[str, Any]]:
    """Kwargs addressing the store "kvs": a value "@arn", "@etag" or "@data_etag" is taken from the context."""
    return lambda ctx: {k: ctx["kvs"][v[1:]] if v.startswith("@") else v for k, v in fields.items()}


def create_kwargs(name: str = "fn", code: bytes = CODE, **config: Any) -> dict[str, Any]:
    return {"Name": name, "FunctionConfig": {**CFG, **config}, "FunctionCode": code}


def update_kwargs(if_match: str, name: str = "fn", code: bytes = CODE, **config: Any) -> dict[str, Any]:
    return {"IfMatch": if_match, **create_kwargs(name, code, **config)}


# -- the table: one entry per implemented operation ------------------------------------------------------------
# The first case of each operation must succeed; injected-error cases reuse its setup and kwargs.

PARITY: dict[tuple[str, str], list[Case]] = {
    ("cloudfront", "CreateFunction"): [
        Case("ok", create_kwargs()),
        Case(
            "ok-tags-and-escaping",
            {
                **create_kwargs(Comment="a&<b>\"'c é"),
                **tags_where_modelled(
                    "CreateFunction", [{"Key": "team", "Value": "édge ops"}, {"Key": "k:v/=+-@", "Value": ""}]
                ),
            },
        ),
        Case("already-exists", create_kwargs(), functions("fn"), "FunctionAlreadyExists"),
        Case("bad-name", create_kwargs("bad name!"), expect="MalformedXML"),
        Case("long-name", create_kwargs("n" * (max_length("FunctionName") + 1)), expect="MalformedXML"),
        Case("bad-runtime", create_kwargs(Runtime="nodejs"), expect="MalformedXML"),
        Case("empty-code", create_kwargs(code=b""), expect="MalformedXML"),
        Case("comment-too-big", create_kwargs(Comment="c" * 129), expect="InvalidArgument"),
        Case(
            "two-stores",
            create_kwargs(
                KeyValueStoreAssociations={
                    "Quantity": 2,
                    "Items": [{"KeyValueStoreARN": KVS_ARN}, {"KeyValueStoreARN": KVS_ARN_2}],
                }
            ),
            expect="InvalidArgument",
        ),
        Case("code-too-big", create_kwargs(code=b"x" * 10_241), expect="FunctionSizeLimitExceeded"),
        Case("quota", create_kwargs("f100"), many_functions(100), "TooManyFunctions"),
    ],
    ("cloudfront", "DescribeFunction"): [
        Case("ok", {"Name": "fn"}, functions("fn")),
        Case("ok-live", {"Name": "fn", "Stage": "LIVE"}, functions("fn", publish=("fn",), updates=1)),
        Case("ok-development", {"Name": "fn", "Stage": "DEVELOPMENT"}, functions("fn", updates=2)),
        Case("unknown", {"Name": "nope"}, expect="NoSuchFunctionExists"),
        Case("unknown-odd-name", {"Name": "a/b c"}, expect="NoSuchFunctionExists"),
        Case("live-unpublished", {"Name": "fn", "Stage": "LIVE"}, functions("fn"), "NoSuchFunctionExists"),
        Case("bad-stage", {"Name": "fn", "Stage": "PROD"}, functions("fn"), "MalformedXML"),
    ],
    ("cloudfront", "GetFunction"): [
        Case("ok", {"Name": "fn"}, functions("fn", code="// é€ ✓\nfunction handler(e){return e.request}".encode())),
        Case("ok-live", {"Name": "fn", "Stage": "LIVE"}, functions("fn", publish=("fn",), updates=1)),
        Case("ok-10240-bytes", {"Name": "fn"}, functions("fn", code=b"/" * 10_240)),
        Case("unknown", {"Name": "nope"}, expect="NoSuchFunctionExists"),
        Case("live-unpublished", {"Name": "fn", "Stage": "LIVE"}, functions("fn"), "NoSuchFunctionExists"),
    ],
    ("cloudfront", "UpdateFunction"): [
        Case("ok", update_kwargs(V1), functions("fn")),
        Case(
            "ok-association",
            update_kwargs(V1, Comment="", KeyValueStoreAssociations={"Quantity": 0, "Items": []}),
            functions("fn"),
        ),
        Case("stale", update_kwargs(V2), functions("fn"), "PreconditionFailed"),
        Case("empty-if-match", update_kwargs(""), functions("fn"), "InvalidIfMatchVersion"),
        Case("unknown", update_kwargs(V1, "nope"), expect="NoSuchFunctionExists"),
        Case("bad-body", update_kwargs(V1, Runtime="nodejs", code=b""), functions("fn"), "MalformedXML"),
        Case("code-too-big", update_kwargs(V1, code=b"x" * 10_241), functions("fn"), "FunctionSizeLimitExceeded"),
        Case("comment-too-big", update_kwargs(V1, Comment="c" * 129), functions("fn"), "InvalidArgument"),
    ],
    ("cloudfront", "PublishFunction"): [
        Case("ok", {"Name": "fn", "IfMatch": V1}, functions("fn")),
        Case("ok-after-update", {"Name": "fn", "IfMatch": V2}, functions("fn", publish=("fn",), updates=1)),
        Case("republish", {"Name": "fn", "IfMatch": V1}, functions("fn", publish=("fn",))),
        Case("stale", {"Name": "fn", "IfMatch": V2}, functions("fn"), "PreconditionFailed"),
        Case("empty-if-match", {"Name": "fn", "IfMatch": ""}, functions("fn"), "InvalidIfMatchVersion"),
        Case("unknown", {"Name": "nope", "IfMatch": V1}, expect="NoSuchFunctionExists"),
    ],
    ("cloudfront", "DeleteFunction"): [
        Case("ok", {"Name": "fn", "IfMatch": V1}, functions("fn")),
        Case("ok-published", {"Name": "fn", "IfMatch": V2}, functions("fn", publish=("fn",), updates=1)),
        Case("stale", {"Name": "fn", "IfMatch": V2}, functions("fn"), "PreconditionFailed"),
        Case("empty-if-match", {"Name": "fn", "IfMatch": ""}, functions("fn"), "InvalidIfMatchVersion"),
        Case("unknown", {"Name": "nope", "IfMatch": ""}, expect="NoSuchFunctionExists"),
    ],
    ("cloudfront", "ListFunctions"): [
        Case("ok", {}, functions("b", "a", publish=("a",))),
        Case("ok-empty", {}),
        Case("ok-live-filter-empty", {"Stage": "LIVE"}, functions("a")),
        Case("ok-first-page", {"MaxItems": "2"}, functions("a", "b", "c", publish=("b",))),
        Case(
            "ok-next-page",
            lambda _: {"MaxItems": "2", "Marker": _marker_after("a", "LIVE")},
            functions("a", "b", "c", publish=("a", "b")),
        ),
        Case("bad-max-items", {"MaxItems": "abc"}, expect="InvalidArgument"),
        Case("bad-stage", {"Stage": "PROD"}, expect="MalformedXML"),
    ],
    ("cloudfront", "CreateConnectionFunction"): [
        Case("ok", cf_create_kwargs()),
        Case("ok-tags", {**cf_create_kwargs(Comment="x&y"), "Tags": {"Items": [{"Key": "é", "Value": "v"}]}}),
        Case("already-exists", cf_create_kwargs(), connection_functions("cfn"), "EntityAlreadyExists"),
        Case("bad-name", cf_create_kwargs("bad name!"), expect="MalformedXML"),
        Case("runtime-1.0", cf_create_kwargs(Runtime="cloudfront-js-1.0"), expect="InvalidArgument"),
        Case("comment-too-big", cf_create_kwargs(Comment="c" * 129), expect="InvalidArgument"),
        Case(
            "bad-tag",
            {**cf_create_kwargs(), "Tags": {"Items": [{"Key": "a!", "Value": "v"}]}},
            expect="InvalidTagging",
        ),
        Case("code-too-big", cf_create_kwargs(code=b"x" * 10_241), expect="EntitySizeLimitExceeded"),
        Case("quota", cf_create_kwargs(), connection_functions(count=100), "EntityLimitExceeded"),
    ],
    ("cloudfront", "DescribeConnectionFunction"): [
        Case("ok", by_identifier(), connection_functions("cfn")),
        Case("ok-by-name", by_identifier(kind="name"), connection_functions("cfn")),
        Case("ok-by-arn", by_identifier(kind="arn"), connection_functions("cfn")),
        Case("ok-live", by_identifier(Stage="LIVE"), connection_functions("cfn", publish=("cfn",), updates=1)),
        Case("unknown", {"Identifier": "NOPE"}, expect="EntityNotFound"),
        Case("live-unpublished", by_identifier(Stage="LIVE"), connection_functions("cfn"), "EntityNotFound"),
        Case("bad-stage", by_identifier(Stage="PROD"), connection_functions("cfn"), "MalformedXML"),
    ],
    ("cloudfront", "GetConnectionFunction"): [
        Case("ok", by_identifier(), connection_functions("cfn")),
        Case("ok-live", by_identifier(kind="name", Stage="LIVE"), connection_functions("cfn", publish=("cfn",))),
        Case("unknown", {"Identifier": "NOPE"}, expect="EntityNotFound"),
        Case("live-unpublished", by_identifier(Stage="LIVE"), connection_functions("cfn"), "EntityNotFound"),
    ],
    ("cloudfront", "UpdateConnectionFunction"): [
        Case("ok", cf_update_kwargs(V1), connection_functions("cfn")),
        Case("stale", cf_update_kwargs(V2), connection_functions("cfn"), "PreconditionFailed"),
        Case("empty-if-match", cf_update_kwargs(""), connection_functions("cfn"), "InvalidIfMatchVersion"),
        Case("unknown", cf_update_kwargs(V1, ident="NOPE"), expect="EntityNotFound"),
        # decisions 15: the `Id` label takes the Id only, not the name.
        Case("by-name", cf_update_kwargs(V1, ident="cfn"), connection_functions("cfn"), "EntityNotFound"),
        Case(
            "code-too-big", cf_update_kwargs(V1, b"x" * 10_241), connection_functions("cfn"), "EntitySizeLimitExceeded"
        ),
        Case(
            "runtime-1.0",
            cf_update_kwargs(V1, Runtime="cloudfront-js-1.0"),
            connection_functions("cfn"),
            "InvalidArgument",
        ),
    ],
    ("cloudfront", "PublishConnectionFunction"): [
        Case("ok", by_id(IfMatch=V1), connection_functions("cfn")),
        Case("stale", by_id(IfMatch=V2), connection_functions("cfn"), "PreconditionFailed"),
        Case("empty-if-match", by_id(IfMatch=""), connection_functions("cfn"), "InvalidIfMatchVersion"),
        Case("unknown", {"Id": "NOPE", "IfMatch": V1}, expect="EntityNotFound"),
    ],
    ("cloudfront", "DeleteConnectionFunction"): [
        Case("ok", by_id(IfMatch=V1), connection_functions("cfn")),
        Case("ok-published", by_id(IfMatch=V2), connection_functions("cfn", publish=("cfn",), updates=1)),
        Case("stale", by_id(IfMatch=V2), connection_functions("cfn"), "PreconditionFailed"),
        Case("empty-if-match", by_id(IfMatch=""), connection_functions("cfn"), "InvalidIfMatchVersion"),
        Case("unknown", {"Id": "NOPE", "IfMatch": V1}, expect="EntityNotFound"),
    ],
    ("cloudfront", "ListConnectionFunctions"): [
        Case("ok", {}, connection_functions("b", "a", publish=("a",))),
        Case("ok-empty", {}),
        Case("ok-first-page", {"MaxItems": 1, "Stage": "DEVELOPMENT"}, connection_functions("b", "a")),
        Case("bad-max-items", {"MaxItems": 0}, expect="InvalidArgument"),
        Case("bad-stage", {"Stage": "PROD"}, expect="MalformedXML"),
    ],
    ("cloudfront", "ListDistributionsByConnectionFunction"): [
        Case("ok", by_identifier("ConnectionFunctionIdentifier"), connection_functions("cfn")),
        Case("ok-by-name", by_identifier("ConnectionFunctionIdentifier", "name"), connection_functions("cfn")),
        Case("unknown", {"ConnectionFunctionIdentifier": "NOPE"}, expect="EntityNotFound"),
    ],
    ("cloudfront", "TestFunction"): [
        Case("ok", {"Name": "fn", "IfMatch": V1, "EventObject": VIEWER_EVENT}, functions("fn")),
        Case(
            "ok-js-error",
            {"Name": "fn", "IfMatch": V1, "EventObject": VIEWER_EVENT},
            functions("fn", code=b"function handler(event) { console.log('x'); throw new TypeError('boom'); }"),
        ),
        Case(
            "ok-live",
            {"Name": "fn", "IfMatch": V1, "Stage": "LIVE", "EventObject": VIEWER_EVENT},
            functions("fn", publish=("fn",), updates=1),
        ),
        # decisions 5: Test with Stage=LIVE demands the LIVE ETag; TestFunction models no PreconditionFailed.
        Case(
            "live-with-development-etag",
            {"Name": "fn", "IfMatch": V2, "Stage": "LIVE", "EventObject": VIEWER_EVENT},
            functions("fn", publish=("fn",), updates=1),
            "InvalidIfMatchVersion",
        ),
        Case(
            "live-unpublished",
            {"Name": "fn", "IfMatch": V1, "Stage": "LIVE", "EventObject": VIEWER_EVENT},
            functions("fn"),
            "NoSuchFunctionExists",
        ),
        Case(
            "empty-if-match",
            {"Name": "fn", "IfMatch": "", "EventObject": VIEWER_EVENT},
            functions("fn"),
            "InvalidIfMatchVersion",
        ),
        Case("unknown", {"Name": "nope", "IfMatch": V1, "EventObject": VIEWER_EVENT}, expect="NoSuchFunctionExists"),
        Case(
            "event-not-an-object",
            {"Name": "fn", "IfMatch": V1, "EventObject": b"[1]"},
            functions("fn"),
            "InvalidArgument",
        ),
    ],
    ("cloudfront", "TestConnectionFunction"): [
        Case("ok", by_id(IfMatch=V1, ConnectionObject=CONNECTION_OBJECT), connection_functions("cfn")),
        Case(
            "ok-live",
            by_id(IfMatch=V1, Stage="LIVE", ConnectionObject=CONNECTION_OBJECT),
            connection_functions("cfn", publish=("cfn",), updates=1),
        ),
        Case(
            "stale",
            by_id(IfMatch=V2, ConnectionObject=CONNECTION_OBJECT),
            connection_functions("cfn"),
            "PreconditionFailed",
        ),
        Case(
            "empty-if-match",
            by_id(IfMatch="", ConnectionObject=CONNECTION_OBJECT),
            connection_functions("cfn"),
            "InvalidIfMatchVersion",
        ),
        Case("unknown", {"Id": "NOPE", "IfMatch": V1, "ConnectionObject": CONNECTION_OBJECT}, expect="EntityNotFound"),
        Case(
            "not-an-object", by_id(IfMatch=V1, ConnectionObject=b'"x"'), connection_functions("cfn"), "InvalidArgument"
        ),
    ],
    ("cloudfront", "CreateKeyValueStore"): [
        Case("ok", {"Name": "kvs", "Comment": "a&<b> é"}),
        Case("ok-without-comment", {"Name": "kvs"}),
        Case("ok-tags", {"Name": "kvs", **tags_where_modelled("CreateKeyValueStore", [{"Key": "team", "Value": "e"}])}),
        Case("already-exists", {"Name": "kvs"}, stores("kvs"), "EntityAlreadyExists"),
        Case("bad-name", {"Name": "bad name!"}, expect="MalformedXML"),
        Case(
            "comment-too-long",
            {"Name": "kvs", "Comment": "c" * (max_length("KeyValueStoreComment") + 1)},
            expect="MalformedXML",
        ),
    ],
    ("cloudfront", "DescribeKeyValueStore"): [
        Case("ok", {"Name": "kvs"}, stores("kvs")),
        Case("unknown", {"Name": "nope"}, expect="EntityNotFound"),
    ],
    ("cloudfront", "UpdateKeyValueStore"): [
        Case("ok", store_kwargs(Name="kvs", IfMatch="@etag", Comment="new"), stores("kvs")),
        Case("ok-empty-comment", store_kwargs(Name="kvs", IfMatch="@etag", Comment=""), stores("kvs")),
        Case(
            "stale", {"Name": "kvs", "IfMatch": "E0STALE0ETAG00", "Comment": "x"}, stores("kvs"), "PreconditionFailed"
        ),
        Case("empty-if-match", {"Name": "kvs", "IfMatch": "", "Comment": "x"}, stores("kvs"), "InvalidIfMatchVersion"),
        Case("unknown", {"Name": "nope", "IfMatch": V1, "Comment": "x"}, expect="EntityNotFound"),
    ],
    ("cloudfront", "DeleteKeyValueStore"): [
        Case("ok", store_kwargs(Name="kvs", IfMatch="@etag"), stores("kvs")),
        Case("stale", {"Name": "kvs", "IfMatch": "E0STALE0ETAG00"}, stores("kvs"), "PreconditionFailed"),
        Case("empty-if-match", {"Name": "kvs", "IfMatch": ""}, stores("kvs"), "InvalidIfMatchVersion"),
        Case("unknown", {"Name": "nope", "IfMatch": V1}, expect="EntityNotFound"),
        Case(
            "in-use",
            store_kwargs(Name="kvs", IfMatch="@etag"),
            stores("kvs", used_by_function=True),
            "CannotDeleteEntityWhileInUse",
        ),
    ],
    ("cloudfront", "ListKeyValueStores"): [
        Case("ok", {}, stores("b", "a")),
        Case("ok-empty", {}),
        Case("ok-first-page", {"MaxItems": "1"}, stores("b", "a")),
        Case("ok-status-filter", {"Status": "READY"}, stores("a")),
        Case("bad-max-items", {"MaxItems": "abc"}, expect="InvalidArgument"),
    ],
    ("cloudfront-keyvaluestore", "DescribeKeyValueStore"): [
        Case("ok", store_kwargs(KvsARN="@arn"), stores("kvs", keys={"a": "1", "bé": "€"})),
        Case("unknown", {"KvsARN": KVS_ARN}, expect="ResourceNotFoundException"),
    ],
    ("cloudfront-keyvaluestore", "GetKey"): [
        Case("ok", store_kwargs(KvsARN="@arn", Key="a/b c?"), stores("kvs", keys={"a/b c?": "v é"})),
        Case("missing-key", store_kwargs(KvsARN="@arn", Key="nope"), stores("kvs"), "ResourceNotFoundException"),
        Case("unknown-store", {"KvsARN": KVS_ARN, "Key": "a"}, expect="ResourceNotFoundException"),
    ],
    ("cloudfront-keyvaluestore", "PutKey"): [
        Case("ok", store_kwargs(KvsARN="@arn", Key="k", Value="v", IfMatch="@data_etag"), stores("kvs")),
        Case(
            "stale",
            store_kwargs(KvsARN="@arn", Key="k", Value="v", IfMatch="@etag"),
            stores("kvs"),
            "ConflictException",
        ),
    ],
    ("cloudfront-keyvaluestore", "DeleteKey"): [
        Case("ok", store_kwargs(KvsARN="@arn", Key="a", IfMatch="@data_etag"), stores("kvs", keys={"a": "1"})),
        Case(
            "missing-key",
            store_kwargs(KvsARN="@arn", Key="nope", IfMatch="@data_etag"),
            stores("kvs"),
            "ResourceNotFoundException",
        ),
    ],
    ("cloudfront-keyvaluestore", "ListKeys"): [
        Case("ok", store_kwargs(KvsARN="@arn"), stores("kvs", keys={"b": "2", "a": "1"})),
        Case("ok-empty", store_kwargs(KvsARN="@arn"), stores("kvs")),
        Case(
            "ok-first-page",
            lambda ctx: {"KvsARN": ctx["kvs"]["arn"], "MaxResults": 1},
            stores("kvs", keys={"a": "1", "b": "2"}),
        ),
        Case(
            "max-results-too-big",
            lambda ctx: {"KvsARN": ctx["kvs"]["arn"], "MaxResults": 51},
            stores("kvs"),
            "ValidationException",
        ),
    ],
    ("cloudfront-keyvaluestore", "UpdateKeys"): [
        Case(
            "ok",
            lambda ctx: {
                "KvsARN": ctx["kvs"]["arn"],
                "IfMatch": ctx["kvs"]["data_etag"],
                "Puts": [{"Key": "c", "Value": "3"}],
                "Deletes": [{"Key": "a"}],
            },
            stores("kvs", keys={"a": "1"}),
        ),
        Case(
            "nothing-to-do",
            lambda ctx: {"KvsARN": ctx["kvs"]["arn"], "IfMatch": ctx["kvs"]["data_etag"]},
            stores("kvs"),
            "ValidationException",
        ),
    ],
}


def _marker_after(name: str, stage: str) -> str:
    """A NextMarker cfmock itself issued: list one page ending at (name, stage) and take its NextMarker."""
    client = _mocked_client("cloudfront")
    marker: str | None = None
    while True:
        page = client.list_functions(MaxItems="1", **({"Marker": marker} if marker else {}))["FunctionList"]
        marker = page["NextMarker"]
        item = page["Items"][0]
        if (item["Name"], item["FunctionMetadata"]["Stage"]) == (name, stage):
            return marker


@cache
def _service_model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


def _documented_codes(service: str, operation: str) -> list[str]:
    model = _service_model(service)
    return sorted(shape.error_code for shape in model.operation_model(operation).error_shapes)


def _params() -> Iterator[Any]:
    for service, operations in implemented_operations().items():
        for operation in operations:
            cases = PARITY.get((service, operation))
            if not cases:
                yield pytest.param(service, operation, None, id=f"{service}-{operation}-MISSING")
                continue
            for case in cases:
                yield pytest.param(service, operation, case, id=f"{service}-{operation}-{case.id}")
            for code in _documented_codes(service, operation):
                injected = replace(cases[0], id=f"injected-{code}", inject=code, expect=code)
                yield pytest.param(service, operation, injected, id=f"{service}-{operation}-{injected.id}")


# -- running and replaying -------------------------------------------------------------------------------------


class _Raw(io.BytesIO):
    """A urllib3-like raw body: botocore reads it through ``stream()`` (and ``read()`` for StreamingBody)."""

    def stream(self, amt: int = 1024, **_: Any) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk


def _normalise(value: Any) -> Any:
    if isinstance(value, StreamingBody):
        return ("StreamingBody", value.read())
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return copy.deepcopy(value)


def _outcome(client: Any, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    try:
        parsed = getattr(client, xform_name(operation))(**copy.deepcopy(kwargs))
    except ClientError as error:
        code = error.response["Error"]["Code"]
        modelled = getattr(client.exceptions, code, None)
        if modelled is not None:
            assert isinstance(error, modelled), f"{code} did not raise the client's own exception class"
        return {
            "class": type(error).__name__,
            "modelled": type(error) is not ClientError,
            "str": str(error),
            "operation_name": error.operation_name,
            "response": _normalise(error.response),
        }
    return {"parsed": _normalise(parsed)}


@cache
def _mocked_client(service: str) -> Any:
    """One client per service for the mocked calls, reused across activations (each one re-registers it).

    Made with explicit dummy credentials so it can be made (once) whether or not a mock is active; it is only
    ever called while one is. Reusing clients keeps the suite fast: making one costs ~10 ms.
    """
    return boto3.client(service, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


@cache
def _replay_client(service: str) -> tuple[Any, list[Callable[[Any], AWSResponse]]]:
    """One unmocked client per service (made and called only while cfmock is inactive), and its answer queue."""
    # Retries: the mocked path answers at before-call, ahead of botocore's retry loop, so it makes exactly one
    # attempt. The replay must too, or a 500 (TestFunctionFailed and the like) would be retried (legacy mode:
    # 5 attempts with back-off) and compared against a different RetryAttempts. `total_max_attempts=1` gives one
    # attempt (botocore's `max_attempts` counts *retries*, so `max_attempts=1` would still mean two). Legacy mode,
    # because standard mode stamps MaxAttemptsReached on *every* answer once attempts are used up, successes
    # included; legacy stamps it only on an answer it would have retried. UNSIGNED: signing is irrelevant to
    # parsing, and it keeps clients whose endpoint demands SigV4A (cloudfront-keyvaluestore) usable without awscrt.
    client = boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1, "mode": "legacy"}, signature_version=botocore.UNSIGNED),
    )
    answers: list[Callable[[Any], AWSResponse]] = []

    def before_send(request: Any, **_: Any) -> AWSResponse:
        assert answers, f"unexpected extra request (a retry?): {request.method} {request.url}"
        return answers.pop(0)(request)

    client.meta.events.register(f"before-send.{client.meta.service_model.service_id.hyphenize()}", before_send)
    return client, answers


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, Any]]:
    """Every (operation, url, WireResponse) cfmock hands to botocore's parser."""
    calls: list[tuple[str, str, Any]] = []
    original = cfmock.wire.delivery.deliver

    def deliver(client: Any, operation: Any, url: str, response: Any, context: Any) -> Any:
        calls.append((operation.name, url, response))
        return original(client, operation, url, response, context)

    monkeypatch.setattr(cfmock.wire.delivery, "deliver", deliver)
    return calls


@pytest.mark.parametrize(("service", "operation", "case"), list(_params()))
def test_parity(recorder: list[tuple[str, str, Any]], service: str, operation: str, case: Case | None) -> None:
    if case is None:
        pytest.fail(f"{service} {operation} is implemented but has no entry in PARITY; add its cases there")

    with cfmock.mock_cloudfront_functions() as mock:
        client = _mocked_client(service)
        context = case.setup(mock, client) if case.setup is not None else None
        kwargs = case.kwargs(context) if callable(case.kwargs) else case.kwargs
        if case.inject is not None:
            mock.inject_error(operation, case.inject)
        recorder.clear()
        mocked = _outcome(client, operation, kwargs)
    assert [name for name, _, _ in recorder] == [operation], f"expected one answer from cfmock, got {recorder}"
    _, mocked_url, wire = recorder[0]

    # What cfmock answered is what the case expects (guards the table against silently degenerate cases).
    if case.expect is None:
        assert "parsed" in mocked, mocked
    else:
        assert mocked.get("response", {}).get("Error", {}).get("Code") == case.expect, mocked
    assert "MaxAttemptsReached" not in (mocked.get("parsed") or mocked["response"])["ResponseMetadata"]

    sent: list[str] = []

    def answer(request: Any, **_: Any) -> AWSResponse:
        sent.append(request.url)
        return AWSResponse(request.url, wire.status, HTTPHeaderDict(wire.headers), _Raw(wire.body))

    replay, answers = _replay_client(service)
    answers[:] = [answer]
    replayed = _outcome(replay, operation, kwargs)
    assert sent == [mocked_url], "the replay client did not send the request the mocked client made"

    # The one field allowed to differ: botocore's retry handler (which the mocked path never enters) marks a
    # retryable answer (5xx, throttling) that used up its attempts with MaxAttemptsReached. Nothing else,
    # RetryAttempts included (0 on both paths), may differ.
    metadata = (replayed.get("parsed") or replayed["response"])["ResponseMetadata"]
    if metadata.pop("MaxAttemptsReached", None):
        assert wire.status >= 500 or wire.status == 429, wire.status
        replayed["str"] = replayed["str"].replace(" (reached max retries: 0)", "")
    assert replayed == mocked


def test_every_implemented_operation_has_a_parity_entry() -> None:
    implemented = {(service, op) for service, ops in implemented_operations().items() for op in ops}
    assert implemented, "no implemented operations found"
    missing = sorted(implemented - set(PARITY))
    assert not missing, f"implemented operations without parity cases: {missing}"
    stale = sorted(set(PARITY) - implemented)
    assert not stale, f"parity cases for operations cfmock does not implement: {stale}"
    for key, cases in PARITY.items():
        # Injected errors reuse the first case, so that the error is the only reason the call fails.
        assert cases[0].expect is None, f"the first parity case of {key} must succeed"
        assert len({case.id for case in cases}) == len(cases), f"duplicate case ids for {key}"
