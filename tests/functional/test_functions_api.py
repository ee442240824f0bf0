"""CloudFront Functions through a real boto3 client: the seven control-plane operations.

CreateFunction, DescribeFunction, GetFunction, UpdateFunction, PublishFunction, DeleteFunction and ListFunctions,
checked against docs/spec/api.md §1–4, §8–9 and decisions.md (which wins where they differ).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError, ParamValidationError
from botocore.response import StreamingBody
from model_facts import has_input_member, max_length, min_length, pattern, value_set

import cfmock

V1 = "ETVPDKIKX0DER"  # decisions 2
V2 = "E3UN6WX5RRO2AG"
FOREIGN_ETAG = "E2EUQ1WTGCTBG2"  # a well-formed ETag that no function here ever has
ETAG_FORMAT = re.compile(r"E[A-Z0-9]{12,13}")
ACCOUNT = "123456789012"  # decisions 14
RT1, RT2 = "cloudfront-js-1.0", "cloudfront-js-2.0"
CFG = {"Comment": "first", "Runtime": RT2}
CODE = b"function handler(event) { return event.request; }"
CODE2 = b"function handler(event) { var r = event.request; r.uri = '/x'; return r; }"
KVS_ARN = f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/0b9e4b2c-5d1f-4a8e-9c3b-2f6a7d8e9f01"
KVS_ARN_2 = f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/1c0f5c3d-6e2a-4b9f-8d4c-3a7b8e9f0a12"

SEVEN = (
    "CreateFunction",
    "DescribeFunction",
    "GetFunction",
    "UpdateFunction",
    "PublishFunction",
    "DeleteFunction",
    "ListFunctions",
)
_MODEL = botocore.session.get_session().get_service_model("cloudfront")


# -- helpers ------------------------------------------------------------------------------------------------


def create(cf: Any, name: str = "fn", code: bytes = CODE, **config: Any) -> dict[str, Any]:
    return cf.create_function(Name=name, FunctionConfig={**CFG, **config}, FunctionCode=code)


def update(cf: Any, if_match: str, name: str = "fn", code: bytes = CODE2, **config: Any) -> dict[str, Any]:
    return cf.update_function(Name=name, IfMatch=if_match, FunctionConfig={**CFG, **config}, FunctionCode=code)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def header(response: dict[str, Any], name: str) -> str:
    """A response header, case-insensitively (botocore lower-cases HTTPHeaders keys)."""
    headers = {k.lower(): v for k, v in response["ResponseMetadata"]["HTTPHeaders"].items()}
    return headers[name.lower()]


def entries(function_list: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i["Name"], i["FunctionMetadata"]["Stage"]) for i in function_list.get("Items", [])]


def assert_malformed(excinfo: pytest.ExceptionInfo[ClientError], count: int, *fragments: str) -> str:
    """decisions 17: unmodelled MalformedXML, 400, plain ClientError, ``N validation errors detected: …``."""
    assert type(excinfo.value) is ClientError  # not a modelled client.exceptions.* subclass
    code, message, status = error_of(excinfo)
    assert (code, status) == ("MalformedXML", 400)
    noun = "error" if count == 1 else "errors"
    assert message.startswith(f"{count} validation {noun} detected: Value '"), message
    assert message.count("failed to satisfy constraint: Member must") == count, message
    for fragment in fragments:
        assert fragment in message, message
    return message


# -- the walk-through of the issue ------------------------------------------------------------------------


def test_issue_walkthrough(cf: Any, cloudfront_functions: Any) -> None:
    created = create(cf)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["ETag"] == V1
    assert created["FunctionSummary"]["Status"] == "UNPUBLISHED"
    assert created["FunctionSummary"]["FunctionMetadata"]["Stage"] == "DEVELOPMENT"

    described = cf.describe_function(Name="fn")
    assert described["ETag"] == V1
    assert described["FunctionSummary"] == created["FunctionSummary"]

    with pytest.raises(cf.exceptions.PreconditionFailed) as stale:
        update(cf, FOREIGN_ETAG)
    assert stale.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412

    updated = update(cf, V1, Comment="second")
    assert updated["ETag"] == V2
    assert updated["FunctionSummary"]["FunctionConfig"]["Comment"] == "second"

    published = cf.publish_function(Name="fn", IfMatch=updated["ETag"])
    assert published["FunctionSummary"]["FunctionMetadata"]["Stage"] == "LIVE"
    assert published["FunctionSummary"]["Status"] == "UNASSOCIATED"

    live = cf.describe_function(Name="fn", Stage="LIVE")
    assert live["ETag"] == V2
    assert live["FunctionSummary"]["FunctionConfig"] == {"Comment": "second", "Runtime": RT2}
    assert live["FunctionSummary"]["FunctionMetadata"]["Stage"] == "LIVE"
    assert cf.get_function(Name="fn", Stage="LIVE")["FunctionCode"].read() == CODE2
    assert cloudfront_functions.functions["fn"].live.code == CODE2

    listed = cf.list_functions()["FunctionList"]
    assert listed["Quantity"] == 2
    assert entries(listed) == [("fn", "DEVELOPMENT"), ("fn", "LIVE")]

    deleted = cf.delete_function(Name="fn", IfMatch=cf.describe_function(Name="fn")["ETag"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(cf.exceptions.NoSuchFunctionExists):
        cf.describe_function(Name="fn")
    assert cf.list_functions()["FunctionList"]["Quantity"] == 0


# -- ETags (decisions 2, 3) ---------------------------------------------------------------------------------


def test_etags_encode_the_version(cf: Any) -> None:
    etags = [create(cf)["ETag"]]
    for i in range(2, 25):
        etags.append(update(cf, etags[-1], Comment=f"v{i}")["ETag"])
        assert cf.describe_function(Name="fn")["ETag"] == etags[-1]
    assert etags[:2] == [V1, V2]
    assert all(ETAG_FORMAT.fullmatch(etag) for etag in etags), etags
    assert len(set(etags)) == len(etags)


def test_etags_are_deterministic_and_shared_between_resources_at_the_same_version(cf: Any) -> None:
    first = [create(cf, "one")["ETag"]]
    for _ in range(4):
        first.append(update(cf, first[-1], "one")["ETag"])
    second = [create(cf, "two")["ETag"]]
    for _ in range(4):
        second.append(update(cf, second[-1], "two")["ETag"])
    assert first == second


def test_etags_restart_in_a_new_activation() -> None:
    import boto3

    seen = []
    for _ in range(2):
        with cfmock.mock_cloudfront_functions():
            cf = boto3.client("cloudfront", region_name="us-east-1")
            tags = [create(cf)["ETag"]]
            tags.append(update(cf, tags[-1])["ETag"])
            tags.append(update(cf, tags[-1])["ETag"])
            seen.append(tags)
    assert seen[0] == seen[1]
    assert seen[0][:2] == [V1, V2]


def test_publish_keeps_the_development_etag_and_live_takes_it(cf: Any, cloudfront_functions: Any) -> None:
    create(cf)
    dev_etag = update(cf, V1)["ETag"]
    cf.publish_function(Name="fn", IfMatch=dev_etag)
    assert cf.describe_function(Name="fn")["ETag"] == dev_etag
    assert cf.describe_function(Name="fn", Stage="LIVE")["ETag"] == dev_etag
    assert cf.get_function(Name="fn", Stage="LIVE")["ETag"] == dev_etag
    resource = cloudfront_functions.functions["fn"]
    assert resource.development.etag == resource.live.etag == dev_etag
    # A further update moves only DEVELOPMENT.
    newer = update(cf, dev_etag, code=b"function handler(e){return e.request}")["ETag"]
    assert newer not in (dev_etag, V1)
    assert cf.describe_function(Name="fn")["ETag"] == newer
    assert cf.describe_function(Name="fn", Stage="LIVE")["ETag"] == dev_etag
    assert cf.get_function(Name="fn", Stage="LIVE")["FunctionCode"].read() == CODE2


def test_publish_and_delete_demand_the_development_etag_not_the_live_one(cf: Any) -> None:
    """decisions 3: after an unpublished update, LIVE's (older) ETag is stale for Publish and Delete."""
    create(cf)
    cf.publish_function(Name="fn", IfMatch=V1)
    update(cf, V1)
    with pytest.raises(cf.exceptions.PreconditionFailed):
        cf.publish_function(Name="fn", IfMatch=V1)
    with pytest.raises(cf.exceptions.PreconditionFailed):
        cf.delete_function(Name="fn", IfMatch=V1)
    with pytest.raises(cf.exceptions.PreconditionFailed):
        update(cf, V1)
    cf.delete_function(Name="fn", IfMatch=V2)


