"""``cfmock.wire.constraints``: model constraints botocore leaves to the service -> MalformedXML (decisions 17)."""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any

import botocore.session
import pytest
from botocore.model import DenormalizedStructureBuilder
from hypothesis import given, settings
from hypothesis import strategies as st
from model_facts import KVS, has_input_member, max_length, min_length, model, pattern, value_set

from cfmock.backend.errors import ServiceError
from cfmock.wire.constraints import check_constraints, compile_pattern

# Read from the installed model: a botocore release may change any of them (1.44 widened the KVS ARN's).
TAG_PATTERN = pattern("TagKey")
NAME_PATTERN = pattern("FunctionName")
NAME_MAX = max_length("FunctionName")
KVS_PATTERN = pattern("KeyValueStoreARN")
KVS_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0b9e4b2c-5d1f-4a8e-9c3b-2f6a7d8e9f01"
CFG = {"Comment": "c", "Runtime": "cloudfront-js-2.0"}
# CreateFunction takes Tags only from botocore 1.43.4 on; CreateConnectionFunction has them in every supported model.
FUNCTION_TAGS = has_input_member("CreateFunction", "Tags")


@cache
def _model() -> Any:
    return botocore.session.get_session().get_service_model("cloudfront")


def op(name: str) -> Any:
    return _model().operation_model(name)


def violations(operation: str, params: dict[str, Any], error_code: str = "MalformedXML") -> ServiceError:
    with pytest.raises(ServiceError) as excinfo:
        check_constraints(op(operation), params, error_code)
    assert excinfo.value.code == error_code
    return excinfo.value


# -- the \p{..} tag pattern -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "ABC123",
        "é ü ß",
        "日本語",
        "Ελληνικά",
        "٣٤",  # Arabic-Indic digits: \p{N}
        "Ⅻ½",  # letter number, other number
        "\u00a0\u3000\u2028",  # \p{Z}: no-break, ideographic space, line separator
        "_.:/=+-@",
        "ǅ",  # title-case letter
    ],
)
def test_tag_pattern_accepts_letters_separators_numbers_and_the_listed_symbols(value: str) -> None:
    assert compile_pattern(TAG_PATTERN)(value)


@pytest.mark.parametrize("value", ["!", "#", "a\tb", "line\nbreak", "😀", "\\", "a*b", "$", "~", "(", "a,b", "é!"])
def test_tag_pattern_rejects_everything_else(value: str) -> None:
    assert not compile_pattern(TAG_PATTERN)(value)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=20))
def test_tag_pattern_matches_its_unicode_definition(value: str) -> None:
    import unicodedata

    expected = all(unicodedata.category(ch)[0] in "LZN" or ch in "_.:/=+-@" for ch in value)
    assert compile_pattern(TAG_PATTERN)(value) is expected


def test_plain_patterns_must_match_the_whole_value() -> None:
    name = compile_pattern(NAME_PATTERN)
    for good in ("a", "my-fn_1", "-", "_", "A" * NAME_MAX):
        assert name(good), good
    for bad in ("", "a b", "a.b", "a/b", "é", "a" * (NAME_MAX + 1), "fn\n"):
        assert not name(bad), bad
    kvs = compile_pattern(KVS_PATTERN)
    assert kvs(KVS_ARN)
    assert not kvs(KVS_ARN + "0")
    assert not kvs("x" + KVS_ARN)


def test_unsupported_category_patterns_are_refused() -> None:
    with pytest.raises(ValueError):
        compile_pattern(r"[\p{L}]+")


# -- message forms --------------------------------------------------------------------------------------------


def test_pattern_message() -> None:
    error = violations("CreateFunction", {"Name": "bad name!", "FunctionConfig": CFG, "FunctionCode": b"x"})
    assert error.message == (
        "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {NAME_PATTERN}"
    )


def test_max_length_message_and_plural_count() -> None:
    name = "n" * (NAME_MAX + 1)
    error = violations("CreateFunction", {"Name": name, "FunctionConfig": CFG, "FunctionCode": b"x"})
    assert error.message == (
        f"2 validation errors detected: Value '{name}' at 'name' failed to satisfy constraint: "
        f"Member must have length less than or equal to {NAME_MAX}; "
        f"Value '{name}' at 'name' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {NAME_PATTERN}"
    )


def test_min_length_message_for_a_blob() -> None:
    error = violations("CreateFunction", {"Name": "fn", "FunctionConfig": CFG, "FunctionCode": b""})
    assert error.message.startswith("1 validation error detected: Value '")
    assert error.message.endswith(
        "' at 'functionCode' failed to satisfy constraint: Member must have length greater than or equal to "
        f"{min_length('FunctionBlob')}"
    )


def test_blob_max_length() -> None:
    limit = max_length("FunctionBlob")
    error = violations("CreateFunction", {"Name": "fn", "FunctionConfig": CFG, "FunctionCode": b"x" * (limit + 1)})
    assert f"at 'functionCode' failed to satisfy constraint: Member must have length less than or equal to {limit}" in (
        error.message
    )
    check_constraints(op("CreateFunction"), {"Name": "fn", "FunctionConfig": CFG, "FunctionCode": b"x" * limit})


def test_enum_message() -> None:
    error = violations("DescribeFunction", {"Name": "fn", "Stage": "PROD"})
    assert error.message.startswith(
        "1 validation error detected: Value 'PROD' at 'stage' failed to satisfy constraint: "
    )
    # api.md §4.3's real enum form (also seen from CloudFront in the wild): "value set", not "enum value set".
    stages = value_set("FunctionStage")
    assert error.message.endswith(f"failed to satisfy constraint: Member must satisfy value set: {stages}")


