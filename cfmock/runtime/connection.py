"""Connection functions: the test connection object (runtime.md §2.2, decisions 32) and the output shape
(decisions 31)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from .errors import InvalidEventError
from .events import load_json_object

CUSTOM_DATA_LIMIT_BYTES: Final = 800
_STRING_FIELDS: Final = ("connectionId", "clientIp", "endpoint", "distributionId")


def normalise_connection(payload: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    """Validate the connection object loosely; ``clientCertificate`` may be absent (optional mTLS)."""
    conn = load_json_object(payload, "connection object")
    for key in _STRING_FIELDS:
        if key in conn and not isinstance(conn[key], str):
            raise InvalidEventError(f"invalid connection object: {key} must be a string")
    cert = conn.get("clientCertificate")
    if cert is not None:
        if not isinstance(cert, dict):
            raise InvalidEventError("invalid connection object: clientCertificate must be an object")
        certs = cert.get("certificates")
        if certs is not None and not isinstance(certs, dict):
            raise InvalidEventError("invalid connection object: clientCertificate.certificates must be an object")
    return conn


def truncate_custom_data(data: str) -> str:
    """Keep the first 800 bytes of UTF-8, never splitting a character."""
    raw = data.encode("utf-8", "replace")[:CUSTOM_DATA_LIMIT_BYTES]
    return raw.decode("utf-8", "ignore")


def connection_output(action: str | None, custom_data: str | None) -> str:
    """``{"action":"allow"|"deny","customData":…}``; no decision means deny."""
    out = {
        "action": "allow" if action == "allow" else "deny",
        "customData": None if custom_data is None else truncate_custom_data(custom_data),
    }
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)