def test_republishing_unchanged_succeeds_with_the_live_summary(cf: Any) -> None:
    """decisions 4."""
    create(cf)
    first = cf.publish_function(Name="fn", IfMatch=V1)["FunctionSummary"]
    again = cf.publish_function(Name="fn", IfMatch=V1)["FunctionSummary"]
    assert again == first
    assert again["FunctionMetadata"]["Stage"] == "LIVE"


def test_update_after_publish_leaves_live_alone(cf: Any, cloudfront_functions: Any) -> None:
    create(cf, code=CODE, Comment="live one")
    cf.publish_function(Name="fn", IfMatch=V1)
    update(cf, V1, code=CODE2, Comment="dev one", Runtime=RT1)
    live = cf.describe_function(Name="fn", Stage="LIVE")["FunctionSummary"]
    dev = cf.describe_function(Name="fn", Stage="DEVELOPMENT")["FunctionSummary"]
    assert live["FunctionConfig"] == {"Comment": "live one", "Runtime": RT2}
    assert dev["FunctionConfig"] == {"Comment": "dev one", "Runtime": RT1}
    assert cf.get_function(Name="fn", Stage="LIVE")["FunctionCode"].read() == CODE
    assert cf.get_function(Name="fn")["FunctionCode"].read() == CODE2
    assert cloudfront_functions.functions["fn"].development.code == CODE2


def test_missing_stage_means_development(cf: Any) -> None:
    """decisions 1."""
    create(cf)
    cf.publish_function(Name="fn", IfMatch=V1)
    update(cf, V1, Comment="dev")
    described = cf.describe_function(Name="fn")
    assert described["ETag"] == V2
    assert described["FunctionSummary"]["FunctionMetadata"]["Stage"] == "DEVELOPMENT"
    assert described["FunctionSummary"]["FunctionConfig"]["Comment"] == "dev"
    got = cf.get_function(Name="fn")
    assert (got["ETag"], got["FunctionCode"].read()) == (V2, CODE2)


# -- status (decisions 8) -----------------------------------------------------------------------------------


