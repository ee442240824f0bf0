"""``cfmock.unittest.CloudFrontFunctionsTestCase``, run through ``unittest.TextTestRunner``."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import unittest
from pathlib import Path
from typing import Any, ClassVar

import boto3
import pytest

from cfmock import CloudFrontMock, interception
from cfmock.unittest import CloudFrontFunctionsTestCase

CONFIG = {"Comment": "", "Runtime": "cloudfront-js-2.0"}
OTHER_ACCOUNT = "111122223333"
ROOT = Path(__file__).resolve().parents[2]


def create(name: str) -> dict[str, Any]:
    return boto3.client("cloudfront").create_function(Name=name, FunctionConfig=CONFIG, FunctionCode=b"var x = 1;")


def arn_of(created: dict[str, Any]) -> str:
    return str(created["FunctionSummary"]["FunctionMetadata"]["FunctionARN"])


def active() -> bool:
    return interception.current_state() is not None


def run_tests(*cases: type[unittest.TestCase]) -> unittest.TestResult:
    # Test classes are defined inside the tests below so that pytest does not collect them itself.
    loader = unittest.TestLoader()
    suite = unittest.TestSuite(loader.loadTestsFromTestCase(case) for case in cases)
    return unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)


def problems(result: unittest.TestResult) -> str:
    return "\n".join(text for _, text in [*result.errors, *result.failures])


def test_every_test_gets_a_fresh_active_mock() -> None:
    seen: list[Any] = []

    class Case(CloudFrontFunctionsTestCase):
        def setUp(self) -> None:
            super().setUp()
            seen.append(("setUp", active(), len(self.cloudfront.functions)))
            create("from-setup")

        def test_one(self) -> None:
            assert isinstance(self.cloudfront, CloudFrontMock) and self.cloudfront.active
            create("same")
            seen.append(("one", sorted(self.cloudfront.functions)))

        def test_two(self) -> None:
            create("same")
            seen.append(("two", sorted(self.cloudfront.functions)))
            assert arn_of(create("g")) == "arn:aws:cloudfront::123456789012:function/g"

        def tearDown(self) -> None:
            seen.append(("tearDown", active()))
            super().tearDown()

    result = run_tests(Case)
    assert result.wasSuccessful(), problems(result)
    assert result.testsRun == 2
    assert seen == [
        ("setUp", True, 0),
        ("one", ["from-setup", "same"]),
        ("tearDown", True),
        ("setUp", True, 0),
        ("two", ["from-setup", "same"]),
        ("tearDown", True),
    ]
    assert not active()


def test_cloudfront_options_reach_the_mock() -> None:
    arns: list[str] = []

    class Case(CloudFrontFunctionsTestCase):
        cloudfront_options: ClassVar[dict[str, Any]] = {"account_id": OTHER_ACCOUNT}

        def test_arn(self) -> None:
            assert self.cloudfront.account_id == OTHER_ACCOUNT
            arns.append(arn_of(create("f")))

    class Default(CloudFrontFunctionsTestCase):
        def test_arn(self) -> None:
            arns.append(arn_of(create("f")))

    result = run_tests(Case, Default)
    assert result.wasSuccessful(), problems(result)
    assert arns == [
        f"arn:aws:cloudfront::{OTHER_ACCOUNT}:function/f",
        "arn:aws:cloudfront::123456789012:function/f",
    ]


def test_bad_options_error_the_test_and_leave_nothing_active() -> None:
    class Case(CloudFrontFunctionsTestCase):
        cloudfront_options: ClassVar[dict[str, Any]] = {"account_id": "nope"}

        def test_never_runs(self) -> None:
            raise AssertionError("must not run")

    result = run_tests(Case)
    assert result.testsRun == 1 and len(result.errors) == 1 and not result.failures
    assert "account_id must be 12 digits" in result.errors[0][1]
    assert not active()


def test_a_failing_test_is_still_cleaned_up() -> None:
    class Case(CloudFrontFunctionsTestCase):
        def test_fails(self) -> None:
            create("f")
            self.fail("deliberate")

        def test_errors(self) -> None:
            raise KeyError("deliberate")

    result = run_tests(Case)
    assert result.testsRun == 2 and len(result.failures) == 1 and len(result.errors) == 1
    assert not active()


def test_mixing_with_isolated_asyncio_test_case() -> None:
    seen: list[Any] = []

    class Case(CloudFrontFunctionsTestCase, unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self) -> None:
            seen.append(("asyncSetUp", active(), len(self.cloudfront.functions)))
            create("from-async-setup")

        async def test_one(self) -> None:
            await asyncio.sleep(0)
            created = create("same")
            assert created["ETag"] == "ETVPDKIKX0DER"
            seen.append(("one", sorted(self.cloudfront.functions)))

        async def test_two(self) -> None:
            create("same")
            await asyncio.sleep(0)
            seen.append(("two", sorted(self.cloudfront.functions)))

        async def asyncTearDown(self) -> None:
            seen.append(("asyncTearDown", active()))

    result = run_tests(Case)
    assert result.wasSuccessful(), problems(result)
    assert result.testsRun == 2
    assert seen == [
        ("asyncSetUp", True, 0),
        ("one", ["from-async-setup", "same"]),
        ("asyncTearDown", True),
        ("asyncSetUp", True, 0),
        ("two", ["from-async-setup", "same"]),
        ("asyncTearDown", True),
    ]
    assert not active()


def test_a_test_case_running_inside_an_outer_activation_shares_its_state() -> None:
    from cfmock import mock_cloudfront_functions

    class Case(CloudFrontFunctionsTestCase):
        def test_sees_outer(self) -> None:
            assert sorted(self.cloudfront.functions) == ["outer"]

    with mock_cloudfront_functions() as outer:
        create("outer")
        result = run_tests(Case)
        assert result.wasSuccessful(), problems(result)
        assert outer.active and active()  # the test's cleanup did not deactivate the outer mock
        assert sorted(outer.functions) == ["outer"]
    assert not active()


def test_a_start_the_test_never_stops_is_reported_and_does_not_leak() -> None:
    from cfmock import mock_cloudfront_functions

    seen: list[Any] = []

    class Mixin(CloudFrontFunctionsTestCase):
        def test_a_leaks(self) -> None:
            mock_cloudfront_functions().start()  # never stopped
            create("leaked")

        def test_b_next(self) -> None:
            seen.append(sorted(self.cloudfront.functions))

    @mock_cloudfront_functions
    class Decorated(unittest.TestCase):
        def test_a_leaks(self) -> None:
            mock_cloudfront_functions().start()

        def test_b_next(self) -> None:
            seen.append(active())

    result = run_tests(Mixin, Decorated)
    assert result.testsRun == 4
    assert len(result.errors) == 2 and not result.failures
    assert all("the test left 1 cfmock activation(s) started" in text for _, text in result.errors)
    assert seen == [[], True]
    assert not active()


def test_a_set_up_without_super_still_runs_mocked() -> None:
    seen: list[Any] = []

    class Case(CloudFrontFunctionsTestCase):
        def setUp(self) -> None:  # forgets super().setUp()
            seen.append(("setUp", active()))
            create("from-setup")

        def test_one(self) -> None:
            seen.append(("one", active(), sorted(self.cloudfront.functions)))

        def tearDown(self) -> None:  # forgets super().tearDown() as well
            seen.append(("tearDown", active()))

    result = run_tests(Case)
    assert result.wasSuccessful(), problems(result)
    assert seen == [("setUp", True), ("one", True, ["from-setup"]), ("tearDown", True)]
    assert not active()


def test_a_skipped_test_leaves_nothing_active() -> None:
    class Case(CloudFrontFunctionsTestCase):
        @unittest.skip("not today")
        def test_skipped(self) -> None:
            raise AssertionError("must not run")

        def test_after(self) -> None:
            assert len(self.cloudfront.functions) == 0

    result = run_tests(Case)
    assert result.wasSuccessful() and len(result.skipped) == 1
    assert not active()


UNITTEST_MODULE = """
import unittest

