"""What the server's two kinds of endpoint answer with: an HTTP answer, and a JSON one for the control endpoints."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

CONTROL_PREFIX = "/_cfmock/"


class Answer(NamedTuple):
    """One HTTP answer. ``headers`` always include ``Content-Length``."""

    status: int
    headers: dict[str, str]
    body: bytes


def json_answer(status: int, document: Any) -> Answer:
    body = (json.dumps(document, indent=1, sort_keys=True) + "\n").encode()
    return Answer(status, {"Content-Type": "application/json", "Content-Length": str(len(body))}, body)
