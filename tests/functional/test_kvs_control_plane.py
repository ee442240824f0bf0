"""KeyValueStore control plane (cloudfront service) through boto3 clients holding only dummy credentials.

Create/Describe/Update/List/DeleteKeyValueStore and the store associations of functions and connection
functions, checked against docs/spec/api.md §6, §8, §9 and decisions.md 2, 7, 14, 16, 17, 20, 34, 38.
"""

from __future__ import annotations

import importlib.util
import re
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError, ParamValidationError
from model_facts import has_input_member

import cfmock

V1 = "ETVPDKIKX0DER"  # decisions 2
V2 = "E3UN6WX5RRO2AG"
FOREIGN_ETAG = "E2EUQ1WTGCTBG2"
ETAG_FORMAT = re.compile(r"E[A-Z0-9]{12,13}")
ACCOUNT = "123456789012"  # decisions 14
UUID_LOWER = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
LOCATION_PREFIX = "https://cloudfront.amazonaws.com/2020-05-31/key-value-store/"
DUMMY = {"aws_access_key_id": "x", "aws_secret_access_key": "y"}
RT1, RT2 = "cloudfront-js-1.0", "cloudfront-js-2.0"
FN_CODE = b"function handler(event) { return event.request; }"
CFN_CODE = b"function connectionHandler(connection) { connection.allow(); }"
MISSING_ARN = f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/00000000-0000-4000-8000-00000000dead"
_MODEL = botocore.session.get_session().get_service_model("cloudfront")


@pytest.fixture(scope="module")
def shared_client() -> Any:
    return boto3.client("cloudfront", region_name="us-east-1", **DUMMY)


@pytest.fixture
def cf(cloudfront_functions: Any, shared_client: Any) -> Any:
    """A CloudFront client with only dummy credentials, answered by this test's fresh activation."""
    return shared_client


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def headers_of(response: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): v for k, v in response["ResponseMetadata"]["HTTPHeaders"].items()}


def new_store(cf: Any, name: str = "store", **kwargs: Any) -> dict[str, Any]:
    return cf.create_key_value_store(Name=name, **kwargs)["KeyValueStore"]


def association(*arns: str, quantity: int | None = None) -> dict[str, Any]:
    return {
        "Quantity": len(arns) if quantity is None else quantity,
        "Items": [{"KeyValueStoreARN": arn} for arn in arns],
    }


def fn_config(*arns: str, runtime: str = RT2, **assoc: Any) -> dict[str, Any]:
    config: dict[str, Any] = {"Comment": "", "Runtime": runtime}
    if arns or assoc:
        config["KeyValueStoreAssociations"] = association(*arns, **assoc)
    return config


# -- the lifecycle ----------------------------------------------------------------------------------------------


def test_awscrt_is_not_installed() -> None:
    """decisions 36: everything here runs without awscrt."""
    assert importlib.util.find_spec("awscrt") is None


