"""CloudFront connection functions through a real boto3 client.

Create/Describe/Get/Update/Publish/Delete/List ConnectionFunction(s), ListDistributionsByConnectionFunction and
the If-Match/stage rules of TestConnectionFunction, checked against docs/spec/api.md §2.5, §5, §8, §9 and
decisions.md (which wins where they differ).
"""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from model_facts import error_status, max_length, value_set

import cfmock

V1 = "ETVPDKIKX0DER"  # decisions 2
V2 = "E3UN6WX5RRO2AG"
FOREIGN_ETAG = "E2EUQ1WTGCTBG2"  # well-formed, never the ETag of anything here
ETAG_FORMAT = re.compile(r"E[A-Z0-9]{12,13}")
ID_FORMAT = re.compile(r"[A-Z0-9]{20}")  # decisions 15
ACCOUNT = "123456789012"  # decisions 14
RT1, RT2 = "cloudfront-js-1.0", "cloudfront-js-2.0"
CFG = {"Comment": "first", "Runtime": RT2}
ALLOW = b"function connectionHandler(connection) { connection.allow(); }"
DENY = b"function connectionHandler(connection) { connection.deny(); }"
CONNECTION = json.dumps({"connectionId": "c1", "clientIp": "203.0.113.42"}).encode()
LOCATION_PREFIX = "https://cloudfront.amazonaws.com/2020-05-31/connection-function/"
PRECONDITION_MESSAGE = (
    "The request failed because it didn't meet the preconditions in one or more request-header fields."
)
_MODEL = botocore.session.get_session().get_service_model("cloudfront")


# -- fixtures -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_client() -> Any:
    """One client for the module (creating one costs more than most tests); each test gets a fresh mock."""
    return boto3.client("cloudfront", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")


@pytest.fixture
def cf(cloudfront_functions: Any, shared_client: Any) -> Any:
    """The shared client, answered by this test's fresh activation (a client made before activation works)."""
    return shared_client


@pytest.fixture
def own_cf(cloudfront_functions: Any) -> Any:
    """A client of its own, for tests that register event handlers on it."""
    return boto3.client("cloudfront", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")


# -- helpers ------------------------------------------------------------------------------------------------


def create(cf: Any, name: str = "cfn", code: bytes = ALLOW, **config: Any) -> dict[str, Any]:
    return cf.create_connection_function(
        Name=name, ConnectionFunctionConfig={**CFG, **config}, ConnectionFunctionCode=code
    )


def create_id(cf: Any, name: str = "cfn", **kwargs: Any) -> str:
    return str(create(cf, name, **kwargs)["ConnectionFunctionSummary"]["Id"])


def update(cf: Any, fid: str, if_match: str, code: bytes = DENY, **config: Any) -> dict[str, Any]:
    return cf.update_connection_function(
        Id=fid, IfMatch=if_match, ConnectionFunctionConfig={**CFG, **config}, ConnectionFunctionCode=code
    )


def run_test(cf: Any, fid: str, if_match: str, stage: str | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"Stage": stage} if stage else {}
    return cf.test_connection_function(Id=fid, IfMatch=if_match, ConnectionObject=CONNECTION, **kwargs)[
        "ConnectionFunctionTestResult"
    ]


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def headers_of(response: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): v for k, v in response["ResponseMetadata"]["HTTPHeaders"].items()}


def listed(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["Name"], s["Stage"]) for s in result.get("ConnectionFunctions", [])]


# -- the whole lifecycle ----------------------------------------------------------------------------------------


def test_lifecycle_through_boto3(cf: Any, cloudfront_functions: Any) -> None:
    """api.md §5.2 end to end; decisions 1–3, 8, 15, 16."""
    created = create(cf)
    summary = created["ConnectionFunctionSummary"]
    fid = summary["Id"]
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["ETag"] == V1
    assert summary["Status"] == "UNPUBLISHED"
    assert summary["Stage"] == "DEVELOPMENT"
    assert summary["ConnectionFunctionConfig"] == CFG

    described = cf.describe_connection_function(Identifier=fid)
    assert described["ETag"] == V1
    assert described["ConnectionFunctionSummary"] == summary
    assert cf.get_connection_function(Identifier=fid)["ConnectionFunctionCode"].read() == ALLOW

    updated = update(cf, fid, V1, Comment="second")
    assert updated["ETag"] == V2
    assert updated["ConnectionFunctionSummary"]["ConnectionFunctionConfig"]["Comment"] == "second"

    published = cf.publish_connection_function(Id=fid, IfMatch=V2)["ConnectionFunctionSummary"]
    assert (published["Stage"], published["Status"]) == ("LIVE", "UNASSOCIATED")
    live = cf.describe_connection_function(Identifier=fid, Stage="LIVE")
    assert live["ETag"] == V2
    assert cf.get_connection_function(Identifier=fid, Stage="LIVE")["ConnectionFunctionCode"].read() == DENY
    assert cloudfront_functions.connection_functions["cfn"].live.code == DENY
    assert cloudfront_functions.connection_functions["cfn"].id == fid

    assert listed(cf.list_connection_functions()) == [("cfn", "DEVELOPMENT"), ("cfn", "LIVE")]

    deleted = cf.delete_connection_function(Id=fid, IfMatch=V2)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(cf.exceptions.EntityNotFound):
        cf.describe_connection_function(Identifier=fid)
    assert "cfn" not in cloudfront_functions.connection_functions