def test_status_is_resource_wide_and_unchanged_by_a_later_update(cf: Any) -> None:
    assert create(cf)["FunctionSummary"]["Status"] == "UNPUBLISHED"
    assert update(cf, V1)["FunctionSummary"]["Status"] == "UNPUBLISHED"
    assert cf.describe_function(Name="fn")["FunctionSummary"]["Status"] == "UNPUBLISHED"
    assert cf.publish_function(Name="fn", IfMatch=V2)["FunctionSummary"]["Status"] == "UNASSOCIATED"
    assert cf.describe_function(Name="fn")["FunctionSummary"]["Status"] == "UNASSOCIATED"
    later = update(cf, V2)
    assert later["FunctionSummary"]["Status"] == "UNASSOCIATED"
    for stage in ("DEVELOPMENT", "LIVE"):
        assert cf.describe_function(Name="fn", Stage=stage)["FunctionSummary"]["Status"] == "UNASSOCIATED"
    assert {i["Status"] for i in cf.list_functions()["FunctionList"]["Items"]} == {"UNASSOCIATED"}


# -- UpdateFunction's ETtag header (decisions 10) -------------------------------------------------------------


def test_update_function_returns_the_etag_via_the_ettag_header(cf: Any) -> None:
    create(cf)
    updated = update(cf, V1)
    assert updated["ETag"] == V2
    raw = {k.lower(): v for k, v in updated["ResponseMetadata"]["HTTPHeaders"].items()}
    assert raw["ettag"] == V2
    assert raw["etag"] == V2
    # The update-then-publish flow works with what boto3 hands back.
    assert cf.publish_function(Name="fn", IfMatch=updated["ETag"])["FunctionSummary"]["Status"] == "UNASSOCIATED"


def test_create_and_describe_send_the_etag_header(cf: Any) -> None:
    created = create(cf)
    assert header(created, "ETag") == created["ETag"] == V1
    described = cf.describe_function(Name="fn")
    assert header(described, "ETag") == described["ETag"] == V1


# -- identifiers (decisions 14, 16) ---------------------------------------------------------------------------


def test_location_carries_the_full_arn(cf: Any) -> None:
    created = create(cf, "my-fn_1")
    arn = f"arn:aws:cloudfront::{ACCOUNT}:function/my-fn_1"
    assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/function/{arn}"
    assert header(created, "Location") == created["Location"]
    assert created["FunctionSummary"]["FunctionMetadata"]["FunctionARN"] == arn


@pytest.mark.cloudfront_functions(account_id="111122223333")
def test_arn_and_location_use_the_configured_account(cf: Any) -> None:
    created = create(cf)
    arn = "arn:aws:cloudfront::111122223333:function/fn"
    assert created["FunctionSummary"]["FunctionMetadata"]["FunctionARN"] == arn
    assert created["Location"].endswith(f"/2020-05-31/function/{arn}")


# -- GetFunction ----------------------------------------------------------------------------------------------


def test_get_function_returns_the_raw_bytes_as_a_stream(cf: Any) -> None:
    code = "// héllo € ✓\nfunction handler(event) { return event.request; }\n".encode()
    create(cf, code=code)
    got = cf.get_function(Name="fn")
    assert isinstance(got["FunctionCode"], StreamingBody)
    assert got["FunctionCode"].read() == code
    assert got["ContentType"] == "application/octet-stream"
    assert header(got, "Content-Type") == "application/octet-stream"
    assert got["ETag"] == V1
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize("operation", ["describe_function", "get_function"])
def test_live_before_the_first_publish_is_not_found(cf: Any, operation: str) -> None:
    """decisions 6."""
    create(cf)
    with pytest.raises(cf.exceptions.NoSuchFunctionExists) as excinfo:
        getattr(cf, operation)(Name="fn", Stage="LIVE")
    assert error_of(excinfo)[2] == 404


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("describe_function", {}),
        ("get_function", {}),
        ("update_function", {"IfMatch": V1, "FunctionConfig": CFG, "FunctionCode": CODE}),
        ("publish_function", {"IfMatch": V1}),
        ("delete_function", {"IfMatch": V1}),
    ],
)
@pytest.mark.parametrize("name", ["nope", "a/b c"])
def test_unknown_function_is_not_found(cf: Any, operation: str, kwargs: dict[str, Any], name: str) -> None:
    create(cf)
    with pytest.raises(cf.exceptions.NoSuchFunctionExists) as excinfo:
        getattr(cf, operation)(Name=name, **kwargs)
    assert error_of(excinfo) == ("NoSuchFunctionExists", "The function does not exist.", 404)


# -- If-Match (decisions 3, 7) --------------------------------------------------------------------------------

IF_MATCH_OPERATIONS = [
    ("update_function", {"FunctionConfig": CFG, "FunctionCode": CODE2}),
    ("publish_function", {}),
    ("delete_function", {}),
]


@pytest.mark.parametrize(("operation", "kwargs"), IF_MATCH_OPERATIONS)
def test_empty_if_match_is_invalid_if_match_version(cf: Any, operation: str, kwargs: dict[str, Any]) -> None:
    create(cf)
    with pytest.raises(cf.exceptions.InvalidIfMatchVersion) as excinfo:
        getattr(cf, operation)(Name="fn", IfMatch="", **kwargs)
    assert error_of(excinfo)[2] == 400
    assert cf.describe_function(Name="fn")["ETag"] == V1  # nothing applied


@pytest.mark.parametrize(("operation", "kwargs"), IF_MATCH_OPERATIONS)
def test_stale_if_match_is_precondition_failed(cf: Any, operation: str, kwargs: dict[str, Any]) -> None:
    create(cf)
    with pytest.raises(cf.exceptions.PreconditionFailed) as excinfo:
        getattr(cf, operation)(Name="fn", IfMatch=FOREIGN_ETAG, **kwargs)
    assert error_of(excinfo) == (
        "PreconditionFailed",
        "The request failed because it didn't meet the preconditions in one or more request-header fields.",
        412,
    )
    assert cf.describe_function(Name="fn")["ETag"] == V1
    with pytest.raises(cf.exceptions.NoSuchFunctionExists):
        cf.describe_function(Name="fn", Stage="LIVE")