def test_lifecycle_create_describe_update_list_delete(cf: Any, cloudfront_functions: Any) -> None:
    """api.md §6.2; decisions 2, 16, 34."""
    created = cf.create_key_value_store(Name="store", Comment="first")
    store = created["KeyValueStore"]
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert store["Status"] == "PROVISIONING"  # decisions 34: only in the create answer
    assert created["ETag"] == V1
    assert headers_of(created)["etag"] == V1
    assert UUID_LOWER.fullmatch(store["Id"]), store["Id"]
    assert store["ARN"] == f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/{store['Id']}"
    assert created["Location"] == LOCATION_PREFIX + store["ARN"]
    assert headers_of(created)["location"] == created["Location"]
    assert (store["Name"], store["Comment"]) == ("store", "first")
    assert store["LastModifiedTime"].tzinfo is not None

    described = cf.describe_key_value_store(Name="store")
    assert described["ETag"] == V1
    assert described["KeyValueStore"] == {**store, "Status": "READY"}
    assert cloudfront_functions.key_value_stores["store"].arn == store["ARN"]

    with pytest.raises(cf.exceptions.InvalidIfMatchVersion) as empty:
        cf.update_key_value_store(Name="store", Comment="second", IfMatch="")
    assert error_of(empty)[2] == 400
    with pytest.raises(cf.exceptions.PreconditionFailed) as stale:
        cf.update_key_value_store(Name="store", Comment="second", IfMatch=V2)
    assert error_of(stale)[2] == 412
    updated = cf.update_key_value_store(Name="store", Comment="second", IfMatch=V1)
    assert updated["ETag"] == V2
    assert headers_of(updated)["etag"] == V2
    assert updated["KeyValueStore"]["Comment"] == "second"
    assert updated["KeyValueStore"]["Status"] == "READY"
    assert updated["KeyValueStore"]["LastModifiedTime"] >= store["LastModifiedTime"]
    third = cf.update_key_value_store(Name="store", Comment="", IfMatch=V2)["ETag"]
    assert ETAG_FORMAT.fullmatch(third) and third not in (V1, V2)
    assert cf.describe_key_value_store(Name="store")["ETag"] == third

    listed = cf.list_key_value_stores()["KeyValueStoreList"]
    assert [s["Name"] for s in listed["Items"]] == ["store"]
    assert listed["Items"][0]["Status"] == "READY"

    with pytest.raises(cf.exceptions.PreconditionFailed):
        cf.delete_key_value_store(Name="store", IfMatch=V2)
    deleted = cf.delete_key_value_store(Name="store", IfMatch=third)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(cf.exceptions.EntityNotFound):
        cf.describe_key_value_store(Name="store")
    assert "store" not in cloudfront_functions.key_value_stores


def test_create_key_value_store_tags_follow_the_installed_model(cf: Any) -> None:
    """CreateKeyValueStore has Tags from botocore 1.43.4 on; before that boto3 refuses them before any request."""
    tags = {"Items": [{"Key": "team", "Value": "edge"}]}
    if has_input_member("CreateKeyValueStore", "Tags"):
        assert cf.create_key_value_store(Name="store", Tags=tags)["KeyValueStore"]["Name"] == "store"
        with pytest.raises(ClientError) as excinfo:
            cf.create_key_value_store(Name="other", Tags={"Items": [{"Key": "bad!", "Value": "v"}]})
        assert error_of(excinfo)[0] == "MalformedXML"
        assert [s["Name"] for s in cf.list_key_value_stores()["KeyValueStoreList"]["Items"]] == ["store"]
    else:
        with pytest.raises(ParamValidationError, match='Unknown parameter in input: "Tags"'):
            cf.create_key_value_store(Name="store", Tags=tags)
        assert cf.list_key_value_stores()["KeyValueStoreList"]["Quantity"] == 0


def test_a_store_created_without_comment_has_none_in_any_answer(cf: Any) -> None:
    """decisions 43: Terraform's acceptance test, run against AWS, asserts the attribute is absent."""
    assert "Comment" not in new_store(cf)
    assert "Comment" not in cf.describe_key_value_store(Name="store")["KeyValueStore"]
    (listed,) = cf.list_key_value_stores()["KeyValueStoreList"]["Items"]
    assert "Comment" not in listed


def test_an_empty_comment_stays_empty(cf: Any) -> None:
    """decisions 43: a comment given as "" is answered as ""."""
    assert new_store(cf, Comment="")["Comment"] == ""
    assert cf.describe_key_value_store(Name="store")["KeyValueStore"]["Comment"] == ""
    assert cf.list_key_value_stores()["KeyValueStoreList"]["Items"][0]["Comment"] == ""


def test_an_update_gives_a_store_its_first_comment(cf: Any) -> None:
    """UpdateKeyValueStore requires Comment, so after one the store has a comment, "" included."""
    new_store(cf)
    updated = cf.update_key_value_store(Name="store", Comment="", IfMatch=V1)["KeyValueStore"]
    assert updated["Comment"] == ""
    assert cf.describe_key_value_store(Name="store")["KeyValueStore"]["Comment"] == ""


def test_a_store_seeded_without_comment_has_none(cf: Any, cloudfront_functions: Any) -> None:
    cloudfront_functions.key_value_stores.create("seeded")
    cloudfront_functions.key_value_stores.create("blank", comment="")
    assert "Comment" not in cf.describe_key_value_store(Name="seeded")["KeyValueStore"]
    assert cf.describe_key_value_store(Name="blank")["KeyValueStore"]["Comment"] == ""