# -- create ---------------------------------------------------------------------------------------------------


def test_create_answers_201_with_id_arn_etag_and_location(cf: Any) -> None:
    """decisions 2, 14, 15, 16: opaque 20-character Id, ARN ends in the Id, Location carries the full ARN."""
    created = create(cf, Comment="")
    summary = created["ConnectionFunctionSummary"]
    fid = summary["Id"]
    assert ID_FORMAT.fullmatch(fid), fid
    assert summary["ConnectionFunctionArn"] == f"arn:aws:cloudfront::{ACCOUNT}:connection-function/{fid}"
    assert summary["ConnectionFunctionArn"].endswith("/" + fid)
    assert created["Location"] == LOCATION_PREFIX + summary["ConnectionFunctionArn"]
    headers = headers_of(created)
    assert headers["etag"] == V1
    assert headers["location"] == created["Location"]
    assert summary["ConnectionFunctionConfig"] == {"Comment": "", "Runtime": RT2}
    assert summary["CreatedTime"] == summary["LastModifiedTime"]
    assert summary["CreatedTime"].tzinfo is not None


def test_ids_are_unique_and_never_the_name(cf: Any) -> None:
    """decisions 15."""
    ids = {create_id(cf, f"n{i}") for i in range(20)}
    assert len(ids) == 20
    assert not ids & {f"n{i}" for i in range(20)}


def test_arn_and_location_use_the_configured_account() -> None:
    """decisions 14, 16."""
    with cfmock.mock_cloudfront_functions(account_id="111122223333"):
        client = boto3.client("cloudfront", region_name="us-east-1")
        created = create(client)
    arn = created["ConnectionFunctionSummary"]["ConnectionFunctionArn"]
    assert arn.startswith("arn:aws:cloudfront::111122223333:connection-function/")
    assert created["Location"] == LOCATION_PREFIX + arn


def test_duplicate_name_is_entity_already_exists(cf: Any) -> None:
    """api.md §5.2: EntityAlreadyExists 409."""
    create(cf)
    with pytest.raises(cf.exceptions.EntityAlreadyExists) as excinfo:
        create(cf, code=DENY)
    assert error_of(excinfo)[2] == 409
    assert len(cf.list_connection_functions()["ConnectionFunctions"]) == 1


def test_a_deleted_name_can_be_reused_with_a_new_id(cf: Any) -> None:
    """decisions 15: Ids are never reused."""
    fid = create_id(cf)
    cf.delete_connection_function(Id=fid, IfMatch=V1)
    again = create(cf)
    assert again["ETag"] == V1
    assert again["ConnectionFunctionSummary"]["Id"] != fid


def test_entity_limit_exceeded_at_the_101st(cf: Any) -> None:
    """decisions 22: 100 connection functions per account, EntityLimitExceeded (400) at the 101st."""
    for i in range(100):
        create(cf, f"f{i:03d}")
    with pytest.raises(cf.exceptions.EntityLimitExceeded) as excinfo:
        create(cf, "one-too-many")
    assert error_of(excinfo)[2] == 400
    with pytest.raises(cf.exceptions.EntityNotFound):
        cf.describe_connection_function(Identifier="one-too-many")


def test_runtime_1_0_is_invalid_argument(cf: Any) -> None:
    """decisions 21."""
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        create(cf, Runtime=RT1)
    assert error_of(excinfo)[2] == 400
    fid = create_id(cf)
    with pytest.raises(cf.exceptions.InvalidArgument):
        update(cf, fid, V1, Runtime=RT1)
    assert cf.describe_connection_function(Identifier=fid)["ETag"] == V1


@pytest.mark.parametrize("size", [10_241, 40_960])
def test_code_over_10240_bytes_is_entity_size_limit_exceeded(cf: Any, size: int) -> None:
    """decisions 19: EntitySizeLimitExceeded 413 on Create and Update; exactly 10,240 bytes is accepted."""
    with pytest.raises(cf.exceptions.EntitySizeLimitExceeded) as excinfo:
        create(cf, code=b"x" * size)
    assert error_of(excinfo)[2] == 413
    fid = create_id(cf, code=b"/" * 10_240)
    with pytest.raises(cf.exceptions.EntitySizeLimitExceeded) as excinfo:
        update(cf, fid, V1, code=b"x" * size)
    assert error_of(excinfo)[2] == 413
    assert cf.get_connection_function(Identifier=fid)["ConnectionFunctionCode"].read() == b"/" * 10_240