import boto3
import pytest

from cfmock.unittest import CloudFrontFunctionsTestCase


class Forgetful(CloudFrontFunctionsTestCase):
    def setUp(self):  # no super().setUp()
        self.client = boto3.client("cloudfront", region_name="us-east-1")
        self.client.create_function(
            Name="from-setup",
            FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"},
            FunctionCode=b"function handler(event) { return event.request; }",
        )

    def test_sees_the_mock(self):
        names = [f["Name"] for f in self.client.list_functions()["FunctionList"]["Items"]]
        self.assertEqual(names, ["from-setup"])


if __name__ == "__main__":
    unittest.main()
"""

# Loaded at interpreter start: records every connection attempt in a file, then refuses it.
NETWORK_PROBE = """
import os, socket

def _refuse(*args, **kwargs):
    with open(os.environ["NETWORK_ATTEMPTS"], "a") as log:
        log.write(repr(args) + "\\n")
    raise OSError("network access attempted")

socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse  # a name lookup comes first: without a network it fails before any connect
"""


def test_python_m_unittest_with_credentials_set_never_reaches_the_network(tmp_path: Path) -> None:
    """The issue's probe: with real-looking credentials, a setUp without super() reached cloudfront.amazonaws.com."""
    (tmp_path / "test_forgetful.py").write_text(UNITTEST_MODULE, encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(NETWORK_PROBE, encoding="utf-8")
    attempts = tmp_path / "attempts.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]),
        NETWORK_ATTEMPTS=str(attempts),
        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_MAX_ATTEMPTS="1",
    )
    done = subprocess.run(
        [sys.executable, "-m", "unittest", "-v", "test_forgetful"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert not attempts.exists(), f"network access attempted:\n{attempts.read_text()}\n{done.stderr}"
    assert done.returncode == 0, done.stderr
    assert "test_sees_the_mock (test_forgetful.Forgetful.test_sees_the_mock) ... ok" in done.stderr


def test_debug_runs_mocked_too() -> None:
    """``TestCase.debug()`` (used by some runners) bypasses ``run``: it must be mocked all the same."""
    seen: list[Any] = []

    class Case(CloudFrontFunctionsTestCase):
        def setUp(self) -> None:
            seen.append(active())

        def test_one(self) -> None:
            create("f")
            seen.append(sorted(self.cloudfront.functions))

        def test_fails(self) -> None:
            create("f")
            raise KeyError("deliberate")

    Case("test_one").debug()
    assert seen == [True, ["f"]] and not active()
    with pytest.raises(KeyError, match="deliberate"):
        Case("test_fails").debug()
    assert not active()