def test_store_ids_are_unique(cf: Any) -> None:
    ids = {new_store(cf, f"s{i}")["Id"] for i in range(5)}
    assert len(ids) == 5


def test_arn_and_location_use_the_configured_account() -> None:
    """decisions 14, 16."""
    with cfmock.mock_cloudfront_functions(account_id="111122223333"):
        created = boto3.client("cloudfront", region_name="us-east-1", **DUMMY).create_key_value_store(Name="s")
    arn = created["KeyValueStore"]["ARN"]
    assert arn.startswith("arn:aws:cloudfront::111122223333:key-value-store/")
    assert created["Location"] == LOCATION_PREFIX + arn


# -- create errors --------------------------------------------------------------------------------------------


def test_duplicate_name_is_entity_already_exists(cf: Any) -> None:
    first = new_store(cf)
    with pytest.raises(cf.exceptions.EntityAlreadyExists) as excinfo:
        new_store(cf, Comment="again")
    assert error_of(excinfo)[2] == 409
    assert cf.describe_key_value_store(Name="store")["KeyValueStore"]["Id"] == first["Id"]


def test_a_deleted_name_can_be_reused_from_version_one(cf: Any) -> None:
    old = new_store(cf)
    cf.delete_key_value_store(Name="store", IfMatch=V1)
    again = cf.create_key_value_store(Name="store")
    assert again["ETag"] == V1
    assert again["KeyValueStore"]["Id"] != old["Id"]


def test_entity_limit_exceeded_once_the_quota_is_reached(cf: Any) -> None:
    """api.md §6.2: EntityLimitExceeded 400. The quota is 50 or 200 (runtime.md §4); either is accepted here."""
    created = 0
    with pytest.raises(cf.exceptions.EntityLimitExceeded) as excinfo:
        for i in range(201):
            new_store(cf, f"s{i:03d}")
            created += 1
    assert error_of(excinfo)[2] == 400
    assert created in (50, 200)
    listed = cf.list_key_value_stores()["KeyValueStoreList"]
    assert listed["Quantity"] == min(created, 100)
    with pytest.raises(cf.exceptions.EntityNotFound):
        cf.describe_key_value_store(Name=f"s{created:03d}")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"Name": "bad name!"}, "at 'name'"),
        ({"Name": "n" * 65}, "at 'name'"),
        ({"Name": "ok", "Comment": "c" * 129}, "at 'comment'"),
    ],
    ids=["name-pattern", "name-length", "comment-129"],
)
def test_model_constraint_violations_are_malformed_xml(cf: Any, kwargs: dict[str, Any], fragment: str) -> None:
    """decisions 17 / api.md §9: a plain ClientError MalformedXML 400, nothing created."""
    with pytest.raises(ClientError) as excinfo:
        cf.create_key_value_store(**kwargs)
    assert type(excinfo.value) is ClientError
    code, message, status = error_of(excinfo)
    assert (code, status) == ("MalformedXML", 400)
    assert re.match(r"\d+ validation errors? detected: Value '", message), message
    assert fragment in message
    assert "Items" not in cf.list_key_value_stores()["KeyValueStoreList"]


def test_128_character_comment_and_64_character_name_are_accepted(cf: Any) -> None:
    store = new_store(cf, "n" * 64, Comment="c" * 128)
    assert store["Comment"] == "c" * 128


def test_import_source_is_an_unsupported_operation_error_not_a_client_error(cf: Any) -> None:
    """cfmock cannot import from S3: its own UnsupportedOperationError, never a ClientError; nothing created."""
    with pytest.raises(cfmock.UnsupportedOperationError) as excinfo:
        cf.create_key_value_store(
            Name="store", ImportSource={"SourceType": "S3", "SourceARN": "arn:aws:s3:::bucket/data.json"}
        )
    assert not isinstance(excinfo.value, ClientError)
    assert "ImportSource" in str(excinfo.value)
    with pytest.raises(cf.exceptions.EntityNotFound):
        cf.describe_key_value_store(Name="store")


# -- describe / update / delete errors ------------------------------------------------------------------------


