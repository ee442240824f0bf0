"""Careless callers get AWS errors (issue 14, point 8; decisions 17).

With ``Config(parameter_validation=False)`` botocore sends whatever it is given. For every operation cfmock
serves, each required member left out and each member given a value of the wrong type must end in one of:

* the error the service would give for that protocol: ``MalformedXML`` or ``InvalidArgument`` (rest-xml),
  ``ValidationException`` (the rest-json data plane), with the state untouched;
* a normal answer, where the wire form of the wrong value is a valid request (``Comment=123`` is sent as the
  text ``123``);
* an error botocore itself raises before the request reaches cfmock (it cannot serialise the value);

and never a ``KeyError``/``TypeError``/``AttributeError``/``ValueError`` from cfmock's internals.
"""

from __future__ import annotations

import copy
import json
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from model_facts import has_input_member

import cfmock

CFMOCK_DIR = Path(cfmock.__file__).resolve().parent
INTERCEPTION = CFMOCK_DIR / "interception.py"
SESSION = botocore.session.get_session()
LOOSE = Config(parameter_validation=False)
DUMMY = {"aws_access_key_id": "x", "aws_secret_access_key": "y", "region_name": "us-east-1"}
ALLOWED = {"cloudfront": {"MalformedXML", "InvalidArgument"}, "cloudfront-keyvaluestore": {"ValidationException"}}
CODE = b"function handler(event) { return event.request; }"
CONNECTION_CODE = b"function connectionHandler(connection) { connection.allow(); }"
EVENT = json.dumps({"version": "1.0", "context": {"eventType": "viewer-request"}, "viewer": {"ip": "1.2.3.4"},
                    "request": {"method": "GET", "uri": "/", "headers": {}}}).encode()  # fmt: skip
CONNECTION = json.dumps({"connectionId": "c", "clientIp": "203.0.113.1", "endpoint": "d.cloudfront.net",
                         "distributionId": "E1"}).encode()  # fmt: skip
CONFIG = {"Comment": "c", "Runtime": "cloudfront-js-2.0"}
WITH_STORE = {**CONFIG, "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": "<KVS_ARN>"}]}}
TAGS = {"Items": [{"Key": "k", "Value": "v"}]}

