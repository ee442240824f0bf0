"""unittest integration: a TestCase base (or mixin) that runs every test with the mock active."""

from __future__ import annotations

import unittest
from typing import Any, ClassVar

from cfmock.activation import CloudFrontMock, end_of_test, mock_cloudfront_functions


class CloudFrontFunctionsTestCase(unittest.TestCase):
    """Starts the mock in ``setUp`` and stops it through ``addCleanup``: fresh state for every test.

    Set ``cloudfront_options`` on the class to pass options; the active mock is ``self.cloudfront``.
    Mix it into ``IsolatedAsyncioTestCase`` by listing it first:
    ``class T(CloudFrontFunctionsTestCase, unittest.IsolatedAsyncioTestCase)``.
    """

    cloudfront_options: ClassVar[dict[str, Any]] = {}
    cloudfront: CloudFrontMock

    def setUp(self) -> None:
        super().setUp()
        self.cloudfront = mock_cloudfront_functions(**self.cloudfront_options).start()
        self.addCleanup(end_of_test, self.cloudfront)