@pytest.mark.parametrize("if_match", ["", FOREIGN_ETAG, V1])
@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("describe_key_value_store", {}),
        ("update_key_value_store", {"Comment": "c"}),
        ("delete_key_value_store", {}),
    ],
)
def test_unknown_store_is_entity_not_found(cf: Any, operation: str, kwargs: dict[str, Any], if_match: str) -> None:
    """api.md §6.2; decisions 7: existence (404) is checked before If-Match."""
    new_store(cf)
    if operation != "describe_key_value_store":
        kwargs = {**kwargs, "IfMatch": if_match}
    with pytest.raises(cf.exceptions.EntityNotFound) as excinfo:
        getattr(cf, operation)(Name="nope", **kwargs)
    assert error_of(excinfo)[2] == 404


@pytest.mark.parametrize(
    ("operation", "kwargs"), [("update_key_value_store", {"Comment": "c"}), ("delete_key_value_store", {})]
)
def test_if_match_rules_of_update_and_delete(cf: Any, operation: str, kwargs: dict[str, Any]) -> None:
    """decisions 7: empty -> InvalidIfMatchVersion 400; stale -> PreconditionFailed 412; nothing applied."""
    new_store(cf, Comment="kept")
    with pytest.raises(cf.exceptions.InvalidIfMatchVersion) as empty:
        getattr(cf, operation)(Name="store", IfMatch="", **kwargs)
    assert error_of(empty) == (
        "InvalidIfMatchVersion",
        "The If-Match version is missing or not valid for the resource.",
        400,
    )
    for stale in (FOREIGN_ETAG, V2):
        with pytest.raises(cf.exceptions.PreconditionFailed) as excinfo:
            getattr(cf, operation)(Name="store", IfMatch=stale, **kwargs)
        assert error_of(excinfo)[2] == 412
    described = cf.describe_key_value_store(Name="store")
    assert (described["ETag"], described["KeyValueStore"]["Comment"]) == (V1, "kept")


def test_update_checks_if_match_before_the_comment(cf: Any) -> None:
    """decisions 7: If-Match before body validation; a 129-character comment is MalformedXML."""
    new_store(cf)
    with pytest.raises(cf.exceptions.InvalidIfMatchVersion):
        cf.update_key_value_store(Name="store", Comment="c" * 129, IfMatch="")
    with pytest.raises(cf.exceptions.PreconditionFailed):
        cf.update_key_value_store(Name="store", Comment="c" * 129, IfMatch=FOREIGN_ETAG)
    with pytest.raises(ClientError) as excinfo:
        cf.update_key_value_store(Name="store", Comment="c" * 129, IfMatch=V1)
    assert error_of(excinfo)[0::2] == ("MalformedXML", 400)
    assert cf.describe_key_value_store(Name="store")["ETag"] == V1


# -- list -------------------------------------------------------------------------------------------------------


def test_empty_list_omits_items_and_ends_with_an_empty_next_marker(cf: Any) -> None:
    """api.md §2.2, §6.2: NextMarker "" and MaxItems 100 on the last page; Items absent when empty."""
    listed = cf.list_key_value_stores()["KeyValueStoreList"]
    assert "Items" not in listed
    assert (listed["Quantity"], listed["MaxItems"], listed["NextMarker"]) == (0, 100, "")


@pytest.mark.parametrize("marker", ["!!!", "%%%", "zzzz", "YQ=="])
def test_a_marker_cfmock_did_not_issue_is_invalid_argument(cf: Any, marker: str) -> None:
    """Not read as 'from the start': a client looping on a corrupted marker would never end."""
    new_store(cf, "a")
    with pytest.raises(cf.exceptions.InvalidArgument):
        cf.list_key_value_stores(Marker=marker)


def test_status_filter(cf: Any) -> None:
    """decisions 34: every store reads READY after its create answer."""
    for name in ("b", "a"):
        new_store(cf, name)
    ready = cf.list_key_value_stores(Status="READY")["KeyValueStoreList"]
    assert [s["Name"] for s in ready["Items"]] == ["a", "b"]
    assert {s["Status"] for s in ready["Items"]} == {"READY"}
    provisioning = cf.list_key_value_stores(Status="PROVISIONING")["KeyValueStoreList"]
    assert "Items" not in provisioning
    assert provisioning["Quantity"] == 0