@pytest.mark.parametrize(("operation", "kwargs"), IF_MATCH_OPERATIONS)
def test_missing_if_match_is_rejected_by_botocore_before_sending(
    cf: Any, operation: str, kwargs: dict[str, Any]
) -> None:
    """IfMatch is required in the model, so botocore refuses the call client-side (api.md §2.6)."""
    create(cf)
    with pytest.raises(ParamValidationError, match="IfMatch"):
        getattr(cf, operation)(Name="fn", **kwargs)


@pytest.mark.parametrize(("operation", "kwargs"), IF_MATCH_OPERATIONS)
def test_missing_if_match_header_on_the_wire_is_invalid_if_match_version(
    cf: Any, operation: str, kwargs: dict[str, Any]
) -> None:
    """A request without an If-Match header at all (e.g. from another SDK) -> InvalidIfMatchVersion (§4.6)."""
    create(cf)
    stripped: list[str] = []

    def strip_if_match(params: dict[str, Any], **_: Any) -> None:
        stripped.append(params["headers"].pop("If-Match"))

    # botocore runs handlers of the more specific event name first, so this runs before cfmock's
    # "before-call.cloudfront" handler; `stripped` proves it did.
    api_name = _MODEL.operation_model(operation.title().replace("_", "")).name
    cf.meta.events.register(f"before-call.cloudfront.{api_name}", strip_if_match)
    with pytest.raises(cf.exceptions.InvalidIfMatchVersion) as excinfo:
        getattr(cf, operation)(Name="fn", IfMatch=V1, **kwargs)
    assert stripped == [V1]
    assert error_of(excinfo)[2] == 400


@pytest.mark.parametrize(("operation", "kwargs"), IF_MATCH_OPERATIONS)
@pytest.mark.parametrize("if_match", ["", FOREIGN_ETAG, V1])
def test_existence_is_checked_before_if_match(cf: Any, operation: str, kwargs: dict[str, Any], if_match: str) -> None:
    """decisions 7: unknown name -> 404 whatever the If-Match."""
    with pytest.raises(cf.exceptions.NoSuchFunctionExists):
        getattr(cf, operation)(Name="nope", IfMatch=if_match, **kwargs)


BAD_BODIES = {
    "bad-runtime": {"FunctionConfig": {"Comment": "", "Runtime": "nodejs"}, "FunctionCode": CODE},
    "empty-code": {"FunctionConfig": CFG, "FunctionCode": b""},
    "huge-code": {"FunctionConfig": CFG, "FunctionCode": b"x" * (max_length("FunctionBlob") + 1)},
    "too-big-code": {"FunctionConfig": CFG, "FunctionCode": b"x" * 10_241},
    "long-comment": {"FunctionConfig": {"Comment": "c" * 129, "Runtime": RT2}, "FunctionCode": CODE},
    "two-stores": {
        "FunctionConfig": {
            **CFG,
            "KeyValueStoreAssociations": {
                "Quantity": 2,
                "Items": [{"KeyValueStoreARN": KVS_ARN}, {"KeyValueStoreARN": KVS_ARN_2}],
            },
        },
        "FunctionCode": CODE,
    },
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_if_match_is_checked_before_the_body(cf: Any, body: dict[str, Any]) -> None:
    """decisions 7: empty If-Match -> 400 InvalidIfMatchVersion, stale -> 412, both before body validation."""
    create(cf)
    with pytest.raises(cf.exceptions.InvalidIfMatchVersion):
        cf.update_function(Name="fn", IfMatch="", **body)
    with pytest.raises(cf.exceptions.PreconditionFailed):
        cf.update_function(Name="fn", IfMatch=FOREIGN_ETAG, **body)
    with pytest.raises(ClientError) as excinfo:
        cf.update_function(Name="fn", IfMatch=V1, **body)
    assert error_of(excinfo)[0] in ("MalformedXML", "InvalidArgument", "FunctionSizeLimitExceeded")
    assert cf.describe_function(Name="fn")["ETag"] == V1
    assert cf.get_function(Name="fn")["FunctionCode"].read() == CODE


# -- validation (decisions 17–22) -----------------------------------------------------------------------------


def test_bad_name_pattern_is_malformed_xml(cf: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(cf, "bad name!")
    message = assert_malformed(excinfo, 1)
    assert message == (
        "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern('FunctionName')}"
    )
    assert cf.list_functions()["FunctionList"]["Quantity"] == 0


def test_a_name_one_longer_than_the_model_allows_is_malformed_xml_with_two_errors(cf: Any) -> None:
    limit = max_length("FunctionName")
    name = "a" * (limit + 1)
    with pytest.raises(ClientError) as excinfo:
        create(cf, name)
    assert_malformed(
        excinfo,
        2,
        f"Value '{name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to {limit}",
        f"Member must satisfy regular expression pattern: {pattern('FunctionName')}",
    )


def test_an_empty_comment_is_kept_and_returned(cf: Any) -> None:
    """FunctionConfig.Comment is always present, possibly empty (api.md §4.2); botocore sends it as <Comment />."""
    assert create(cf, Comment="")["FunctionSummary"]["FunctionConfig"] == {"Comment": "", "Runtime": RT2}
    assert cf.describe_function(Name="fn")["FunctionSummary"]["FunctionConfig"] == {"Comment": "", "Runtime": RT2}
    assert update(cf, V1, Comment="")["FunctionSummary"]["FunctionConfig"]["Comment"] == ""


def test_the_longest_name_and_all_allowed_characters_are_accepted(cf: Any) -> None:
    for name in ("a" * max_length("FunctionName"), "Az09-_", "-", "_"):
        assert create(cf, name)["FunctionSummary"]["Name"] == name


@pytest.mark.parametrize("operation", ["create", "update"])
def test_bad_runtime_is_malformed_xml(cf: Any, operation: str) -> None:
    if operation == "update":
        create(cf)
    with pytest.raises(ClientError) as excinfo:
        if operation == "create":
            create(cf, Runtime="nodejs")
        else:
            update(cf, V1, Runtime="nodejs")
    assert_malformed(
        excinfo, 1, "Value 'nodejs' at 'functionConfig.runtime'", f"value set: {value_set('FunctionRuntime')}"
    )


@pytest.mark.parametrize("operation", ["describe_function", "get_function", "list_functions"])
def test_bad_stage_is_malformed_xml(cf: Any, operation: str) -> None:
    create(cf)
    kwargs = {} if operation == "list_functions" else {"Name": "fn"}
    with pytest.raises(ClientError) as excinfo:
        getattr(cf, operation)(Stage="PROD", **kwargs)
    assert_malformed(excinfo, 1, "Value 'PROD' at 'stage'", f"value set: {value_set('FunctionStage')}")


@pytest.mark.parametrize("operation", ["create", "update"])
@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        (b"", f"Member must have length greater than or equal to {min_length('FunctionBlob')}"),
        (
            b"x" * (max_length("FunctionBlob") + 1),
            f"Member must have length less than or equal to {max_length('FunctionBlob')}",
        ),
    ],
    ids=["empty", "one-byte-over-the-model-limit"],
)
def test_code_outside_the_model_range_is_malformed_xml(cf: Any, operation: str, code: bytes, fragment: str) -> None:
    if operation == "update":
        create(cf)
    with pytest.raises(ClientError) as excinfo:
        if operation == "create":
            create(cf, code=code)
        else:
            update(cf, V1, code=code)
    assert_malformed(excinfo, 1, "at 'functionCode'", fragment)


