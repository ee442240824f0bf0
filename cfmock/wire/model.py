"""botocore's service models, loaded lazily and once (importing cfmock must stay light)."""

from __future__ import annotations

from functools import cache
from typing import Any

CLOUDFRONT = "cloudfront"
KEYVALUESTORE = "cloudfront-keyvaluestore"


@cache
def _session() -> Any:
    from botocore.session import Session

    return Session()


def service_model(service_name: str) -> Any:
    """The botocore ``ServiceModel`` of ``service_name``, found where clients find theirs.

    A client's model comes from its session's loader, which searches ``AWS_DATA_PATH`` (or the config file's
    ``data_path``) first; cfmock's own look-ups (``inject_error``, the docs) must see the same model, so the
    data path is read on every call (the environment may change) and the model is loaded once per path.
    """
    return _load(service_name, _session().get_config_variable("data_path"))


@cache
def _load(service_name: str, data_path: str | None) -> Any:
    from botocore.loaders import create_loader
    from botocore.model import ServiceModel

    loader = create_loader(data_path)
    return ServiceModel(loader.load_service_model(service_name, "service-2"), service_name)


def error_status(model: Any, code: str) -> int:
    """The HTTP status the model gives an error code; unmodelled codes (MalformedXML, …) are client errors."""
    shape = model.shape_for_error_code(code)
    if shape is None:
        return 400
    return int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