def test_max_items_paging(cf: Any) -> None:
    """MaxItems (a string in the model) pages by name; NextMarker "" on the last page."""
    names = [f"s{i}" for i in range(5)]
    for name in reversed(names):
        new_store(cf, name)
    seen: list[str] = []
    marker = ""
    pages = 0
    while True:
        kwargs = {"Marker": marker} if marker else {}
        page = cf.list_key_value_stores(MaxItems="2", **kwargs)["KeyValueStoreList"]
        pages += 1
        assert page["MaxItems"] == 2
        assert page["Quantity"] == len(page["Items"]) <= 2
        seen += [s["Name"] for s in page["Items"]]
        marker = page["NextMarker"]
        if marker == "":
            break
    assert seen == names
    assert pages == 3


def test_botocore_paginator_walks_the_stores(cf: Any) -> None:
    for i in range(5):
        new_store(cf, f"s{i}")
    paginator = cf.get_paginator("list_key_value_stores")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert [s["Name"] for p in pages for s in p["KeyValueStoreList"]["Items"]] == [f"s{i}" for i in range(5)]
    assert len(pages) == 3


@pytest.mark.parametrize("max_items", ["abc", "0", "-1"])
def test_bad_max_items_is_invalid_argument(cf: Any, max_items: str) -> None:
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        cf.list_key_value_stores(MaxItems=max_items)
    assert error_of(excinfo)[2] == 400


# -- associations (decisions 20) ------------------------------------------------------------------------------


def _create_function(cf: Any, config: dict[str, Any], name: str = "fn") -> dict[str, Any]:
    return cf.create_function(Name=name, FunctionConfig=config, FunctionCode=FN_CODE)


def _create_connection_function(cf: Any, config: dict[str, Any], name: str = "cfn") -> dict[str, Any]:
    return cf.create_connection_function(Name=name, ConnectionFunctionConfig=config, ConnectionFunctionCode=CFN_CODE)


def test_associations_with_an_existing_store_are_accepted(cf: Any) -> None:
    arn = new_store(cf)["ARN"]
    fn = _create_function(cf, fn_config(arn))["FunctionSummary"]["FunctionConfig"]
    assert fn["KeyValueStoreAssociations"] == association(arn)
    cfn = _create_connection_function(cf, fn_config(arn))["ConnectionFunctionSummary"]["ConnectionFunctionConfig"]
    assert cfn["KeyValueStoreAssociations"] == association(arn)


def _bad_associations(arn: str, other: str) -> dict[str, dict[str, Any]]:
    return {
        "missing-store": fn_config(MISSING_ARN),
        "two-stores": fn_config(arn, other),
        "quantity-mismatch": fn_config(arn, quantity=2),
        "quantity-without-items": {"Comment": "", "Runtime": RT2, "KeyValueStoreAssociations": {"Quantity": 1}},
    }


BAD = ["missing-store", "two-stores", "quantity-mismatch", "quantity-without-items"]


@pytest.mark.parametrize("case", BAD)
@pytest.mark.parametrize("kind", ["function", "connection-function"])
def test_bad_associations_on_create_are_invalid_argument(cf: Any, case: str, kind: str) -> None:
    """decisions 20: a store that does not exist, more than one, or a Quantity mismatch -> InvalidArgument 400."""
    config = _bad_associations(new_store(cf, "a")["ARN"], new_store(cf, "b")["ARN"])[case]
    create = _create_function if kind == "function" else _create_connection_function
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        create(cf, config)
    assert error_of(excinfo)[2] == 400
    assert "Items" not in cf.list_functions()["FunctionList"]
    assert "ConnectionFunctions" not in cf.list_connection_functions()


@pytest.mark.parametrize("case", BAD)
@pytest.mark.parametrize("kind", ["function", "connection-function"])
def test_bad_associations_on_update_are_invalid_argument(cf: Any, case: str, kind: str) -> None:
    config = _bad_associations(new_store(cf, "a")["ARN"], new_store(cf, "b")["ARN"])[case]
    if kind == "function":
        _create_function(cf, fn_config())
        with pytest.raises(cf.exceptions.InvalidArgument):
            cf.update_function(Name="fn", IfMatch=V1, FunctionConfig=config, FunctionCode=FN_CODE)
        assert cf.describe_function(Name="fn")["ETag"] == V1
    else:
        fid = _create_connection_function(cf, fn_config())["ConnectionFunctionSummary"]["Id"]
        with pytest.raises(cf.exceptions.InvalidArgument):
            cf.update_connection_function(
                Id=fid, IfMatch=V1, ConnectionFunctionConfig=config, ConnectionFunctionCode=CFN_CODE
            )
        assert cf.describe_connection_function(Identifier=fid)["ETag"] == V1