# A valid request for every operation cfmock serves; <…> placeholders are filled from the seeded state.
BASELINES: dict[tuple[str, str], dict[str, Any]] = {
    ("cloudfront", "CreateFunction"): {"Name": "new", "FunctionConfig": WITH_STORE, "FunctionCode": CODE,
                                       "Tags": TAGS},
    ("cloudfront", "DescribeFunction"): {"Name": "fn", "Stage": "DEVELOPMENT"},
    ("cloudfront", "GetFunction"): {"Name": "fn", "Stage": "DEVELOPMENT"},
    ("cloudfront", "UpdateFunction"): {"Name": "fn", "IfMatch": "<FN_ETAG>", "FunctionConfig": WITH_STORE,
                                       "FunctionCode": CODE},
    ("cloudfront", "PublishFunction"): {"Name": "fn", "IfMatch": "<FN_ETAG>"},
    ("cloudfront", "DeleteFunction"): {"Name": "fn", "IfMatch": "<FN_ETAG>"},
    ("cloudfront", "TestFunction"): {"Name": "fn", "IfMatch": "<FN_ETAG>", "Stage": "DEVELOPMENT",
                                     "EventObject": EVENT},
    ("cloudfront", "ListFunctions"): {"Marker": "", "MaxItems": "10", "Stage": "DEVELOPMENT"},
    ("cloudfront", "CreateConnectionFunction"): {"Name": "newc", "ConnectionFunctionConfig": WITH_STORE,
                                                 "ConnectionFunctionCode": CONNECTION_CODE, "Tags": TAGS},
    ("cloudfront", "DescribeConnectionFunction"): {"Identifier": "<CFN_ID>", "Stage": "DEVELOPMENT"},
    ("cloudfront", "GetConnectionFunction"): {"Identifier": "<CFN_ID>", "Stage": "DEVELOPMENT"},
    ("cloudfront", "UpdateConnectionFunction"): {"Id": "<CFN_ID>", "IfMatch": "<CFN_ETAG>",
                                                 "ConnectionFunctionConfig": WITH_STORE,
                                                 "ConnectionFunctionCode": CONNECTION_CODE},
    ("cloudfront", "PublishConnectionFunction"): {"Id": "<CFN_ID>", "IfMatch": "<CFN_ETAG>"},
    ("cloudfront", "DeleteConnectionFunction"): {"Id": "<CFN_ID>", "IfMatch": "<CFN_ETAG>"},
    ("cloudfront", "TestConnectionFunction"): {"Id": "<CFN_ID>", "IfMatch": "<CFN_ETAG>", "Stage": "DEVELOPMENT",
                                               "ConnectionObject": CONNECTION},
    ("cloudfront", "ListConnectionFunctions"): {"Marker": "", "MaxItems": 10, "Stage": "DEVELOPMENT"},
    ("cloudfront", "ListDistributionsByConnectionFunction"): {"ConnectionFunctionIdentifier": "<CFN_ID>",
                                                              "Marker": "", "MaxItems": 10},
    ("cloudfront", "CreateKeyValueStore"): {"Name": "other", "Comment": "c", "Tags": TAGS},
    ("cloudfront", "DescribeKeyValueStore"): {"Name": "store"},
    ("cloudfront", "UpdateKeyValueStore"): {"Name": "store", "Comment": "c2", "IfMatch": "<KVS_ETAG>"},
    ("cloudfront", "DeleteKeyValueStore"): {"Name": "spare", "IfMatch": "<SPARE_ETAG>"},
    ("cloudfront", "ListKeyValueStores"): {"Marker": "", "MaxItems": "10", "Status": "READY"},
    ("cloudfront-keyvaluestore", "DescribeKeyValueStore"): {"KvsARN": "<KVS_ARN>"},
    ("cloudfront-keyvaluestore", "GetKey"): {"KvsARN": "<KVS_ARN>", "Key": "k"},
    ("cloudfront-keyvaluestore", "PutKey"): {"KvsARN": "<KVS_ARN>", "Key": "k", "Value": "v2",
                                             "IfMatch": "<DATA_ETAG>"},
    ("cloudfront-keyvaluestore", "DeleteKey"): {"KvsARN": "<KVS_ARN>", "Key": "k", "IfMatch": "<DATA_ETAG>"},
    ("cloudfront-keyvaluestore", "ListKeys"): {"KvsARN": "<KVS_ARN>", "MaxResults": 10, "NextToken": None},
    ("cloudfront-keyvaluestore", "UpdateKeys"): {"KvsARN": "<KVS_ARN>", "IfMatch": "<DATA_ETAG>",
                                                 "Puts": [{"Key": "a", "Value": "1"}], "Deletes": [{"Key": "k"}]},
}  # fmt: skip
for (_service, _operation), _params in BASELINES.items():  # Tags came to some operations' models later
    if "Tags" in _params and not has_input_member(_operation, "Tags", _service):
        del _params["Tags"]
WRONG = {"string": 12345, "integer": "not-a-number", "long": "x", "boolean": "maybe", "blob": 12345,
         "timestamp": "yesterday", "structure": "not-a-structure", "list": "not-a-list", "map": ["x"]}  # fmt: skip
# Malformed UpdateKeys items, beyond what the model-driven variants produce.
EXTRA = {
    ("cloudfront-keyvaluestore", "UpdateKeys"): {
        "puts-item-not-an-object": {"Puts": ["a"]},
        "puts-key-null": {"Puts": [{"Key": None, "Value": "1"}]},
        "puts-value-object": {"Puts": [{"Key": "a", "Value": {"x": 1}}]},
        "deletes-item-list": {"Deletes": [["k"]]},
        "deletes-key-number": {"Deletes": [{"Key": 7}]},
        "puts-null": {"Puts": None, "Deletes": [{"Key": "k"}]},
    }
}


