"""KeyValueStore operations: control plane on ``cloudfront`` (api.md §6), data plane on
``cloudfront-keyvaluestore`` (rest-json, api.md §7)."""

from __future__ import annotations

from typing import Any

from cfmock.backend import associated_store_arn
from cfmock.backend.errors import ServiceError
from cfmock.backend.kvs import MAX_KEYS_PER_UPDATE, KeyValueStore, KeyValueStoreRegistry
from cfmock.errors import UnsupportedOperationError
from cfmock.service.call import Call, Result
from cfmock.service.staged_api import LOCATION_PREFIX, parse_max_items, tags_of


def _stores(call: Call) -> KeyValueStoreRegistry:
    return call.backend.key_value_stores


def kvs_binding(backend: Any, config: dict[str, Any]) -> Any:
    """The data a function's associated store hands to the sandbox at the start of a run, or None."""
    arn = associated_store_arn(config)
    if arn is None or not backend.key_value_stores.exists(arn):
        return None
    from cfmock.runtime import KvsBinding

    store = backend.key_value_stores.by_arn(arn)
    return KvsBinding(store.id, dict(store.data), store.created, store.data_last_modified or store.created)


# -- control plane -------------------------------------------------------------------------------------


def create_key_value_store(call: Call) -> Result:
    p = call.params
    call.validate()
    if "ImportSource" in p:
        raise UnsupportedOperationError(
            "CreateKeyValueStore",
            "cfmock cannot import a key value store from S3 (ImportSource). Create the store without it and "
            "seed it from the test: mock.key_value_stores[name].load_import_file(...) or .put(key, value).",
        )
    store = _stores(call).create(p["Name"], p.get("Comment", ""), tags_of(p))
    result = {
        "KeyValueStore": store.summary(),  # PROVISIONING in the create answer only (decisions 34)
        "ETag": store.etag,
        "Location": f"{LOCATION_PREFIX}key-value-store/{store.arn}",
    }
    _stores(call).provisioned(store)
    return result


def describe_key_value_store(call: Call) -> Result:
    registry = _stores(call)
    store = registry.provisioned(registry.find(call.params["Name"]))
    call.validate()
    return {"KeyValueStore": store.summary(), "ETag": store.etag}


def update_key_value_store(call: Call) -> Result:
    p = call.params
    registry = _stores(call)
    store = registry.provisioned(registry.find(p["Name"]))
    registry.check_if_match(store, p.get("IfMatch"))
    call.validate()
    store = registry.update(store, p.get("IfMatch"), p["Comment"])
    return {"KeyValueStore": store.summary(), "ETag": store.etag}


def delete_key_value_store(call: Call) -> Result:
    registry = _stores(call)
    registry.delete(registry.find(call.params["Name"]), call.params.get("IfMatch"))
    return {}


def list_key_value_stores(call: Call) -> Result:
    call.validate()
    p = call.params
    page, next_marker, max_items = _stores(call).listing(
        p.get("Status"), p.get("Marker"), parse_max_items(p.get("MaxItems"))
    )
    # The official example shows NextMarker "" on the last page (api.md §6.2); Items omitted when empty.
    result: dict[str, Any] = {"NextMarker": next_marker, "MaxItems": max_items, "Quantity": len(page)}
    if page:
        result["Items"] = [store.summary() for store in page]
    return {"KeyValueStoreList": result}


# -- data plane ----------------------------------------------------------------------------------------


def _store(call: Call) -> KeyValueStore:
    return _stores(call).by_arn(call.params["KvsARN"])


def _write(call: Call, puts: dict[str, str], deletes: list[str]) -> Result:
    store = _store(call)
    registry = _stores(call)
    registry.check_data_etag(store, call.params.get("IfMatch"))
    call.validate()
    registry.write(store, call.params.get("IfMatch"), puts, deletes)
    return {**store.counts(), "ETag": store.data_etag}


def describe_store_data(call: Call) -> Result:
    store = _store(call)
    call.validate()
    return {
        **store.counts(),
        "KvsARN": store.arn,
        "Created": store.created,
        "LastModified": store.data_last_modified or store.created,
        "Status": "READY",
        "ETag": store.data_etag,
    }


def get_key(call: Call) -> Result:
    store = _store(call)
    call.validate()
    key = call.params["Key"]
    return {"Key": key, "Value": store.get(key), **store.counts()}


def put_key(call: Call) -> Result:
    return _write(call, {call.params["Key"]: call.params["Value"]}, [])


def delete_key(call: Call) -> Result:
    return _write(call, {}, [call.params["Key"]])


def list_keys(call: Call) -> Result:
    store = _store(call)
    call.validate()  # MaxResults above 50 is a ValidationException
    items, token = _stores(call).page_of_keys(store, call.params.get("NextToken"), call.params.get("MaxResults"))
    result: dict[str, Any] = {"Items": [{"Key": k, "Value": v} for k, v in items]}
    if token is not None:
        result["NextToken"] = token
    return result


def update_keys(call: Call) -> Result:
    _stores(call).check_data_etag(_store(call), call.params.get("IfMatch"))  # store, then ETag, then the batch
    puts_list = call.params.get("Puts") or []
    deletes = [item["Key"] for item in call.params.get("Deletes") or []]
    if not puts_list and not deletes:
        raise ServiceError("ValidationException", "UpdateKeys needs at least one put or delete.")
    if len(puts_list) + len(deletes) > MAX_KEYS_PER_UPDATE:
        raise ServiceError("ValidationException", f"UpdateKeys takes at most {MAX_KEYS_PER_UPDATE} keys per call.")
    puts = {item["Key"]: item["Value"] for item in puts_list}
    if len(puts) != len(puts_list) or len(set(deletes)) != len(deletes) or set(puts) & set(deletes):
        raise ServiceError("ValidationException", "A key may appear only once in an UpdateKeys call.")
    return _write(call, puts, deletes)