def test_a_store_association_with_runtime_1_0_is_invalid_argument(cf: Any) -> None:
    """decisions 20 (functions) and 21 (connection functions accept only 2.0)."""
    arn = new_store(cf)["ARN"]
    with pytest.raises(cf.exceptions.InvalidArgument):
        _create_function(cf, fn_config(arn, runtime=RT1))
    _create_function(cf, fn_config(runtime=RT1))
    with pytest.raises(cf.exceptions.InvalidArgument):
        cf.update_function(Name="fn", IfMatch=V1, FunctionConfig=fn_config(arn, runtime=RT1), FunctionCode=FN_CODE)
    with pytest.raises(cf.exceptions.InvalidArgument):
        _create_connection_function(cf, fn_config(arn, runtime=RT1))


def test_a_deleted_store_cannot_be_associated(cf: Any) -> None:
    arn = new_store(cf)["ARN"]
    cf.delete_key_value_store(Name="store", IfMatch=V1)
    with pytest.raises(cf.exceptions.InvalidArgument):
        _create_function(cf, fn_config(arn))


# -- delete while in use (decisions 38) -------------------------------------------------------------------------


def _assert_in_use(cf: Any) -> None:
    with pytest.raises(cf.exceptions.CannotDeleteEntityWhileInUse) as excinfo:
        cf.delete_key_value_store(Name="store", IfMatch=V1)
    assert error_of(excinfo) == (
        "CannotDeleteEntityWhileInUse",
        "The entity cannot be deleted while it is in use.",
        409,
    )
    assert cf.describe_key_value_store(Name="store")["ETag"] == V1


def test_in_use_by_a_function_development_then_only_live_then_free(cf: Any) -> None:
    arn = new_store(cf)["ARN"]
    _create_function(cf, fn_config(arn))
    _assert_in_use(cf)  # DEVELOPMENT references it
    cf.publish_function(Name="fn", IfMatch=V1)
    etag = cf.update_function(Name="fn", IfMatch=V1, FunctionConfig=fn_config(), FunctionCode=FN_CODE)["ETag"]
    _assert_in_use(cf)  # only LIVE references it now
    cf.publish_function(Name="fn", IfMatch=etag)
    assert cf.delete_key_value_store(Name="store", IfMatch=V1)["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_in_use_by_a_connection_function_development_then_only_live_then_free(cf: Any) -> None:
    arn = new_store(cf)["ARN"]
    fid = _create_connection_function(cf, fn_config(arn))["ConnectionFunctionSummary"]["Id"]
    _assert_in_use(cf)
    cf.publish_connection_function(Id=fid, IfMatch=V1)
    etag = cf.update_connection_function(
        Id=fid, IfMatch=V1, ConnectionFunctionConfig=fn_config(), ConnectionFunctionCode=CFN_CODE
    )["ETag"]
    _assert_in_use(cf)
    cf.publish_connection_function(Id=fid, IfMatch=etag)
    cf.delete_key_value_store(Name="store", IfMatch=V1)
    assert "Items" not in cf.list_key_value_stores()["KeyValueStoreList"]


def test_deleting_the_referencing_function_frees_the_store(cf: Any) -> None:
    arn = new_store(cf)["ARN"]
    _create_function(cf, fn_config(arn))
    fid = _create_connection_function(cf, fn_config(arn))["ConnectionFunctionSummary"]["Id"]
    cf.delete_function(Name="fn", IfMatch=V1)
    _assert_in_use(cf)  # the connection function still references it
    cf.delete_connection_function(Id=fid, IfMatch=V1)
    cf.delete_key_value_store(Name="store", IfMatch=V1)


def test_in_use_is_checked_after_if_match(cf: Any) -> None:
    """decisions 7: 404 -> 400 -> 412 -> 409."""
    arn = new_store(cf)["ARN"]
    _create_function(cf, fn_config(arn))
    with pytest.raises(cf.exceptions.InvalidIfMatchVersion):
        cf.delete_key_value_store(Name="store", IfMatch="")
    with pytest.raises(cf.exceptions.PreconditionFailed):
        cf.delete_key_value_store(Name="store", IfMatch=FOREIGN_ETAG)
    _assert_in_use(cf)


def test_another_store_is_not_in_use(cf: Any) -> None:
    arn = new_store(cf)["ARN"]
    new_store(cf, "other")
    _create_function(cf, fn_config(arn))
    cf.delete_key_value_store(Name="other", IfMatch=V1)


# -- every documented error ---------------------------------------------------------------------------------------

OPERATIONS = (
    "CreateKeyValueStore",
    "DescribeKeyValueStore",
    "UpdateKeyValueStore",
    "DeleteKeyValueStore",
    "ListKeyValueStores",
)
CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "CreateKeyValueStore": ("create_key_value_store", {"Name": "other"}),
    "DescribeKeyValueStore": ("describe_key_value_store", {"Name": "store"}),
    "UpdateKeyValueStore": ("update_key_value_store", {"Name": "store", "Comment": "c", "IfMatch": V1}),
    "DeleteKeyValueStore": ("delete_key_value_store", {"Name": "store", "IfMatch": V1}),
    "ListKeyValueStores": ("list_key_value_stores", {}),
}
DOCUMENTED = [
    (op, shape.error_code, shape.metadata["error"]["httpStatusCode"])
    for op in OPERATIONS
    for shape in _MODEL.operation_model(op).error_shapes
]