def test_comment_over_128_characters_is_invalid_argument(cf: Any) -> None:
    """decisions 18 (FunctionConfig shape shared with functions)."""
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        create(cf, Comment="c" * 129)
    assert error_of(excinfo) == ("InvalidArgument", "The parameter Comment is too big.", 400)
    create(cf, Comment="c" * 128)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"name": "bad name!"}, "at 'name'"),
        ({"name": "n" * (max_length("FunctionName") + 1)}, "at 'name'"),
        ({"code": b""}, "at 'connectionFunctionCode'"),
        ({"Runtime": "nodejs"}, f"Member must satisfy value set: {value_set('FunctionRuntime')}"),
    ],
    ids=["pattern", "length", "empty-code", "runtime-enum"],
)
def test_model_constraint_violations_are_malformed_xml(cf: Any, kwargs: dict[str, Any], fragment: str) -> None:
    """decisions 17: plain ClientError MalformedXML 400 with the AWS-style message."""
    with pytest.raises(ClientError) as excinfo:
        create(cf, **kwargs)
    assert type(excinfo.value) is ClientError
    code, message, status = error_of(excinfo)
    assert (code, status) == ("MalformedXML", 400)
    assert re.match(r"\d+ validation errors? detected: Value '", message), message
    assert fragment in message


@pytest.mark.parametrize(
    "tag",
    [
        {"Key": "k" * (max_length("TagKey") + 1), "Value": "v"},
        {"Key": "bad#key", "Value": "v"},
        {"Key": "k", "Value": "v" * (max_length("TagValue") + 1)},
    ],
    ids=["key-too-long", "key-pattern", "value-too-long"],
)
def test_bad_tags_are_invalid_tagging(cf: Any, tag: dict[str, str]) -> None:
    """api.md §5.2, §9: CreateConnectionFunction models InvalidTagging (400) for tag constraints."""
    with pytest.raises(cf.exceptions.InvalidTagging) as excinfo:
        cf.create_connection_function(
            Name="cfn", ConnectionFunctionConfig=CFG, ConnectionFunctionCode=ALLOW, Tags={"Items": [tag]}
        )
    assert error_of(excinfo)[2] == error_status("CreateConnectionFunction", "InvalidTagging")
    with pytest.raises(cf.exceptions.EntityNotFound):
        cf.describe_connection_function(Identifier="cfn")


