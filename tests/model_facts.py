"""What the tests need to know about botocore's service models, read from the loaded models.

Tests never copy a pattern, enum, limit, error list or count out of a model: every botocore release may change
one (the key-value-store ARN pattern did in 1.44), and cfmock follows the installed model. Features that only
some supported releases model (the ``Tags`` of CreateFunction, for one) are asked about with
:func:`has_input_member`, so a test checks the feature where it exists and its absence where it does not.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore
import botocore.session

CLOUDFRONT = "cloudfront"
KVS = "cloudfront-keyvaluestore"
BOTOCORE_VERSION = tuple(int(part) for part in botocore.__version__.split(".")[:3])


@cache
def model(service: str = CLOUDFRONT) -> Any:
    return botocore.session.get_session().get_service_model(service)


def shape(name: str, service: str = CLOUDFRONT) -> Any:
    return model(service).shape_for(name)


def pattern(name: str, service: str = CLOUDFRONT) -> str:
    """The regular expression of a string shape, as the model writes it."""
    return str(shape(name, service).metadata["pattern"])


def max_length(name: str, service: str = CLOUDFRONT) -> int:
    return int(shape(name, service).metadata["max"])


def min_length(name: str, service: str = CLOUDFRONT) -> int:
    return int(shape(name, service).metadata["min"])


def enum(name: str, service: str = CLOUDFRONT) -> list[str]:
    return list(shape(name, service).enum)


def value_set(name: str, service: str = CLOUDFRONT) -> str:
    """An enum as AWS's validation messages list it: ``[A, B]`` in model order."""
    return "[" + ", ".join(enum(name, service)) + "]"


def error_codes(operation: str, service: str = CLOUDFRONT) -> set[str]:
    return {shape.error_code or shape.name for shape in model(service).operation_model(operation).error_shapes}


def has_input_member(operation: str, member: str, service: str = CLOUDFRONT) -> bool:
    """Whether the installed model lets ``operation`` take ``member`` (e.g. CreateFunction's ``Tags``)."""
    input_shape = model(service).operation_model(operation).input_shape
    return input_shape is not None and member in input_shape.members


def member_shape_name(operation: str, member: str, service: str = CLOUDFRONT) -> str:
    """The name of the shape an input member refers to (e.g. ``FunctionName`` for CreateFunction's Name)."""
    return str(model(service).operation_model(operation).input_shape.members[member].name)


def error_status(operation: str, code: str, service: str = CLOUDFRONT) -> int:
    """The HTTP status the model gives ``code`` on ``operation``; 400 for a code it does not model (MalformedXML)."""
    for error in model(service).operation_model(operation).error_shapes:
        if (error.error_code or error.name) == code:
            return int(error.metadata.get("error", {}).get("httpStatusCode", 400))
    return 400