def test_the_documented_error_table_is_complete() -> None:
    """The codes cfmock raises by itself for these operations are among those the model documents; the installed
    model may document more."""
    raised_by_cfmock = {"EntityNotFound", "EntityAlreadyExists", "EntityLimitExceeded", "InvalidArgument",
                        "InvalidIfMatchVersion", "PreconditionFailed", "CannotDeleteEntityWhileInUse"}  # fmt: skip
    assert raised_by_cfmock <= {code for _, code, _ in DOCUMENTED}
    assert {op for op, _, _ in DOCUMENTED} == set(OPERATIONS)


@pytest.mark.parametrize(("operation", "code", "status"), DOCUMENTED, ids=[f"{o}-{c}" for o, c, _ in DOCUMENTED])
def test_every_documented_error_can_be_injected(
    cf: Any, cloudfront_functions: Any, operation: str, code: str, status: int
) -> None:
    """inject_error reaches what cannot happen naturally (AccessDenied, UnsupportedOperation, import size…)."""
    new_store(cf)
    method, kwargs = CALLS[operation]
    cloudfront_functions.inject_error(operation, code)
    with pytest.raises(getattr(cf.exceptions, code)) as excinfo:
        getattr(cf, method)(**kwargs)
    response = excinfo.value.response
    assert (response["Error"]["Code"], response["Error"]["Type"]) == (code, "Sender")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert cf.describe_key_value_store(Name="store")["ETag"] == V1  # nothing changed
    getattr(cf, method)(**kwargs)  # count=1: the next identical call succeeds


def test_control_plane_injection_is_not_consumed_by_the_data_plane(cf: Any, cloudfront_functions: Any) -> None:
    """inject_error("DescribeKeyValueStore", "AccessDenied") documents the *control-plane* operation
    (its codes are AccessDenied, EntityNotFound…), so only ``cloudfront``'s DescribeKeyValueStore may fail
    with it; the data plane's same-named operation (api.md §7) must be answered normally."""
    arn = new_store(cf)["ARN"]
    kvs = boto3.client("cloudfront-keyvaluestore", region_name="us-east-1", **DUMMY)
    cloudfront_functions.inject_error("DescribeKeyValueStore", "AccessDenied")
    assert kvs.describe_key_value_store(KvsARN=arn)["KvsARN"] == arn
    with pytest.raises(cf.exceptions.AccessDenied) as excinfo:
        cf.describe_key_value_store(Name="store")
    assert error_of(excinfo)[2] == 403
