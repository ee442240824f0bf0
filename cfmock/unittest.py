"""unittest integration: a TestCase base (or mixin) that runs every test with the mock active."""

from __future__ import annotations

import sys
import unittest
from typing import Any, ClassVar

from cfmock.activation import CloudFrontMock, end_of_test, mock_cloudfront_functions


class CloudFrontFunctionsTestCase(unittest.TestCase):
    """Runs every test (setUp, the test, tearDown and cleanups) with the mock active: fresh state for each.

    The mock is started around the whole test, as the class decorator does, not in ``setUp``: a ``setUp``
    that does not call ``super().setUp()`` still runs mocked. Set ``cloudfront_options`` on the class to pass
    options; the active mock is ``self.cloudfront``. Mix it into ``IsolatedAsyncioTestCase`` by listing it
    first: ``class T(CloudFrontFunctionsTestCase, unittest.IsolatedAsyncioTestCase)``.
    """

    cloudfront_options: ClassVar[dict[str, Any]] = {}
    cloudfront: CloudFrontMock

    def run(self, result: unittest.TestResult | None = None) -> unittest.TestResult | None:
        try:
            mock = mock_cloudfront_functions(**self.cloudfront_options).start()
        except Exception:  # bad options: the test errors, and nothing of it runs unmocked
            return self._report_error(result, sys.exc_info())
        self.cloudfront = mock
        self.addCleanup(end_of_test, mock)  # the first cleanup runs last; a leak is reported as an error
        try:
            return super().run(result)
        finally:
            mock._stop_with_inner()  # a skipped test runs no cleanups

    def debug(self) -> None:
        """Run the test without collecting the result (``TestCase.debug``), mocked as ``run`` is."""
        mock = mock_cloudfront_functions(**self.cloudfront_options).start()
        self.cloudfront = mock
        self.addCleanup(end_of_test, mock)
        try:
            super().debug()
        finally:
            mock._stop_with_inner()  # an exception skips debug()'s cleanups

    def _report_error(self, result: unittest.TestResult | None, error: Any) -> unittest.TestResult:
        own = result is None
        if result is None:
            result = self.defaultTestResult()
            result.startTestRun()
        result.startTest(self)
        result.addError(self, error)
        result.stopTest(self)
        if own:
            result.stopTestRun()
        return result
