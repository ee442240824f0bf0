"""cfmock: offline mock of AWS CloudFront Functions, Connection Functions and KeyValueStore.

The public surface only. Heavy pieces (botocore's service model, QuickJS) load on first use; the types of the
state views and the cases helpers are imported when first named (``cfmock.StagedView``), so that
``import cfmock`` stays light.
"""

from typing import TYPE_CHECKING, Any

from cfmock._version import __version__
from cfmock.activation import CloudFrontMock, mock_cloudfront_functions
from cfmock.errors import CfmockError, UnsupportedOperationError, UnusedInjectionError, UnusedInjectionWarning
from cfmock.options import MockOptions
from cfmock.results import ConnectionResult, FunctionResult
from cfmock.runner import run_connection_function, run_function

if TYPE_CHECKING:
    from cfmock.backend.staged import StageCopy, StagedResource
    from cfmock.cases import FunctionCase, function_cases
    from cfmock.records import RecordedCall, RecordedError
    from cfmock.results import ErrorLocation
    from cfmock.state import KeyValueStoreHandle, KeyValueStoresView, StagedView

_LAZY = {
    "StageCopy": "cfmock.backend.staged",
    "StagedResource": "cfmock.backend.staged",
    "FunctionCase": "cfmock.cases",
    "function_cases": "cfmock.cases",
    "RecordedCall": "cfmock.records",
    "RecordedError": "cfmock.records",
    "KeyValueStoreHandle": "cfmock.state",
    "KeyValueStoresView": "cfmock.state",
    "StagedView": "cfmock.state",
    "ErrorLocation": "cfmock.results",
}

__all__ = [
    "CfmockError",
    "CloudFrontMock",
    "ConnectionResult",
    "ErrorLocation",
    "FunctionCase",
    "FunctionResult",
    "KeyValueStoreHandle",
    "KeyValueStoresView",
    "MockOptions",
    "RecordedCall",
    "RecordedError",
    "StageCopy",
    "StagedResource",
    "StagedView",
    "UnsupportedOperationError",
    "UnusedInjectionError",
    "UnusedInjectionWarning",
    "__version__",
    "function_cases",
    "mock_cloudfront_functions",
    "run_connection_function",
    "run_function",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cfmock' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
