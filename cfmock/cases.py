"""Cases directories: expected results kept beside a function's code, checked by ``cfmock test`` and pytest.

A cases directory holds ``NAME.event.json`` (the event, or the connection object) and, for each, an optional
``NAME.expected.json``: a JSON object with any of ``output`` (FunctionOutput parsed; for connection
functions ``{"action": …, "customData": …}``), ``logs`` and ``error`` (the message after CloudFront's fixed
prefix, or null). Only the keys present are compared. The CLI (``cfmock/cases_command.py``) and the pytest
helper (:func:`function_cases`) share everything here.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from cfmock.errors import CfmockError

EVENT_SUFFIX = ".event.json"
EXPECTED_SUFFIX = ".expected.json"
COMPARED_KEYS = ("output", "logs", "error")

Status = Literal["passed", "failed", "created", "updated"]


class CasesError(CfmockError, ValueError):
    """The function or the cases directory cannot be used at all (a usage error: ``cfmock test`` exits 2)."""


# Set by the pytest plugin from ``--cfmock-update``: FunctionCase.check() then rewrites expected files.
_pytest_update_requested = False


def connection_hint(code: str, connection: bool, error_message: str) -> str | None:
    """Why a run found no handler, when the cause is the wrong kind of function (a missing ``--connection``)."""
    defines_connection = re.search(r"\bconnectionHandler\b", code) is not None
    defines_viewer = re.search(r"\bfunction\s+handler\b|\bhandler\s*=", code) is not None
    if not connection and defines_connection and not defines_viewer and '"handler" is not defined' in error_message:
        return "this code defines connectionHandler, not handler: it is a connection function (use --connection)"
    if connection and defines_viewer and '"connectionHandler" is not defined' in error_message:
        return "this code defines handler, not connectionHandler: it is a viewer function (drop --connection)"
    return None


@dataclass(frozen=True)
class FunctionUnderTest:
    """The code and the settings every case of a directory runs with."""

    path: Path
    code: str
    runtime: str = "cloudfront-js-2.0"
    connection: bool = False
    kvs: Mapping[str, str] | None = None
    now: datetime | None = None

    def run(self, event_text: str) -> dict[str, Any]:
        """The comparable result: ``output`` (parsed, or None), ``logs`` and ``error`` (None when it ran); and,
        not compared, ``where``: the error's line of the code with a caret under its column (or None)."""
        from cfmock.runner import run_connection_function, run_function
        from cfmock.runtime import ERROR_PREFIX

        run = run_connection_function if self.connection else run_function
        result: Any = run(self.code, event_text, runtime=self.runtime, kvs=self.kvs, now=self.now)
        error = result.error_message or None
        if error is not None and error.startswith(ERROR_PREFIX):
            error = error[len(ERROR_PREFIX) :]
        return {
            "output": json.loads(result.output) if result.output else None,
            "logs": list(result.logs),
            "error": error,
            "where": self._where(result.error_location),
        }

    def _where(self, location: Any) -> str | None:
        if location is None:
            return None
        from cfmock.runtime.locations import excerpt

        return f"(the error is at {self.path}:{location})\n{excerpt(self.code, location)}"