def _members(shape: Any, value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any, bool]]:
    """(path, member shape, required) for every member present in ``value``, depth first."""
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                yield (*path, name), member, name in shape.required_members
                yield from _members(member, value[name], (*path, name))
    elif shape.type_name == "list" and isinstance(value, list) and value:
        yield from _members(shape.member, value[0], (*path, 0))


def _variants() -> Iterator[Any]:
    for (service, operation), baseline in BASELINES.items():
        shape = SESSION.get_service_model(service).operation_model(operation).input_shape
        for path, member, required in _members(shape, baseline, ()):
            where = ".".join(str(p) for p in path)
            if required:
                yield pytest.param(service, operation, path, "missing", None, id=f"{operation}-{where}-missing")
            yield pytest.param(service, operation, path, "wrong", WRONG[member.type_name],
                               id=f"{operation}-{where}-{member.type_name}-wrong")  # fmt: skip
        for name, replacement in EXTRA.get((service, operation), {}).items():
            yield pytest.param(service, operation, (), "replace", replacement, id=f"{operation}-{name}")


def _fill(value: Any, seeds: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, seeds) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_fill(v, seeds) for v in value]
    if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
        return seeds[value[1:-1]]
    return value


def _seed(mock: Any) -> dict[str, str]:
    cf = boto3.client("cloudfront", **DUMMY)
    store = cf.create_key_value_store(Name="store")
    spare = cf.create_key_value_store(Name="spare")
    arn = store["KeyValueStore"]["ARN"]
    mock.key_value_stores["store"].put("k", "v")
    with_store = {**CONFIG, "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": arn}]}}
    fn = cf.create_function(Name="fn", FunctionConfig=with_store, FunctionCode=CODE)
    cfn = cf.create_connection_function(
        Name="cfn", ConnectionFunctionConfig=CONFIG, ConnectionFunctionCode=CONNECTION_CODE
    )
    return {
        "KVS_ARN": arn,
        "KVS_ETAG": cf.describe_key_value_store(Name="store")["ETag"],
        "SPARE_ETAG": spare["ETag"],
        "DATA_ETAG": mock.key_value_stores["store"].etag,
        "FN_ETAG": fn["ETag"],
        "CFN_ID": cfn["ConnectionFunctionSummary"]["Id"],
        "CFN_ETAG": cfn["ETag"],
    }


def _snapshot(mock: Any) -> Any:
    """Everything a call could change, as plain data."""
    staged = {}
    for view in (mock.functions, mock.connection_functions):
        for name in view:
            resource = view[name]
            staged[name] = repr(
                [(s.code, s.config, s.etag) for s in (resource.development, resource.live) if s is not None]
            )
    stores = {name: (mock.key_value_stores[name].data, mock.key_value_stores[name].etag) for name in
              mock.key_value_stores}  # fmt: skip
    summaries = [
        json.dumps(s.summary(), default=str) for s in mock._require_state().backend.key_value_stores
    ]  # comments and control-plane versions
    return staged, stores, summaries


def _set(params: dict[str, Any], path: tuple[Any, ...], how: str, value: Any) -> None:
    target: Any = params
    for step in path[:-1]:
        target = target[step]
    if how == "missing":
        del target[path[-1]]
    else:
        target[path[-1]] = value


def _documented(service: str, operation: str) -> set[str]:
    model = SESSION.get_service_model(service).operation_model(operation)
    return {shape.error_code for shape in model.error_shapes}


