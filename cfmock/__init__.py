"""cfmock: offline mock of AWS CloudFront Functions, Connection Functions and KeyValueStore.

The public surface only. Heavy pieces (botocore's service model, QuickJS) load on first use.
"""

from cfmock._version import __version__
from cfmock.activation import CloudFrontMock, mock_cloudfront_functions
from cfmock.errors import CfmockError, UnsupportedOperationError
from cfmock.options import MockOptions
from cfmock.results import ConnectionResult, FunctionResult
from cfmock.runner import run_connection_function, run_function

__all__ = [
    "CfmockError",
    "CloudFrontMock",
    "ConnectionResult",
    "FunctionResult",
    "MockOptions",
    "UnsupportedOperationError",
    "__version__",
    "mock_cloudfront_functions",
    "run_connection_function",
    "run_function",
]