def test_good_tags_are_accepted(cf: Any) -> None:
    created = cf.create_connection_function(
        Name="cfn",
        ConnectionFunctionConfig=CFG,
        ConnectionFunctionCode=ALLOW,
        Tags={"Items": [{"Key": "team", "Value": "edge"}]},
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201


# -- identifiers (decisions 15) ---------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["id", "name", "arn"])
def test_identifier_labels_accept_id_name_and_arn(cf: Any, form: str) -> None:
    """Describe, Get and ListDistributionsByConnectionFunction take an Identifier: Id, name or ARN."""
    summary = create(cf)["ConnectionFunctionSummary"]
    create(cf, "other", code=DENY)
    identifier = {"id": summary["Id"], "name": "cfn", "arn": summary["ConnectionFunctionArn"]}[form]
    described = cf.describe_connection_function(Identifier=identifier)
    assert described["ConnectionFunctionSummary"]["Id"] == summary["Id"]
    assert cf.get_connection_function(Identifier=identifier)["ConnectionFunctionCode"].read() == ALLOW
    distributions = cf.list_distributions_by_connection_function(ConnectionFunctionIdentifier=identifier)
    assert distributions["DistributionList"]["Quantity"] == 0


ID_OPERATIONS = [
    ("update_connection_function", {"ConnectionFunctionConfig": CFG, "ConnectionFunctionCode": DENY}),
    ("publish_connection_function", {}),
    ("delete_connection_function", {}),
    ("test_connection_function", {"ConnectionObject": CONNECTION}),
]


@pytest.mark.parametrize(("operation", "kwargs"), ID_OPERATIONS, ids=[op for op, _ in ID_OPERATIONS])
@pytest.mark.parametrize("form", ["name", "arn"])
def test_id_labels_accept_the_id_only(cf: Any, operation: str, kwargs: dict[str, Any], form: str) -> None:
    """Update, Publish, Delete and Test take an ``Id``: the name or the ARN is EntityNotFound (404)."""
    summary = create(cf)["ConnectionFunctionSummary"]
    identifier = "cfn" if form == "name" else summary["ConnectionFunctionArn"]
    with pytest.raises(cf.exceptions.EntityNotFound) as excinfo:
        getattr(cf, operation)(Id=identifier, IfMatch=V1, **kwargs)
    assert error_of(excinfo)[2] == 404
    getattr(cf, operation)(Id=summary["Id"], IfMatch=V1, **kwargs)  # the Id itself works


UNKNOWN_CALLS = [
    ("describe_connection_function", {"Identifier": "NOPE"}),
    ("get_connection_function", {"Identifier": "NOPE"}),
    ("describe_connection_function", {"Identifier": f"arn:aws:cloudfront::{ACCOUNT}:connection-function/NOPE"}),
    ("list_distributions_by_connection_function", {"ConnectionFunctionIdentifier": "NOPE"}),
    (
        "update_connection_function",
        {"Id": "NOPE", "IfMatch": V1, "ConnectionFunctionConfig": CFG, "ConnectionFunctionCode": ALLOW},
    ),
    ("publish_connection_function", {"Id": "NOPE", "IfMatch": V1}),
    ("delete_connection_function", {"Id": "NOPE", "IfMatch": V1}),
    ("test_connection_function", {"Id": "NOPE", "IfMatch": V1, "ConnectionObject": CONNECTION}),
]


@pytest.mark.parametrize(
    ("operation", "kwargs"), UNKNOWN_CALLS, ids=[f"{op}-{i}" for i, (op, _) in enumerate(UNKNOWN_CALLS)]
)
def test_unknown_function_is_entity_not_found(cf: Any, operation: str, kwargs: dict[str, Any]) -> None:
    """api.md §5.2, §8: the generic family, EntityNotFound 404 (decisions 13 for ListDistributionsBy…)."""
    create(cf)
    with pytest.raises(cf.exceptions.EntityNotFound) as excinfo:
        getattr(cf, operation)(**kwargs)
    assert error_of(excinfo) == ("EntityNotFound", "The entity was not found.", 404)


@pytest.mark.parametrize("if_match", ["", FOREIGN_ETAG, V1])
@pytest.mark.parametrize(("operation", "kwargs"), ID_OPERATIONS, ids=[op for op, _ in ID_OPERATIONS])
def test_existence_is_checked_before_if_match(cf: Any, operation: str, kwargs: dict[str, Any], if_match: str) -> None:
    """decisions 7: unknown Id -> 404 whatever the If-Match."""
    with pytest.raises(cf.exceptions.EntityNotFound):
        getattr(cf, operation)(Id="NOPE", IfMatch=if_match, **kwargs)


# -- stages and ETags (decisions 1–9) ---------------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["describe_connection_function", "get_connection_function"])
def test_live_before_the_first_publish_is_entity_not_found(cf: Any, operation: str) -> None:
    """decisions 6."""
    create(cf)
    with pytest.raises(cf.exceptions.EntityNotFound) as excinfo:
        getattr(cf, operation)(Identifier="cfn", Stage="LIVE")
    assert error_of(excinfo)[2] == 404


def test_missing_stage_means_development(cf: Any) -> None:
    """decisions 1."""
    fid = create_id(cf)
    cf.publish_connection_function(Id=fid, IfMatch=V1)
    update(cf, fid, V1)
    described = cf.describe_connection_function(Identifier=fid)
    assert (described["ETag"], described["ConnectionFunctionSummary"]["Stage"]) == (V2, "DEVELOPMENT")
    got = cf.get_connection_function(Identifier=fid)
    assert (got["ETag"], got["ConnectionFunctionCode"].read()) == (V2, DENY)
    assert json.loads(run_test(cf, fid, V2)["ConnectionFunctionOutput"])["action"] == "deny"


def test_update_bumps_only_development_and_publish_copies_it_with_its_etag(cf: Any, cloudfront_functions: Any) -> None:
    """decisions 2, 3: Update bumps the DEVELOPMENT version; Publish keeps it and LIVE takes that ETag."""
    fid = create_id(cf)
    cf.publish_connection_function(Id=fid, IfMatch=V1)
    assert cf.describe_connection_function(Identifier=fid, Stage="LIVE")["ETag"] == V1
    etags = [update(cf, fid, V1)["ETag"]]
    etags.append(update(cf, fid, etags[-1], code=ALLOW)["ETag"])
    assert etags[0] == V2
    assert ETAG_FORMAT.fullmatch(etags[1]) and etags[1] not in (V1, V2)
    assert cf.describe_connection_function(Identifier=fid, Stage="LIVE")["ETag"] == V1  # LIVE untouched
    assert cloudfront_functions.connection_functions["cfn"].live.code == ALLOW
    published = cf.publish_connection_function(Id=fid, IfMatch=etags[1])
    assert "ETag" not in published  # no ETag header in the model
    assert cf.describe_connection_function(Identifier=fid)["ETag"] == etags[1]
    assert cf.describe_connection_function(Identifier=fid, Stage="LIVE")["ETag"] == etags[1]


def test_update_connection_function_etag_header_is_spelled_normally(cf: Any) -> None:
    """api.md §2.4, §5.2: UpdateConnectionFunction's model reads ``ETag`` (only UpdateFunction has ``ETtag``)."""
    fid = create_id(cf)
    updated = update(cf, fid, V1)
    assert updated["ETag"] == V2
    assert headers_of(updated)["etag"] == V2


def test_describe_and_get_send_the_stage_etag(cf: Any) -> None:
    fid = create_id(cf)
    assert headers_of(cf.describe_connection_function(Identifier=fid))["etag"] == V1
    got = cf.get_connection_function(Identifier=fid)
    assert isinstance(got["ConnectionFunctionCode"], StreamingBody)
    assert got["ETag"] == V1
    assert got["ContentType"] == "application/octet-stream"


def test_republishing_unchanged_succeeds_with_the_live_summary(cf: Any) -> None:
    """decisions 4."""
    fid = create_id(cf)
    first = cf.publish_connection_function(Id=fid, IfMatch=V1)["ConnectionFunctionSummary"]
    again = cf.publish_connection_function(Id=fid, IfMatch=V1)["ConnectionFunctionSummary"]
    assert again == first
    assert again["Stage"] == "LIVE"


def test_status_is_resource_wide(cf: Any) -> None:
    """decisions 8: UNPUBLISHED until the first publish, then UNASSOCIATED, also after a later update."""
    fid = create_id(cf)
    assert update(cf, fid, V1)["ConnectionFunctionSummary"]["Status"] == "UNPUBLISHED"
    cf.publish_connection_function(Id=fid, IfMatch=V2)
    after = update(cf, fid, V2, code=ALLOW)["ConnectionFunctionSummary"]
    assert after["Status"] == "UNASSOCIATED"
    for stage in ("DEVELOPMENT", "LIVE"):
        summary = cf.describe_connection_function(Identifier=fid, Stage=stage)["ConnectionFunctionSummary"]
        assert summary["Status"] == "UNASSOCIATED"


def test_live_timestamps(cf: Any) -> None:
    """decisions 9: LIVE CreatedTime is the creation time; LastModifiedTime the DEVELOPMENT one at publish."""
    created = create(cf)["ConnectionFunctionSummary"]
    updated = update(cf, created["Id"], V1)["ConnectionFunctionSummary"]
    live = cf.publish_connection_function(Id=created["Id"], IfMatch=V2)["ConnectionFunctionSummary"]
    assert live["CreatedTime"] == created["CreatedTime"]
    assert live["LastModifiedTime"] == updated["LastModifiedTime"]
    later = update(cf, created["Id"], V2)["ConnectionFunctionSummary"]
    assert later["LastModifiedTime"] >= updated["LastModifiedTime"]
    live_again = cf.describe_connection_function(Identifier=created["Id"], Stage="LIVE")["ConnectionFunctionSummary"]
    assert live_again["LastModifiedTime"] == updated["LastModifiedTime"]


# -- If-Match (decisions 3, 5, 7) -------------------------------------------------------------------------------

IF_MATCH_OPERATIONS = ID_OPERATIONS[:3]


@pytest.mark.parametrize(("operation", "kwargs"), IF_MATCH_OPERATIONS, ids=[op for op, _ in IF_MATCH_OPERATIONS])
def test_stale_if_match_is_precondition_failed(cf: Any, operation: str, kwargs: dict[str, Any]) -> None:
    fid = create_id(cf)
    for stale in (FOREIGN_ETAG, V2):
        with pytest.raises(cf.exceptions.PreconditionFailed) as excinfo:
            getattr(cf, operation)(Id=fid, IfMatch=stale, **kwargs)
        assert error_of(excinfo) == ("PreconditionFailed", PRECONDITION_MESSAGE, 412)
    assert cf.describe_connection_function(Identifier=fid)["ETag"] == V1
    with pytest.raises(cf.exceptions.EntityNotFound):
        cf.describe_connection_function(Identifier=fid, Stage="LIVE")


@pytest.mark.parametrize(("operation", "kwargs"), IF_MATCH_OPERATIONS, ids=[op for op, _ in IF_MATCH_OPERATIONS])
def test_the_previous_etag_is_stale_after_an_update(cf: Any, operation: str, kwargs: dict[str, Any]) -> None:
    """decisions 3: Update, Publish and Delete demand the current DEVELOPMENT ETag."""
    fid = create_id(cf)
    update(cf, fid, V1)
    with pytest.raises(cf.exceptions.PreconditionFailed):
        getattr(cf, operation)(Id=fid, IfMatch=V1, **kwargs)
    getattr(cf, operation)(Id=fid, IfMatch=V2, **kwargs)


def test_publish_and_delete_demand_the_development_etag_not_the_live_one(cf: Any) -> None:
    """decisions 3."""
    fid = create_id(cf)
    cf.publish_connection_function(Id=fid, IfMatch=V1)
    update(cf, fid, V1)
    with pytest.raises(cf.exceptions.PreconditionFailed):
        cf.publish_connection_function(Id=fid, IfMatch=V1)
    with pytest.raises(cf.exceptions.PreconditionFailed):
        cf.delete_connection_function(Id=fid, IfMatch=V1)
    cf.delete_connection_function(Id=fid, IfMatch=V2)


@pytest.mark.parametrize(("operation", "kwargs"), ID_OPERATIONS, ids=[op for op, _ in ID_OPERATIONS])
def test_empty_if_match_is_invalid_if_match_version(cf: Any, operation: str, kwargs: dict[str, Any]) -> None:
    fid = create_id(cf)
    with pytest.raises(cf.exceptions.InvalidIfMatchVersion) as excinfo:
        getattr(cf, operation)(Id=fid, IfMatch="", **kwargs)
    assert error_of(excinfo) == (
        "InvalidIfMatchVersion",
        "The If-Match version is missing or not valid for the resource.",
        400,
    )
    assert cf.describe_connection_function(Identifier=fid)["ETag"] == V1


@pytest.mark.parametrize(("operation", "kwargs"), ID_OPERATIONS, ids=[op for op, _ in ID_OPERATIONS])
def test_missing_if_match_header_on_the_wire_is_invalid_if_match_version(
    own_cf: Any, operation: str, kwargs: dict[str, Any]
) -> None:
    """A request without any If-Match header (botocore refuses to send one; another SDK might) -> 400."""
    fid = create_id(own_cf)
    stripped: list[str] = []

    def strip_if_match(params: dict[str, Any], **_: Any) -> None:
        stripped.append(params["headers"].pop("If-Match"))

    api_name = "".join(part.title() for part in operation.split("_"))
    own_cf.meta.events.register(f"before-call.cloudfront.{api_name}", strip_if_match)
    with pytest.raises(own_cf.exceptions.InvalidIfMatchVersion) as excinfo:
        getattr(own_cf, operation)(Id=fid, IfMatch=V1, **kwargs)
    assert stripped == [V1]
    assert error_of(excinfo)[2] == 400


def test_if_match_is_checked_before_the_body(cf: Any) -> None:
    """decisions 7: If-Match (400, then 412) before body validation (413, InvalidArgument)."""
    fid = create_id(cf)
    for body in ({"code": b"x" * 10_241}, {"Runtime": RT1}, {"Comment": "c" * 129}):
        with pytest.raises(cf.exceptions.InvalidIfMatchVersion):
            update(cf, fid, "", **body)
        with pytest.raises(cf.exceptions.PreconditionFailed):
            update(cf, fid, FOREIGN_ETAG, **body)
        with pytest.raises((cf.exceptions.EntitySizeLimitExceeded, cf.exceptions.InvalidArgument)):
            update(cf, fid, V1, **body)
    assert cf.get_connection_function(Identifier=fid)["ConnectionFunctionCode"].read() == ALLOW


# -- TestConnectionFunction's If-Match and stage rules (decisions 1, 5, 6, 7) ---------------------------------


def test_test_runs_development_with_the_development_etag(cf: Any) -> None:
    fid = create_id(cf)
    result = run_test(cf, fid, V1)
    assert json.loads(result["ConnectionFunctionOutput"]) == {"action": "allow", "customData": None}
    assert result["ConnectionFunctionErrorMessage"] == ""
    assert result["ConnectionFunctionSummary"]["Stage"] == "DEVELOPMENT"
    assert result["ConnectionFunctionSummary"]["Id"] == fid


def test_test_live_before_publish_is_entity_not_found(cf: Any) -> None:
    """decisions 6, 7: the stage must exist, whatever the If-Match."""
    fid = create_id(cf)
    for if_match in (V1, "", FOREIGN_ETAG):
        with pytest.raises(cf.exceptions.EntityNotFound) as excinfo:
            run_test(cf, fid, if_match, "LIVE")
        assert error_of(excinfo)[2] == 404


def test_test_live_requires_the_live_etag(cf: Any) -> None:
    """decisions 5: Stage=LIVE wants the LIVE ETag; a mismatch is PreconditionFailed 412 for connection functions."""
    fid = create_id(cf)
    cf.publish_connection_function(Id=fid, IfMatch=V1)
    update(cf, fid, V1)  # DEVELOPMENT now denies (V2); LIVE still allows (V1)
    live = run_test(cf, fid, V1, "LIVE")
    assert json.loads(live["ConnectionFunctionOutput"])["action"] == "allow"
    assert live["ConnectionFunctionSummary"]["Stage"] == "LIVE"
    dev = run_test(cf, fid, V2, "DEVELOPMENT")
    assert json.loads(dev["ConnectionFunctionOutput"])["action"] == "deny"
    with pytest.raises(cf.exceptions.PreconditionFailed) as excinfo:
        run_test(cf, fid, V2, "LIVE")
    assert error_of(excinfo) == ("PreconditionFailed", PRECONDITION_MESSAGE, 412)
    with pytest.raises(cf.exceptions.PreconditionFailed):
        run_test(cf, fid, V1, "DEVELOPMENT")
    with pytest.raises(cf.exceptions.PreconditionFailed):
        run_test(cf, fid, V1)  # no Stage: DEVELOPMENT (decisions 1)
    with pytest.raises(cf.exceptions.InvalidIfMatchVersion) as empty:
        run_test(cf, fid, "", "LIVE")
    assert error_of(empty)[2] == 400


@pytest.mark.parametrize("event", [b"[1, 2]", b"not json", b"{" + b" " * 40_960 + b"}"], ids=["array", "text", "big"])
def test_test_with_a_bad_connection_object_is_invalid_argument(cf: Any, event: bytes) -> None:
    """decisions 23, 32."""
    fid = create_id(cf)
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        cf.test_connection_function(Id=fid, IfMatch=V1, ConnectionObject=event)
    assert error_of(excinfo)[2] == 400


def test_javascript_error_is_not_an_api_error(cf: Any) -> None:
    """decisions 24: 200 with ConnectionFunctionErrorMessage set; TestFunctionFailed is never sent for user code."""
    fid = create_id(cf, code=b"function connectionHandler(connection) { null.x; }")
    result = run_test(cf, fid, V1)
    assert result["ConnectionFunctionErrorMessage"].startswith(
        "The CloudFront function associated with the CloudFront distribution is invalid or could not run. TypeError"
    )


# -- lists (decisions 11–13) --------------------------------------------------------------------------------------


def test_empty_list_omits_connection_functions_and_next_marker(cf: Any) -> None:
    result = cf.list_connection_functions()
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "ConnectionFunctions" not in result
    assert "NextMarker" not in result
    assert "Quantity" not in result and "MaxItems" not in result


def test_list_both_stages_without_stage_and_the_stage_filter(cf: Any) -> None:
    """decisions 11, 12: by name, DEVELOPMENT before LIVE; no Quantity, no MaxItems."""
    ids = {name: create_id(cf, name) for name in ("b", "a", "c")}
    cf.publish_connection_function(Id=ids["b"], IfMatch=V1)
    cf.publish_connection_function(Id=ids["a"], IfMatch=V1)
    both = cf.list_connection_functions()
    assert listed(both) == [
        ("a", "DEVELOPMENT"),
        ("a", "LIVE"),
        ("b", "DEVELOPMENT"),
        ("b", "LIVE"),
        ("c", "DEVELOPMENT"),
    ]
    assert "Quantity" not in both and "MaxItems" not in both and "NextMarker" not in both
    assert listed(cf.list_connection_functions(Stage="LIVE")) == [("a", "LIVE"), ("b", "LIVE")]
    assert listed(cf.list_connection_functions(Stage="DEVELOPMENT")) == [
        ("a", "DEVELOPMENT"),
        ("b", "DEVELOPMENT"),
        ("c", "DEVELOPMENT"),
    ]
    summaries = {(s["Name"], s["Stage"]): s for s in both["ConnectionFunctions"]}
    assert summaries[("a", "LIVE")]["Id"] == ids["a"]


def test_live_filter_with_nothing_published_omits_the_list(cf: Any) -> None:
    create(cf)
    assert "ConnectionFunctions" not in cf.list_connection_functions(Stage="LIVE")


@pytest.mark.parametrize("stage", [None, "DEVELOPMENT", "LIVE"])
def test_paging_with_next_marker_has_no_gaps_or_duplicates(cf: Any, stage: str | None) -> None:
    """decisions 11, 12: MaxItems is an integer; NextMarker only while more remain."""
    for i in range(7):
        fid = create_id(cf, f"f{i}")
        if i % 2:
            cf.publish_connection_function(Id=fid, IfMatch=V1)
    kwargs: dict[str, Any] = {"Stage": stage} if stage else {}
    everything = listed(cf.list_connection_functions(**kwargs))
    pages: list[list[tuple[str, str]]] = []
    marker: str | None = None
    while True:
        page = cf.list_connection_functions(MaxItems=2, **kwargs, **({"Marker": marker} if marker else {}))
        pages.append(listed(page))
        assert len(pages[-1]) <= 2
        marker = page.get("NextMarker")
        if marker is None:
            break
        assert marker
    assert [entry for page in pages for entry in page] == everything
    assert len(everything) == {None: 10, "DEVELOPMENT": 7, "LIVE": 3}[stage]
    assert all(len(p) == 2 for p in pages[:-1])


def test_default_and_maximum_max_items_is_100(cf: Any, cloudfront_functions: Any) -> None:
    """decisions 11, 12: 120 entries (60 published functions) come 100 to a page, even when asked for more."""
    for i in range(60):
        cloudfront_functions.connection_functions.create(f"f{i:02d}", ALLOW, publish=True)
    for kwargs in ({}, {"MaxItems": 500}):
        first = cf.list_connection_functions(**kwargs)
        assert len(first["ConnectionFunctions"]) == 100
        rest = cf.list_connection_functions(Marker=first["NextMarker"], **kwargs)
        assert len(rest["ConnectionFunctions"]) == 20
        assert "NextMarker" not in rest
        assert listed(first)[-1] == ("f49", "LIVE") and listed(rest)[0] == ("f50", "DEVELOPMENT")


def test_botocore_paginator_walks_connection_functions(cf: Any) -> None:
    for i in range(5):
        create(cf, f"f{i}")
    paginator = cf.get_paginator("list_connection_functions")
    names = [
        s["Name"] for page in paginator.paginate(PaginationConfig={"PageSize": 2}) for s in page["ConnectionFunctions"]
    ]
    assert names == [f"f{i}" for i in range(5)]


@pytest.mark.parametrize("kwargs", [{"MaxItems": 0}, {"Marker": "%%not-a-marker%%"}])
def test_bad_list_arguments_are_invalid_argument(cf: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        cf.list_connection_functions(**kwargs)
    assert error_of(excinfo)[2] == 400


def test_list_bad_stage_is_malformed_xml(cf: Any) -> None:
    """decisions 17."""
    with pytest.raises(ClientError) as excinfo:
        cf.list_connection_functions(Stage="PROD")
    assert error_of(excinfo)[0::2] == ("MalformedXML", 400)


def test_list_distributions_by_connection_function_is_empty_for_a_known_function(cf: Any) -> None:
    """decisions 13."""
    fid = create_id(cf)
    result = cf.list_distributions_by_connection_function(ConnectionFunctionIdentifier=fid)
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200
    dl = result["DistributionList"]
    assert dl["Marker"] == ""
    assert dl["IsTruncated"] is False
    assert dl["Quantity"] == 0
    assert "Items" not in dl or dl["Items"] == []
    assert "NextMarker" not in dl


def test_list_distributions_paginator_stops(cf: Any) -> None:
    create(cf)
    pages = list(
        cf.get_paginator("list_distributions_by_connection_function").paginate(ConnectionFunctionIdentifier="cfn")
    )
    assert len(pages) == 1
    assert pages[0]["DistributionList"]["Quantity"] == 0


# -- every documented error class (naturally above; inject_error for the rest) -----------------------------------

OPERATIONS = (
    "CreateConnectionFunction",
    "DescribeConnectionFunction",
    "GetConnectionFunction",
    "UpdateConnectionFunction",
    "PublishConnectionFunction",
    "DeleteConnectionFunction",
    "ListConnectionFunctions",
    "ListDistributionsByConnectionFunction",
    "TestConnectionFunction",
)


def _calls(fid: str) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "CreateConnectionFunction": (
            "create_connection_function",
            {"Name": "other", "ConnectionFunctionConfig": CFG, "ConnectionFunctionCode": ALLOW},
        ),
        "DescribeConnectionFunction": ("describe_connection_function", {"Identifier": fid}),
        "GetConnectionFunction": ("get_connection_function", {"Identifier": fid}),
        "UpdateConnectionFunction": (
            "update_connection_function",
            {"Id": fid, "IfMatch": V1, "ConnectionFunctionConfig": CFG, "ConnectionFunctionCode": ALLOW},
        ),
        "PublishConnectionFunction": ("publish_connection_function", {"Id": fid, "IfMatch": V1}),
        "DeleteConnectionFunction": ("delete_connection_function", {"Id": fid, "IfMatch": V1}),
        "ListConnectionFunctions": ("list_connection_functions", {}),
        "ListDistributionsByConnectionFunction": (
            "list_distributions_by_connection_function",
            {"ConnectionFunctionIdentifier": fid},
        ),
        "TestConnectionFunction": (
            "test_connection_function",
            {"Id": fid, "IfMatch": V1, "ConnectionObject": CONNECTION},
        ),
    }


DOCUMENTED = [
    (op, shape.error_code, shape.metadata["error"]["httpStatusCode"])
    for op in OPERATIONS
    for shape in _MODEL.operation_model(op).error_shapes
]


def test_the_documented_error_table_is_complete() -> None:
    """The codes cfmock raises by itself for these operations are among those the model documents (api.md §5.2,
    §8), so each has its client.exceptions class; the installed model may document more."""
    raised_by_cfmock = {"EntityNotFound", "EntityAlreadyExists", "EntityLimitExceeded", "EntitySizeLimitExceeded",
                        "InvalidArgument", "InvalidIfMatchVersion", "InvalidTagging", "PreconditionFailed",
                        "CannotDeleteEntityWhileInUse"}  # fmt: skip
    assert raised_by_cfmock <= {code for _, code, _ in DOCUMENTED}
    assert set(_calls("x")) == set(OPERATIONS)


@pytest.mark.parametrize(("operation", "code", "status"), DOCUMENTED, ids=[f"{o}-{c}" for o, c, _ in DOCUMENTED])
def test_every_documented_error_can_be_injected(
    cf: Any, cloudfront_functions: Any, operation: str, code: str, status: int
) -> None:
    """inject_error reaches what cannot happen naturally (AccessDenied, UnsupportedOperation, TestFunctionFailed…)."""
    fid = create_id(cf)
    method, kwargs = _calls(fid)[operation]
    cloudfront_functions.inject_error(operation, code)
    with pytest.raises(getattr(cf.exceptions, code)) as excinfo:
        getattr(cf, method)(**kwargs)
    response = excinfo.value.response
    assert response["Error"]["Code"] == code
    assert response["Error"]["Type"] == ("Receiver" if status >= 500 else "Sender")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert response["ResponseMetadata"]["RetryAttempts"] == 0  # a 500 is answered once, never retried
    assert cf.describe_connection_function(Identifier=fid)["ETag"] == V1  # the failed call changed nothing
    getattr(cf, method)(**kwargs)  # count=1: the next identical call is answered normally


def test_cannot_delete_while_in_use_keeps_the_function(cf: Any, cloudfront_functions: Any) -> None:
    """api.md §5.2: CannotDeleteEntityWhileInUse 409 (distributions are not modelled, so injected)."""
    fid = create_id(cf)
    cloudfront_functions.inject_error("delete_connection_function", "CannotDeleteEntityWhileInUse")
    with pytest.raises(cf.exceptions.CannotDeleteEntityWhileInUse) as excinfo:
        cf.delete_connection_function(Id=fid, IfMatch=V1)
    assert error_of(excinfo) == (
        "CannotDeleteEntityWhileInUse",
        "The entity cannot be deleted while it is in use.",
        409,
    )
    assert cloudfront_functions.connection_functions["cfn"].id == fid