def _cfmock_frames(error: BaseException) -> list[str]:
    """cfmock's own frames in the traceback, except the interception wrapper every call passes through."""
    found = []
    for frame in traceback.extract_tb(error.__traceback__):
        where = Path(frame.filename).resolve()
        if where.is_relative_to(CFMOCK_DIR) and where != INTERCEPTION:
            found.append(f"{frame.filename}:{frame.lineno} {frame.name}")
    return found


@pytest.mark.parametrize(("service", "operation", "path", "how", "value"), list(_variants()))
def test_a_careless_request_gets_an_aws_answer(
    cloudfront_functions: Any, service: str, operation: str, path: tuple[Any, ...], how: str, value: Any
) -> None:
    seeds = _seed(cloudfront_functions)
    params = _fill(copy.deepcopy(BASELINES[(service, operation)]), seeds)
    if how == "replace":
        params.update(value)
    else:
        _set(params, path, how, value)
    client = boto3.client(service, config=LOOSE, **DUMMY)
    method = getattr(client, botocore.xform_name(operation))
    before = _snapshot(cloudfront_functions)
    try:
        method(**params)
    except ClientError as error:
        code, status = error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]
        # A missing member is a validation error (a missing If-Match: decisions 7's InvalidIfMatchVersion); a
        # wrong value may also be a valid request that the service refuses with one of its documented errors
        # (Name=12345 names no function). Never a failure of cfmock itself (5xx).
        expected = ALLOWED[service] | (
            {"InvalidIfMatchVersion"} if how == "missing" else _documented(service, operation)
        )
        assert code in expected and status < 500, (code, error.response["Error"]["Message"])
        assert _snapshot(cloudfront_functions) == before, "a refused request changed the state"
    except Exception as error:
        # botocore's own failure before the request reached cfmock is not cfmock's to answer
        assert not _cfmock_frames(error), f"{type(error).__name__} from cfmock: {error!r}\n{_cfmock_frames(error)}"
        assert _snapshot(cloudfront_functions) == before


def test_every_served_operation_has_a_baseline() -> None:
    from cfmock.service.registry import implemented_operations

    served = {(service, name) for service, names in implemented_operations().items() for name in names}
    assert served == set(BASELINES)


@pytest.mark.parametrize(("service", "operation"), list(BASELINES))
def test_the_baselines_are_valid_requests(cloudfront_functions: Any, service: str, operation: str) -> None:
    """So that each variant above differs from a request cfmock answers by exactly one careless change."""
    params = _fill(copy.deepcopy(BASELINES[(service, operation)]), _seed(cloudfront_functions))
    client = boto3.client(service, **DUMMY)
    getattr(client, botocore.xform_name(operation))(**params)


def test_a_missing_member_is_named_as_aws_names_it(cloudfront_functions: Any) -> None:
    cf = boto3.client("cloudfront", config=LOOSE, **DUMMY)
    with pytest.raises(ClientError) as excinfo:
        cf.create_function(Name="fn", FunctionConfig={"Comment": ""}, FunctionCode=CODE)
    error = excinfo.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "MalformedXML",
        "1 validation error detected: Value null at 'functionConfig.runtime' failed to satisfy constraint: "
        "Member must not be null",
    )
    assert "fn" not in cloudfront_functions.functions


def test_the_data_plane_answers_validation_exception_with_the_modelled_status(cloudfront_functions: Any) -> None:
    seeds = _seed(cloudfront_functions)
    kvs = boto3.client("cloudfront-keyvaluestore", config=LOOSE, **DUMMY)
    status = SESSION.get_service_model("cloudfront-keyvaluestore").shape_for("ValidationException").metadata
    with pytest.raises(kvs.exceptions.ValidationException) as excinfo:
        kvs.update_keys(KvsARN=seeds["KVS_ARN"], IfMatch=seeds["DATA_ETAG"], Puts=[{"Key": "a"}])
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == status["error"]["httpStatusCode"]
    assert "'puts.1.member.value'" in excinfo.value.response["Error"]["Message"]
    assert cloudfront_functions.key_value_stores["store"].data == {"k": "v"}