def test_every_violation_is_counted(cf: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        cf.create_function(Name="bad name!", FunctionConfig={"Comment": "", "Runtime": "nodejs"}, FunctionCode=b"")
    assert_malformed(excinfo, 3, "at 'name'", "at 'functionConfig.runtime'", "at 'functionCode'")


@pytest.mark.parametrize("operation", ["create", "update"])
def test_comment_over_128_characters_is_invalid_argument(cf: Any, operation: str) -> None:
    """decisions 18; 128 characters (even multi-byte ones) are fine."""
    if operation == "update":
        create(cf)
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        if operation == "create":
            create(cf, Comment="c" * 129)
        else:
            update(cf, V1, Comment="c" * 129)
    assert error_of(excinfo) == ("InvalidArgument", "The parameter Comment is too big.", 400)
    ok = create(cf, "ok", Comment="é" * 128)
    assert ok["FunctionSummary"]["FunctionConfig"]["Comment"] == "é" * 128


@pytest.mark.parametrize("operation", ["create", "update"])
def test_code_over_10240_bytes_is_function_size_limit_exceeded(cf: Any, operation: str) -> None:
    """decisions 19."""
    if operation == "update":
        create(cf)
    with pytest.raises(cf.exceptions.FunctionSizeLimitExceeded) as excinfo:
        if operation == "create":
            create(cf, code=b"x" * 10_241)
        else:
            update(cf, V1, code=b"x" * 10_241)
    assert error_of(excinfo)[2] == 413
    create(cf, "exact", code=b"y" * 10_240)
    assert cf.get_function(Name="exact")["FunctionCode"].read() == b"y" * 10_240


def test_function_already_exists(cf: Any) -> None:
    create(cf)
    with pytest.raises(cf.exceptions.FunctionAlreadyExists) as excinfo:
        create(cf, code=CODE2)
    assert error_of(excinfo)[2] == 409
    assert cf.get_function(Name="fn")["FunctionCode"].read() == CODE


def test_a_deleted_name_can_be_reused_from_version_one(cf: Any) -> None:
    create(cf)
    update(cf, V1)
    cf.delete_function(Name="fn", IfMatch=V2)
    assert create(cf)["ETag"] == V1


def test_too_many_functions_at_the_101st(cf: Any) -> None:
    """decisions 22."""
    for i in range(100):
        create(cf, f"f{i:03d}")
    with pytest.raises(cf.exceptions.TooManyFunctions) as excinfo:
        create(cf, "f100")
    assert error_of(excinfo)[2] == 400
    cf.delete_function(Name="f000", IfMatch=V1)
    create(cf, "f100")


def _associations(quantity: int, *arns: str) -> dict[str, Any]:
    return {"Quantity": quantity, "Items": [{"KeyValueStoreARN": arn} for arn in arns]}


@pytest.mark.parametrize("operation", ["create", "update"])
@pytest.mark.parametrize(
    ("runtime", "associations"),
    [
        (RT2, _associations(2, KVS_ARN, KVS_ARN_2)),
        (RT2, _associations(2, KVS_ARN)),
        (RT2, _associations(1)),
        (RT1, _associations(1, KVS_ARN)),
    ],
    ids=["two-stores", "quantity-too-high", "quantity-without-items", "runtime-1.0"],
)
def test_key_value_store_association_shape_is_invalid_argument(
    cf: Any, operation: str, runtime: str, associations: dict[str, Any]
) -> None:
    """decisions 20."""
    if operation == "update":
        create(cf)
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        if operation == "create":
            create(cf, Runtime=runtime, KeyValueStoreAssociations=associations)
        else:
            update(cf, V1, Runtime=runtime, KeyValueStoreAssociations=associations)
    assert error_of(excinfo)[2] == 400


def test_key_value_store_association_must_name_an_existing_store(cf: Any) -> None:
    """decisions 20; an update without associations removes the association (api.md §4.6, replace semantics)."""
    with pytest.raises(cf.exceptions.InvalidArgument):
        create(cf, KeyValueStoreAssociations=_associations(1, KVS_ARN))
    arn = cf.create_key_value_store(Name="kvs")["KeyValueStore"]["ARN"]
    created = create(cf, KeyValueStoreAssociations=_associations(1, arn))
    expected = {"Quantity": 1, "Items": [{"KeyValueStoreARN": arn}]}
    assert created["FunctionSummary"]["FunctionConfig"]["KeyValueStoreAssociations"] == expected
    assert cf.describe_function(Name="fn")["FunctionSummary"]["FunctionConfig"]["KeyValueStoreAssociations"] == expected
    with pytest.raises(cf.exceptions.InvalidArgument):
        update(cf, V1, KeyValueStoreAssociations=_associations(1, KVS_ARN))
    updated = update(cf, V1)
    assert "KeyValueStoreAssociations" not in updated["FunctionSummary"]["FunctionConfig"]


def test_key_value_store_arn_outside_the_pattern_is_malformed_xml(cf: Any) -> None:
    bad = "arn:aws:cloudfront::123456789012:key-value-store/not-a-uuid"
    with pytest.raises(ClientError) as excinfo:
        create(cf, KeyValueStoreAssociations=_associations(1, bad))
    assert_malformed(
        excinfo,
        1,
        f"Value '{bad}' at 'functionConfig.keyValueStoreAssociations.items.1.member.keyValueStoreARN'",
        f"Member must satisfy regular expression pattern: {pattern('KeyValueStoreARN')}",
    )


def test_create_function_tags_follow_the_installed_model(cf: Any) -> None:
    """CreateFunction has Tags from botocore 1.43.4 on: checked against the model's constraints where it has them
    (a bad key is MalformedXML, decisions 17), refused by boto3 itself, before any request, where it has not."""
    good = {"Items": [{"Key": "team", "Value": "édge"}]}
    bad = {"Items": [{"Key": "bad!", "Value": "v"}]}
    if has_input_member("CreateFunction", "Tags"):
        assert cf.create_function(Name="fn", FunctionConfig=CFG, FunctionCode=CODE, Tags=good)["ETag"] == V1
        with pytest.raises(ClientError) as excinfo:
            cf.create_function(Name="other", FunctionConfig=CFG, FunctionCode=CODE, Tags=bad)
        assert_malformed(excinfo, 1, "at 'tags.items.1.member.key'")
        assert [f["Name"] for f in cf.list_functions()["FunctionList"]["Items"]] == ["fn"]
    else:
        with pytest.raises(ParamValidationError, match='Unknown parameter in input: "Tags"'):
            cf.create_function(Name="fn", FunctionConfig=CFG, FunctionCode=CODE, Tags=good)
        assert cf.list_functions()["FunctionList"]["Quantity"] == 0


# -- ListFunctions (decisions 11) -----------------------------------------------------------------------------


def test_empty_list_omits_items(cf: Any) -> None:
    listed = cf.list_functions()["FunctionList"]
    assert listed["Quantity"] == 0
    assert listed["MaxItems"] == 100
    assert "Items" not in listed
    assert "NextMarker" not in listed
    create(cf)
    live = cf.list_functions(Stage="LIVE")["FunctionList"]
    assert live["Quantity"] == 0
    assert "Items" not in live


def test_list_stage_filter_and_order(cf: Any) -> None:
    for name in ("delta", "alpha", "charlie", "bravo"):
        create(cf, name)
    for name in ("charlie", "alpha"):
        cf.publish_function(Name=name, IfMatch=V1)
    everything = cf.list_functions()["FunctionList"]
    assert entries(everything) == [
        ("alpha", "DEVELOPMENT"),
        ("alpha", "LIVE"),
        ("bravo", "DEVELOPMENT"),
        ("charlie", "DEVELOPMENT"),
        ("charlie", "LIVE"),
        ("delta", "DEVELOPMENT"),
    ]
    assert everything["Quantity"] == 6
    assert entries(cf.list_functions(Stage="DEVELOPMENT")["FunctionList"]) == [
        (n, "DEVELOPMENT") for n in ("alpha", "bravo", "charlie", "delta")
    ]
    assert entries(cf.list_functions(Stage="LIVE")["FunctionList"]) == [("alpha", "LIVE"), ("charlie", "LIVE")]
    # Each item is the summary Describe gives for that stage.
    for item in everything["Items"]:
        stage = item["FunctionMetadata"]["Stage"]
        assert item == cf.describe_function(Name=item["Name"], Stage=stage)["FunctionSummary"]


def _pages(cf: Any, **kwargs: Any) -> list[dict[str, Any]]:
    pages, marker = [], None
    while True:
        page = cf.list_functions(**kwargs, **({"Marker": marker} if marker else {}))["FunctionList"]
        pages.append(page)
        if "NextMarker" not in page:
            return pages
        marker = page["NextMarker"]
        assert marker, "NextMarker present but empty"
        assert len(pages) < 50, "paging does not terminate"


@pytest.mark.parametrize("stage", [None, "DEVELOPMENT", "LIVE"])
def test_paging_has_no_gaps_or_duplicates(cf: Any, cloudfront_functions: Any, stage: str | None) -> None:
    for i in range(7):
        cloudfront_functions.functions.create(f"fn{i}", CODE, publish=i % 2 == 0)
    stage_kwargs = {} if stage is None else {"Stage": stage}
    full = entries(cf.list_functions(**stage_kwargs)["FunctionList"])
    assert len(full) == {None: 11, "DEVELOPMENT": 7, "LIVE": 4}[stage]
    for size in range(1, len(full) + 2):
        pages = _pages(cf, MaxItems=str(size), **stage_kwargs)
        seen = [entry for page in pages for entry in entries(page)]
        assert seen == full, size
        assert len(pages) == max(1, -(-len(full) // size))
        for page in pages:
            assert page["MaxItems"] == size
            assert page["Quantity"] == len(entries(page))
            assert 1 <= page["Quantity"] <= size
        assert all("NextMarker" in page for page in pages[:-1])


def test_max_items_over_100_is_capped(cf: Any, cloudfront_functions: Any) -> None:
    for i in range(55):
        cloudfront_functions.functions.create(f"fn{i:02d}", CODE, publish=True)
    first = cf.list_functions(MaxItems="150")["FunctionList"]
    assert first["MaxItems"] == 100
    assert first["Quantity"] == len(first["Items"]) == 100
    assert "NextMarker" in first
    second = cf.list_functions(MaxItems="150", Marker=first["NextMarker"])["FunctionList"]
    assert second["Quantity"] == 10
    assert "NextMarker" not in second
    default = cf.list_functions()["FunctionList"]
    assert (default["MaxItems"], default["Quantity"]) == (100, 100)


@pytest.mark.parametrize("max_items", ["abc", "1.5", ""])
def test_non_numeric_max_items_is_invalid_argument(cf: Any, max_items: str) -> None:
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        cf.list_functions(MaxItems=max_items)
    assert error_of(excinfo)[2] == 400


# -- inject_error ---------------------------------------------------------------------------------------------

CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "CreateFunction": ("create_function", {"Name": "other", "FunctionConfig": CFG, "FunctionCode": CODE}),
    "DescribeFunction": ("describe_function", {"Name": "fn"}),
    "GetFunction": ("get_function", {"Name": "fn"}),
    "UpdateFunction": ("update_function", {"Name": "fn", "IfMatch": V1, "FunctionConfig": CFG, "FunctionCode": CODE}),
    "PublishFunction": ("publish_function", {"Name": "fn", "IfMatch": V1}),
    "DeleteFunction": ("delete_function", {"Name": "fn", "IfMatch": V1}),
    "ListFunctions": ("list_functions", {}),
}
DOCUMENTED = [
    (op, shape.error_code, shape.metadata["error"]["httpStatusCode"])
    for op in SEVEN
    for shape in _MODEL.operation_model(op).error_shapes
]


def test_the_error_table_covers_the_seven_operations() -> None:
    assert set(CALLS) == set(SEVEN)
    assert {op for op, _, _ in DOCUMENTED} == set(SEVEN)


@pytest.mark.parametrize(("operation", "code", "status"), DOCUMENTED, ids=[f"{o}-{c}" for o, c, _ in DOCUMENTED])
def test_every_documented_error_can_be_injected(
    cf: Any, cloudfront_functions: Any, operation: str, code: str, status: int
) -> None:
    create(cf)
    method, kwargs = CALLS[operation]
    cloudfront_functions.inject_error(operation, code)
    with pytest.raises(getattr(cf.exceptions, code)) as excinfo:
        getattr(cf, method)(**kwargs)
    response = excinfo.value.response
    assert response["Error"]["Code"] == code
    assert response["Error"]["Type"] == ("Receiver" if status >= 500 else "Sender")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert response["Error"]["Message"]
    # count=1: the next identical call is answered normally, and the failed one changed nothing.
    getattr(cf, method)(**kwargs)


def test_injected_error_carries_the_given_message(cf: Any, cloudfront_functions: Any) -> None:
    cloudfront_functions.inject_error("ListFunctions", "InvalidArgument", "custom <message> & more")
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        cf.list_functions()
    assert error_of(excinfo) == ("InvalidArgument", "custom <message> & more", 400)


def test_injected_error_with_count_two_fails_twice(cf: Any, cloudfront_functions: Any) -> None:
    create(cf)
    cloudfront_functions.inject_error("DescribeFunction", "UnsupportedOperation", count=2)
    for _ in range(2):
        with pytest.raises(cf.exceptions.UnsupportedOperation):
            cf.describe_function(Name="fn")
    assert cf.describe_function(Name="fn")["ETag"] == V1


def test_injected_errors_are_consumed_in_order_and_per_operation(cf: Any, cloudfront_functions: Any) -> None:
    create(cf)
    cloudfront_functions.inject_error("publish_function", "InvalidArgument")
    cloudfront_functions.inject_error("PublishFunction", "UnsupportedOperation")
    cf.describe_function(Name="fn")  # another operation does not consume them
    with pytest.raises(cf.exceptions.InvalidArgument):
        cf.publish_function(Name="fn", IfMatch=V1)
    with pytest.raises(cf.exceptions.UnsupportedOperation):
        cf.publish_function(Name="fn", IfMatch=V1)
    assert cf.publish_function(Name="fn", IfMatch=V1)["FunctionSummary"]["FunctionMetadata"]["Stage"] == "LIVE"


@pytest.mark.parametrize("operation", ["update_function", "UpdateFunction"])
def test_snake_case_and_api_names_are_accepted(cf: Any, cloudfront_functions: Any, operation: str) -> None:
    create(cf)
    cloudfront_functions.inject_error(operation, "PreconditionFailed")
    with pytest.raises(cf.exceptions.PreconditionFailed):
        update(cf, V1)
    assert update(cf, V1)["ETag"] == V2


@pytest.mark.parametrize(
    ("operation", "code"),
    [
        ("DescribeFunction", "FunctionAlreadyExists"),  # documented elsewhere, not for this operation
        ("CreateFunction", "MalformedXML"),  # real, but not modelled
        ("ListFunctions", "NoSuchFunctionExists"),
        ("Frobnicate", "InvalidArgument"),
        ("CreateDistribution", "InvalidArgument"),  # a real CloudFront operation cfmock does not implement
        ("createfunction", "InvalidArgument"),
    ],
)
def test_inject_error_refuses_undocumented_codes_and_unknown_operations(
    cloudfront_functions: Any, operation: str, code: str
) -> None:
    with pytest.raises(ValueError):
        cloudfront_functions.inject_error(operation, code)


def test_injection_into_a_control_plane_operation_leaves_the_same_named_data_plane_one_alone(
    cf: Any, cloudfront_functions: Any
) -> None:
    """``DescribeKeyValueStore`` exists in both services; EntityNotFound is documented only for cloudfront's."""
    import boto3

    data = boto3.client("cloudfront-keyvaluestore", region_name="us-east-1")
    arn = cf.create_key_value_store(Name="kvs")["KeyValueStore"]["ARN"]
    cloudfront_functions.inject_error("DescribeKeyValueStore", "EntityNotFound")
    assert data.describe_key_value_store(KvsARN=arn)["ItemCount"] == 0
    with pytest.raises(cf.exceptions.EntityNotFound):
        cf.describe_key_value_store(Name="kvs")


def test_data_plane_errors_can_be_injected_into_a_same_named_operation(cf: Any, cloudfront_functions: Any) -> None:
    """ResourceNotFoundException is documented for cloudfront-keyvaluestore's DescribeKeyValueStore only."""
    import boto3

    data = boto3.client("cloudfront-keyvaluestore", region_name="us-east-1")
    arn = cf.create_key_value_store(Name="kvs")["KeyValueStore"]["ARN"]
    cloudfront_functions.inject_error("DescribeKeyValueStore", "ResourceNotFoundException")
    assert cf.describe_key_value_store(Name="kvs")["KeyValueStore"]["Name"] == "kvs"
    with pytest.raises(data.exceptions.ResourceNotFoundException) as excinfo:
        data.describe_key_value_store(KvsARN=arn)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_inject_error_refuses_a_count_below_one(cloudfront_functions: Any) -> None:
    with pytest.raises(ValueError):
        cloudfront_functions.inject_error("ListFunctions", "InvalidArgument", count=0)


# -- response metadata ----------------------------------------------------------------------------------------


def test_timestamps_are_tz_aware_and_follow_the_lifecycle(cf: Any) -> None:
    """decisions 9: LIVE CreatedTime is the creation time, LIVE LastModifiedTime the DEVELOPMENT one at publish."""
    before = datetime.now(UTC) - timedelta(seconds=1)
    created = create(cf)["FunctionSummary"]["FunctionMetadata"]
    for value in (created["CreatedTime"], created["LastModifiedTime"]):
        assert value.tzinfo is not None and value.utcoffset() is not None
        assert before <= value <= datetime.now(UTC) + timedelta(seconds=1)
    assert created["CreatedTime"] == created["LastModifiedTime"]
    updated = update(cf, V1)["FunctionSummary"]["FunctionMetadata"]
    assert updated["CreatedTime"] == created["CreatedTime"]
    assert updated["LastModifiedTime"] >= created["LastModifiedTime"]
    live = cf.publish_function(Name="fn", IfMatch=V2)["FunctionSummary"]["FunctionMetadata"]
    assert live["CreatedTime"] == created["CreatedTime"]
    assert live["LastModifiedTime"] == updated["LastModifiedTime"]
    update(cf, V2)
    later_live = cf.describe_function(Name="fn", Stage="LIVE")["FunctionSummary"]["FunctionMetadata"]
    assert later_live["LastModifiedTime"] == updated["LastModifiedTime"]
    listed = cf.list_functions()["FunctionList"]["Items"]
    assert all(i["FunctionMetadata"]["LastModifiedTime"].tzinfo is not None for i in listed)


def test_request_id_header_becomes_response_metadata(cf: Any) -> None:
    ids = []
    for response in (create(cf), cf.describe_function(Name="fn"), cf.list_functions()):
        request_id = response["ResponseMetadata"]["RequestId"]
        assert request_id == header(response, "x-amzn-RequestId")
        uuid.UUID(request_id)
        ids.append(request_id)
    with pytest.raises(cf.exceptions.NoSuchFunctionExists) as excinfo:
        cf.describe_function(Name="nope")
    error_metadata = excinfo.value.response["ResponseMetadata"]
    assert error_metadata["RequestId"] == header(excinfo.value.response, "x-amzn-RequestId")
    ids.append(error_metadata["RequestId"])
    assert len(set(ids)) == len(ids)


def test_responses_report_no_retries(cf: Any) -> None:
    assert create(cf)["ResponseMetadata"]["RetryAttempts"] == 0
    with pytest.raises(cf.exceptions.FunctionAlreadyExists) as excinfo:
        create(cf)
    assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 0


def test_delete_answers_204_with_an_empty_body(cf: Any) -> None:
    create(cf)
    deleted = cf.delete_function(Name="fn", IfMatch=V1)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert set(deleted) == {"ResponseMetadata"}
    with pytest.raises(cf.exceptions.NoSuchFunctionExists):
        cf.get_function(Name="fn")
