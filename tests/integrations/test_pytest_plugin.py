"""The pytest plugin: fixture ``cloudfront_functions`` and marker ``@pytest.mark.cloudfront_functions``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import boto3  # noqa: F401  (imported here so in-process runs, which restore sys.modules, need not re-import it)
import pytest

import cfmock.service.dispatch  # noqa: F401  (likewise)

pytest_plugins = ["pytester"]

HELPERS = """
import boto3
import pytest
from cfmock import CloudFrontMock, interception

CONFIG = {"Comment": "", "Runtime": "cloudfront-js-2.0"}


def create(name):
    client = boto3.client("cloudfront")
    return client.create_function(Name=name, FunctionConfig=CONFIG, FunctionCode=b"var x = 1;")


def arn_of(created):
    return created["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]


def active():
    return interception.current_state() is not None
"""


def run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_generated=HELPERS + textwrap.dedent(body))
    return pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-p", "no:benchmark", "-p", "no:hypothesispytest", *args
    )


def test_fixture_yields_an_active_handle_with_fresh_state_per_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        def test_first(cloudfront_functions):
            assert isinstance(cloudfront_functions, CloudFrontMock)
            assert cloudfront_functions.active and active()
            assert len(cloudfront_functions.functions) == 0
            assert create("f")["ETag"] == "ETVPDKIKX0DER"
            assert list(cloudfront_functions.functions) == ["f"]

        def test_second_starts_empty(cloudfront_functions):
            assert len(cloudfront_functions.functions) == 0
            assert create("f")["ETag"] == "ETVPDKIKX0DER"
            assert arn_of(create("g")) == "arn:aws:cloudfront::123456789012:function/g"

        def test_without_fixture_is_not_mocked():
            assert not active()

        @pytest.fixture
        def seeded(cloudfront_functions):
            create("seeded")
            return cloudfront_functions

        def test_other_fixtures_can_build_on_it(seeded, cloudfront_functions):
            assert seeded is cloudfront_functions
            assert list(cloudfront_functions.functions) == ["seeded"]
        """,
    )
    result.assert_outcomes(passed=4)


def test_the_fixture_is_deactivated_after_a_failing_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        def test_fails(cloudfront_functions):
            create("f")
            raise AssertionError("deliberate")

        def test_after_is_clean():
            assert not active()
        """,
    )
    result.assert_outcomes(passed=1, failed=1)


def test_a_start_the_test_never_stops_does_not_leak_into_the_next_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        from cfmock import mock_cloudfront_functions

        def test_leaks(cloudfront_functions):
            mock_cloudfront_functions().start()  # never stopped
            create("leaked")

        def test_next_starts_empty(cloudfront_functions):
            assert list(cloudfront_functions.functions) == []

        def test_then_nothing_is_mocked():
            assert not active()
        """,
    )
    # The leak is reported at the leaking test's teardown, and cleaned up.
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*the test left 1 cfmock activation(s) started*"])


def test_marker_options_reach_the_mock(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        @pytest.mark.cloudfront_functions(account_id="111122223333")
        def test_with_fixture(cloudfront_functions):
            assert cloudfront_functions.account_id == "111122223333"
            assert arn_of(create("f")) == "arn:aws:cloudfront::111122223333:function/f"

        @pytest.mark.cloudfront_functions(account_id="444455556666")
        class TestClassMarker:
            def test_in_class(self, cloudfront_functions):
                assert arn_of(create("f")) == "arn:aws:cloudfront::444455556666:function/f"

        def test_unmarked_uses_the_default(cloudfront_functions):
            assert arn_of(create("f")) == "arn:aws:cloudfront::123456789012:function/f"
        """,
    )
    result.assert_outcomes(passed=3)


def test_marker_alone_activates_the_mock(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        @pytest.mark.cloudfront_functions
        def test_bare_marker():
            assert active()
            assert create("f")["ETag"] == "ETVPDKIKX0DER"

        @pytest.mark.cloudfront_functions(account_id="111122223333")
        def test_marker_with_options():
            assert arn_of(create("f")) == "arn:aws:cloudfront::111122223333:function/f"

        @pytest.mark.cloudfront_functions()
        @pytest.mark.parametrize("name", ["a", "b"])
        def test_parametrized(name):
            assert arn_of(create(name)).endswith(":function/" + name)

        def test_after_is_clean():
            assert not active()
        """,
    )
    result.assert_outcomes(passed=5)


