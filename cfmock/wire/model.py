"""botocore's service models, loaded lazily and once (importing cfmock must stay light)."""

from __future__ import annotations

from functools import cache
from typing import Any

CLOUDFRONT = "cloudfront"
KEYVALUESTORE = "cloudfront-keyvaluestore"


@cache
def service_model(service_name: str) -> Any:
    """The botocore ``ServiceModel`` of ``service_name``, the same data clients use."""
    from botocore.loaders import create_loader
    from botocore.model import ServiceModel

    loader = create_loader()
    return ServiceModel(loader.load_service_model(service_name, "service-2"), service_name)


def error_status(model: Any, code: str) -> int:
    """The HTTP status the model gives an error code; unmodelled codes (MalformedXML, …) are client errors."""
    shape = model.shape_for_error_code(code)
    if shape is None:
        return 400
    return int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