@dataclass(frozen=True)
class Outcome:
    """What one case came to; ``detail`` is the diff or the reason (empty when it passed)."""

    name: str
    status: Status
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.status != "failed"


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def same(expected: Any, actual: Any) -> bool:
    """JSON equality: as ``==``, except that ``true`` is not ``1`` and ``false`` is not ``0`` (Python's bool is an
    int, JSON's is not)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(same(expected[k], actual[k]) for k in expected)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(same(e, a) for e, a in zip(expected, actual, strict=True))
    return bool(expected == actual)


def _document(expected: Mapping[str, Any]) -> list[str]:
    """The keys in their documented order, everything inside them sorted: stable files, readable diffs."""
    ordered = {key: _sorted(expected[key]) for key in COMPARED_KEYS if key in expected}
    return json.dumps(ordered, indent=2, ensure_ascii=False).splitlines()


def _write_expected(path: Path, expected: Mapping[str, Any]) -> None:
    path.write_text("\n".join(_document(expected)) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class FunctionCase:
    """One ``NAME.event.json`` of a cases directory, with its ``NAME.expected.json`` (which may not exist)."""

    name: str
    event_path: Path
    function: FunctionUnderTest

    @property
    def expected_path(self) -> Path:
        return self.event_path.with_name(self.name + EXPECTED_SUFFIX)

    def __str__(self) -> str:
        return self.name

    def evaluate(self, update: bool = False, *, how_to_update: str = "cfmock test ... --update") -> Outcome:
        """Run the case and compare; with ``update``, write the expected file from the actual result instead.

        An existing expected file keeps its choice of keys when updated; a new one gets all three."""
        try:
            event_text = self.event_path.read_text(encoding="utf-8")
        except (OSError, ValueError) as error:
            return Outcome(self.name, "failed", f"cannot read {self.event_path.name}: {error}")
        try:
            actual = self.function.run(event_text)
        except ValueError as error:  # InvalidEventError, or a runtime the code cannot run on
            return Outcome(self.name, "failed", f"invalid event {self.event_path.name}: {error}")
        expected, problem = self._load_expected()
        if update:
            keys = list(expected) if expected else list(COMPARED_KEYS)
            wanted = {key: actual[key] for key in keys}
            if expected is not None and same(expected, wanted):
                return Outcome(self.name, "passed")
            existed = self.expected_path.exists()
            _write_expected(self.expected_path, wanted)
            return Outcome(self.name, "updated" if existed else "created")
        if expected is None:
            return Outcome(self.name, "failed", problem or self._missing(how_to_update))
        compared = {key: actual[key] for key in expected}
        if same(expected, compared):
            return Outcome(self.name, "passed")
        detail = self._diff(expected, compared, actual)
        hint = connection_hint(self.function.code, self.function.connection, actual["error"] or "")
        return Outcome(self.name, "failed", detail + (f"\n(hint: {hint})" if hint else ""))

    def check(self, update: bool | None = None) -> None:
        """For pytest: raise AssertionError with the diff when the case fails. ``update`` defaults to whether
        pytest runs with ``--cfmock-update``."""
        requested = _pytest_update_requested if update is None else update
        outcome = self.evaluate(requested, how_to_update="pytest --cfmock-update")
        if not outcome.passed:
            raise AssertionError(f"case {self.name} ({self.event_path}):\n{outcome.detail}")

    def _missing(self, how_to_update: str) -> str:
        return f"no {self.expected_path.name}: run `{how_to_update}` to create it from the actual result"

    def _load_expected(self) -> tuple[dict[str, Any] | None, str]:
        """The expected keys, or None and why (an absent file has no reason: the caller words that)."""
        path = self.expected_path
        if not path.exists():
            return None, ""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            return None, f"cannot read {path.name}: {error}"
        if not isinstance(document, dict):
            return None, f"{path.name} must be a JSON object with any of {', '.join(COMPARED_KEYS)}"
        unknown = sorted(set(document) - set(COMPARED_KEYS))
        if unknown:
            return None, f"{path.name} has unknown keys {unknown}; it may hold {', '.join(COMPARED_KEYS)}"
        if not document:
            return None, f"{path.name} compares nothing: give at least one of {', '.join(COMPARED_KEYS)}"
        return document, ""

    def _diff(self, expected: Mapping[str, Any], compared: Mapping[str, Any], actual: Mapping[str, Any]) -> str:
        lines = list(
            difflib.unified_diff(
                _document(expected),
                _document(compared),
                fromfile=self.expected_path.name,
                tofile=f"{self.name} (actual)",
                lineterm="",
            )
        )
        if actual["error"] is not None and "error" not in expected:
            lines.append(f"(the function failed: {actual['error']})")
        if actual.get("where"):
            lines.append(actual["where"])
        return "\n".join(lines)


def load_cases(
    function: str | Path,
    cases_dir: str | Path,
    *,
    runtime: str = "cloudfront-js-2.0",
    connection: bool = False,
    kvs: Mapping[str, str] | str | Path | None = None,
    now: datetime | str | None = None,
) -> list[FunctionCase]:
    """The cases of ``cases_dir``, sorted by name, each running ``function`` (a path to its JavaScript).

    ``kvs`` is the store's contents, or a path to an import file. Raises :class:`CasesError` when the
    function, the store or the directory cannot be used, or the directory holds no case."""
    from cfmock.runtime import VIEWER_RUNTIMES

    if runtime not in VIEWER_RUNTIMES:
        raise CasesError(f"unknown runtime {runtime!r}; expected one of {', '.join(VIEWER_RUNTIMES)}")
    if connection and runtime != "cloudfront-js-2.0":
        raise CasesError(f"connection functions run only on cloudfront-js-2.0, not {runtime!r}")
    function_path, directory = Path(function), Path(cases_dir)
    code = read_source(function_path, "function")
    under_test = FunctionUnderTest(function_path, code, runtime, connection, _store(kvs), _clock(now))
    if not directory.is_dir():
        raise CasesError(f"{directory} is not a directory of cases" if directory.exists() else f"no {directory}")
    events = sorted(p for p in directory.iterdir() if p.name.endswith(EVENT_SUFFIX) and p.is_file())
    if not events:
        raise CasesError(f"{directory} holds no case: a case is a NAME{EVENT_SUFFIX} file")
    return [FunctionCase(p.name[: -len(EVENT_SUFFIX)], p, under_test) for p in events]


def orphans(cases_dir: str | Path) -> list[str]:
    """``NAME.expected.json`` files with no ``NAME.event.json``: expectations nothing checks."""
    directory = Path(cases_dir)
    names = {p.name for p in directory.iterdir()}
    return sorted(
        n for n in names if n.endswith(EXPECTED_SUFFIX) and n[: -len(EXPECTED_SUFFIX)] + EVENT_SUFFIX not in names
    )


def function_cases(
    function: str | Path,
    cases_dir: str | Path,
    *,
    runtime: str = "cloudfront-js-2.0",
    connection: bool = False,
    kvs: Mapping[str, str] | str | Path | None = None,
    now: datetime | str | None = None,
) -> list[Any]:
    """The cases of ``cases_dir`` as ``pytest.param`` values, one per case, with the case name as the test id.

    Use with ``@pytest.mark.parametrize("case", cfmock.function_cases("f.js", "cases"))`` and call
    ``case.check()`` in the test. Orphan expected files fail at collection, as ``cfmock test`` fails them."""
    import pytest

    cases = load_cases(function, cases_dir, runtime=runtime, connection=connection, kvs=kvs, now=now)
    stray = orphans(cases_dir)
    if stray:
        raise CasesError(f"{', '.join(stray)} in {cases_dir} belong to no {EVENT_SUFFIX} file")
    return [pytest.param(case, id=case.name) for case in cases]


def read_source(path: Path, what: str) -> str:
    """A UTF-8 file the user named, or a :class:`CasesError` that says which file and what is wrong."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CasesError(f"no {what} file {path}") from None
    except IsADirectoryError:
        raise CasesError(f"the {what} file {path} is a directory") from None
    except (OSError, ValueError) as error:
        raise CasesError(f"cannot read the {what} file {path}: {error}") from None


def _store(kvs: Mapping[str, str] | str | Path | None) -> Mapping[str, str] | None:
    if kvs is None or isinstance(kvs, Mapping):
        return kvs
    from cfmock.runner import load_import_file

    text = read_source(Path(kvs), "key value store")
    try:
        return load_import_file(text)
    except ValueError as error:
        raise CasesError(f"invalid key value store file {kvs}: {error}") from None


def parse_now(text: str) -> datetime:
    """An ISO 8601 time (``2025-01-01T12:00:00Z``) for the function's clock (decisions 45); no offset means UTC."""
    from datetime import UTC

    from cfmock.runtime.clock import start_time_ms

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CasesError(f"invalid time {text!r}: give an ISO 8601 time such as 2025-01-01T12:00:00Z") from None
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    try:
        start_time_ms(moment)
    except ValueError as error:
        raise CasesError(str(error)) from None
    return moment


def _clock(now: datetime | str | None) -> datetime | None:
    if isinstance(now, str):
        return parse_now(now)
    if now is not None and not isinstance(now, datetime):
        raise TypeError(f"now must be a datetime or an ISO 8601 str, not {type(now).__name__}")
    return now