def test_module_level_marker_activates_every_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        pytestmark = pytest.mark.cloudfront_functions(account_id="111122223333")

        def test_one():
            assert arn_of(create("f")) == "arn:aws:cloudfront::111122223333:function/f"

        def test_two_fresh():
            assert arn_of(create("f")) == "arn:aws:cloudfront::111122223333:function/f"
        """,
    )
    result.assert_outcomes(passed=2)


def test_marker_with_positional_arguments_is_an_error(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        @pytest.mark.cloudfront_functions("111122223333")
        def test_positional():
            raise AssertionError("must not run")

        @pytest.mark.cloudfront_functions("111122223333")
        def test_positional_with_fixture(cloudfront_functions):
            raise AssertionError("must not run")

        def test_after_is_clean():
            assert not active()
        """,
    )
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(["*TypeError*keyword options only*"])
    result.stdout.no_fnmatch_line("*must not run*")


def test_marker_with_a_bad_option_is_an_error(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        @pytest.mark.cloudfront_functions(account_id="not-an-account")
        def test_bad_account():
            raise AssertionError("must not run")

        def test_after_is_clean():
            assert not active()
        """,
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*account_id must be 12 digits*"])


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        @pytest.mark.cloudfront_functions(account_id="111122223333")
        def test_marked():
            assert active()
        """,
        "--strict-markers",
    )
    result.assert_outcomes(passed=1)
    markers = pytester.runpytest_inprocess("--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.cloudfront_functions(**options)*"])


LIGHT_CHECK = """
import json, sys
{load}
heavy = sorted(
    name for name in sys.modules
    if name.split(".")[0] in ("quickjs", "_quickjs", "moto")
    or name in ("botocore.loaders", "botocore.model", "cfmock.wire.model", "cfmock.service.registry")
)
print(json.dumps(heavy))
"""


@pytest.mark.parametrize(
    "load",
    [
        "import cfmock.pytest_plugin",
        # As pytest itself loads it: through the pytest11 entry point, with the plugin configured.
        "import pytest\n"
        "pytest.main(['--co', '-q', '-p', 'no:cacheprovider', '-p', 'no:hypothesispytest', '-p', 'no:benchmark',\n"
        "             '--rootdir', '.', '-c', '/dev/null', '--ignore-glob', '*'])\n"
        "assert 'cfmock.pytest_plugin' in sys.modules",
    ],
    ids=["import", "pytest session"],
)
def test_loading_the_plugin_imports_nothing_heavy(load: str, tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-c", LIGHT_CHECK.format(load=load)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_unused_injections_warn_or_with_strict_injections_error_at_teardown(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        def test_warns(cloudfront_functions):
            cloudfront_functions.inject_error("ListFunctions", "InvalidArgument")

        @pytest.mark.cloudfront_functions(strict_injections=True)
        def test_strict(cloudfront_functions):
            cloudfront_functions.inject_error("ListFunctions", "InvalidArgument")

        def test_records_calls(cloudfront_functions):
            create("f")
            assert [c.operation for c in cloudfront_functions.calls] == ["CreateFunction"]
        """,
    )
    result.assert_outcomes(passed=3, errors=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_strict*",
            "*UnusedInjectionError: the cfmock activation ended with injected errors no call used: "
            "cloudfront ListFunctions: InvalidArgument (1 left)*",
            "*UnusedInjectionWarning: the cfmock activation ended with injected errors no call used*",
        ]
    )
