"""``cfmock.function_cases``: a cases directory as parametrized pytest tests, and ``--cfmock-update``.

The same cases and the same diffs as ``cfmock test`` (tests/cli/test_cases_command.py): both use cfmock.cases.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import cfmock
from cfmock.cases import CasesError, FunctionCase, load_cases

pytest_plugins = ["pytester"]

REDIRECT = """function handler(event) {
    var request = event.request;
    if (request.uri === '/old') {
        return { statusCode: 301, statusDescription: 'Moved Permanently',
                 headers: { location: { value: '/new' } } };
    }
    return request;
}
"""
TEST_MODULE = """
from pathlib import Path

import pytest

import cfmock

HERE = Path(__file__).parent


@pytest.mark.parametrize("case", cfmock.function_cases(HERE / "redirect.js", HERE / "cases"))
def test_redirect(case):
    case.check()
"""


def project(root: Path) -> None:
    (root / "redirect.js").write_text(REDIRECT, encoding="utf-8")
    (root / "cases").mkdir()
    for name, uri in [("old", "/old"), ("other", "/other")]:
        event = {"request": {"method": "GET", "uri": uri, "headers": {}}}
        (root / "cases" / f"{name}.event.json").write_text(json.dumps(event), encoding="utf-8")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_cases=TEST_MODULE)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-v", *args)


def test_missing_expected_files_fail_and_say_how_to_create_them(pytester: pytest.Pytester) -> None:
    project(pytester.path)
    result = run(pytester)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*test_cases.py::test_redirect[[]old[]] FAILED*",
            "*test_cases.py::test_redirect[[]other[]] FAILED*",
            "*no old.expected.json: run `pytest --cfmock-update` to create it from the actual result*",
        ]
    )


def test_cfmock_update_writes_the_files_then_the_cases_pass(pytester: pytest.Pytester) -> None:
    project(pytester.path)
    run(pytester, "--cfmock-update").assert_outcomes(passed=2)
    written = json.loads((pytester.path / "cases" / "old.expected.json").read_text(encoding="utf-8"))
    assert written["output"]["response"]["statusCode"] == 301
    assert written["logs"] == [] and written["error"] is None
    run(pytester).assert_outcomes(passed=2)  # the option does not stick to later runs


def test_a_failing_case_shows_the_same_diff_as_the_cli(pytester: pytest.Pytester) -> None:
    project(pytester.path)
    run(pytester, "--cfmock-update").assert_outcomes(passed=2)
    (pytester.path / "redirect.js").write_text(REDIRECT.replace("'/new'", "'/newer'"), encoding="utf-8")
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    case = load_cases(pytester.path / "redirect.js", pytester.path / "cases")[0]
    diff = case.evaluate().detail
    assert diff.startswith("--- old.expected.json\n+++ old (actual)\n")
    for line in diff.splitlines():
        result.stdout.fnmatch_lines([f"E*{line.strip()}*"])  # pytest prefixes each line of the message with E


def test_an_orphan_expected_file_is_a_collection_error(pytester: pytest.Pytester) -> None:
    project(pytester.path)
    (pytester.path / "cases" / "gone.expected.json").write_text("{}", encoding="utf-8")
    result = run(pytester)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*gone.expected.json in * belong to no .event.json file*"])


def test_function_cases_are_pytest_params_named_after_the_cases(tmp_path: Path) -> None:
    project(tmp_path)
    params = cfmock.function_cases(tmp_path / "redirect.js", tmp_path / "cases")
    assert [p.id for p in params] == ["old", "other"]
    assert all(isinstance(p.values[0], FunctionCase) for p in params)
    with pytest.raises(CasesError, match="holds no case"):
        cfmock.function_cases(tmp_path / "redirect.js", tmp_path)


def test_check_takes_update_explicitly(tmp_path: Path) -> None:
    project(tmp_path)
    case = load_cases(str(tmp_path / "redirect.js"), str(tmp_path / "cases"), kvs={"unused": "x"})[0]
    with pytest.raises(AssertionError, match=r"no old\.expected\.json"):
        case.check()
    case.check(update=True)
    case.check()
    assert json.loads(case.expected_path.read_text(encoding="utf-8"))["error"] is None


def test_the_pytest_example_of_the_docs_runs_unchanged(pytester: pytest.Pytester) -> None:
    """The module above is the pattern the docs show; with a kvs import file and a runtime, as the docs do."""
    project(pytester.path)
    (pytester.path / "store.json").write_text('{"data": [{"key": "/old", "value": "x"}]}', encoding="utf-8")
    pytester.makepyfile(
        test_options=textwrap.dedent(
            """
            import cfmock, pytest

            @pytest.mark.parametrize(
                "case", cfmock.function_cases("redirect.js", "cases", runtime="cloudfront-js-1.0", kvs="store.json")
            )
            def test_redirect(case):
                case.check()
            """
        )
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--cfmock-update", "test_options.py")
    result.assert_outcomes(passed=2)


def test_now_fixes_the_clock(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    (tmp_path / "clock.js").write_text("function handler(e) { console.log(Date.now()); return e.request; }")
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "a.event.json").write_text('{"request": {"uri": "/"}}')
    (tmp_path / "cases" / "a.expected.json").write_text('{"logs": ["1000"]}')
    for now in ("1970-01-01T00:00:01Z", datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)):
        (param,) = cfmock.function_cases(tmp_path / "clock.js", tmp_path / "cases", now=now)
        param.values[0].check()
    with pytest.raises(CasesError, match="invalid time 'soon'"):
        cfmock.function_cases(tmp_path / "clock.js", tmp_path / "cases", now="soon")
    with pytest.raises(TypeError, match="now must be a datetime or an ISO 8601 str"):
        cfmock.function_cases(tmp_path / "clock.js", tmp_path / "cases", now=1000)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("expected", "actual", "equal"),
    [
        ({"a": [1, "x", None]}, {"a": [1, "x", None]}, True),
        ({"a": 1}, {"a": 1.0}, True),  # one JSON number
        ({"a": True}, {"a": 1}, False),  # Python says True == 1; JSON does not
        ({"a": [False]}, {"a": [0]}, False),
        ({"a": 1}, {"a": 1, "b": 2}, False),
        ([1, 2], [1, 2, 3], False),
        ("1", 1, False),
    ],
)
def test_cases_compare_as_json_does(expected: object, actual: object, equal: bool) -> None:
    from cfmock.cases import same

    assert same(expected, actual) is equal
    assert same(actual, expected) is equal


def test_a_key_is_compared_whole_not_as_a_subset(tmp_path: Path) -> None:
    (tmp_path / "f.js").write_text("function handler(e) { console.log(1); return e.request; }")
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "a.event.json").write_text('{"request": {"uri": "/"}}')
    (tmp_path / "cases" / "a.expected.json").write_text('{"output": {"request": {"uri": "/", "headers": {}}}}')
    (case,) = load_cases(tmp_path / "f.js", tmp_path / "cases")
    assert case.evaluate().status == "failed"  # the output has more keys than expected: all of it is compared