def create_connection_function(**extra: Any) -> dict[str, Any]:
    return {"Name": "fn", "ConnectionFunctionConfig": CFG, "ConnectionFunctionCode": b"x", **extra}


def test_nested_and_list_paths_are_one_based() -> None:
    tags = {"Items": [{"Key": "ok", "Value": "fine"}, {"Key": "bad!", "Value": "v"}]}
    config = {**CFG, "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": "arn:nope"}]}}
    params = {"Name": "fn", "ConnectionFunctionConfig": config, "ConnectionFunctionCode": b"x", "Tags": tags}
    error = violations("CreateConnectionFunction", params)
    assert error.message.startswith("2 validation errors detected: ")
    assert (
        "Value 'arn:nope' at 'connectionFunctionConfig.keyValueStoreAssociations.items.1.member.keyValueStoreARN'"
        in (error.message)
    )
    assert "Value 'bad!' at 'tags.items.2.member.key' failed to satisfy constraint: " in error.message
    assert f"Member must satisfy regular expression pattern: {TAG_PATTERN}" in error.message


def test_tag_value_length_and_unicode() -> None:
    key_max, value_max = max_length("TagKey"), max_length("TagValue")
    ok = {"Items": [{"Key": "k" * key_max, "Value": "é" * value_max}]}
    check_constraints(op("CreateConnectionFunction"), create_connection_function(Tags=ok))
    long_value = {"Items": [{"Key": "k", "Value": "v" * (value_max + 1)}]}
    error = violations("CreateConnectionFunction", create_connection_function(Tags=long_value))
    assert "at 'tags.items.1.member.value' failed to satisfy constraint: Member must have length less than or " in (
        error.message
    )


def test_create_function_tags_are_checked_where_the_model_has_them() -> None:
    params = {
        "Name": "fn",
        "FunctionConfig": CFG,
        "FunctionCode": b"x",
        "Tags": {"Items": [{"Key": "a!", "Value": ""}]},
    }
    if FUNCTION_TAGS:
        error = violations("CreateFunction", params)
        assert error.message.startswith("1 validation error detected: Value 'a!' at 'tags.items.1.member.key'")
    else:  # botocore < 1.43.4: Tags is no member of CreateFunction, so no constraint of the model applies to it
        check_constraints(op("CreateFunction"), params)


def test_the_error_code_is_the_callers() -> None:
    tags = {"Items": [{"Key": "a!", "Value": "v"}]}
    params = {"Name": "fn", "ConnectionFunctionConfig": CFG, "ConnectionFunctionCode": b"x", "Tags": tags}
    with pytest.raises(ServiceError) as excinfo:
        check_constraints(op("CreateConnectionFunction"), params, "InvalidTagging")
    assert excinfo.value.code == "InvalidTagging"
    assert excinfo.value.message.startswith("1 validation error detected: ")


def test_valid_params_pass() -> None:
    params = {
        "Name": "my-fn_1",
        "FunctionConfig": {
            **CFG,
            "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": KVS_ARN}]},
        },
        "FunctionCode": b"x",
        "Tags": {"Items": [{"Key": "é", "Value": ""}]},
    }
    check_constraints(op("CreateFunction"), params)
    check_constraints(op("CreateConnectionFunction"), create_connection_function(Tags=params["Tags"]))
    check_constraints(op("ListFunctions"), {})
    check_constraints(op("DeleteFunction"), {"Name": "fn", "IfMatch": ""})


def test_integer_bounds_messages() -> None:
    shape = (
        DenormalizedStructureBuilder()
        .with_members(
            {
                "Limit": {"type": "integer", "min": 1, "max": 50},
                "Label": {"type": "string", "min": 2, "max": 3},
            }
        )
        .build_model()
    )
    operation = SimpleNamespace(input_shape=shape)
    with pytest.raises(ServiceError) as low:
        check_constraints(operation, {"Limit": 0, "Label": "a"})
    assert low.value.message == (
        "2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1; Value 'a' at 'label' failed to satisfy constraint: "
        "Member must have length greater than or equal to 2"
    )
    with pytest.raises(ServiceError) as high:
        check_constraints(operation, {"Limit": 51})
    assert high.value.message == (
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 50"
    )
    check_constraints(operation, {"Limit": 50, "Label": "abc"})


def test_structures_of_the_same_name_are_each_checked_by_their_own_members() -> None:
    """What is learnt of a structure's members is kept per shape object, never per name: CloudFront and the
    KeyValueStore data plane both have a DescribeKeyValueStoreRequest, with different members."""
    control = op("DescribeKeyValueStore")
    data = model(KVS).operation_model("DescribeKeyValueStore")
    assert control.input_shape.name == data.input_shape.name
    check_constraints(control, {"Name": "store"})
    too_long = "a" * (max_length("KvsARN", KVS) + 1)
    with pytest.raises(ServiceError) as excinfo:
        check_constraints(data, {"KvsARN": too_long})
    assert "at 'kvsARN' failed to satisfy constraint: Member must have length less than or equal to" in (
        excinfo.value.message
    )
    # Built structures are all named alike (each builder numbers its shapes from 1).
    first = DenormalizedStructureBuilder().with_members({"Label": {"type": "string", "max": 2}}).build_model()
    second = DenormalizedStructureBuilder().with_members({"Other": {"type": "string", "max": 2}}).build_model()
    assert first.name == second.name
    for shape, member in ((first, "Label"), (second, "Other")):
        with pytest.raises(ServiceError) as excinfo:
            check_constraints(SimpleNamespace(input_shape=shape), {member: "abc"})
        assert f"at '{member.lower()}'" in excinfo.value.message
