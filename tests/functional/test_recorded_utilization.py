"""ComputeUtilization comes out near AWS's recorded figures (decision 46), through boto3 and ``run_function``.

The seven aws-samples functions whose figures AWS printed (tests/recorded_utilization.py) are run here; each
must land within 0.5x-2x of AWS's figure and their geometric mean within 0.67x-1.5x. A single run's CPU time
jitters on a busy machine (a preemption leaves the caches cold), so each function's figure is the median of
nine runs, as one would read it off a few TestFunction calls; the runs go round the seven functions, so that a
spell of load does not fall on one of them. Both ways in are run in fresh processes, as a small test run is
(see _check_in_fresh_processes for why not in the suite's own, and why three).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from recorded_utilization import EACH_BAND, MEAN_BAND, RECORDED, Recorded, geometric_mean, ratios

import cfmock

RUNS = 9
PROCESSES = 3  # RUNS is a multiple of it


def _changed(output: dict[str, Any], recorded: Recorded) -> str:
    kind, name, _ = recorded.changed
    part = output[kind]
    return str(part["uri"] if name == "uri" else part["headers"][name]["value"])


def _check_bands(figures: dict[str, float], samples: dict[str, list[int]]) -> None:
    found = ratios(figures)
    report = ", ".join(f"{r.name} {figures[r.name]:g} {samples[r.name]} (AWS {r.aws_figure})" for r in RECORDED)
    for name, ratio in found.items():
        assert EACH_BAND[0] <= ratio <= EACH_BAND[1], f"{name} at {ratio:.2f}x of AWS's figure: {report}"
    mean = geometric_mean(found.values())
    assert MEAN_BAND[0] <= mean <= MEAN_BAND[1], f"geometric mean {mean:.2f}x of AWS's figures: {report}"


def _check(run: Callable[[Recorded], tuple[int, dict[str, Any]]]) -> None:
    samples: dict[str, list[int]] = {recorded.name: [] for recorded in RECORDED}
    for _ in range(RUNS):  # round after round, so that a spell of load spreads over all seven
        for recorded in RECORDED:
            utilization, output = run(recorded)
            assert _changed(output, recorded) == recorded.changed[2]  # it did what the sample did on AWS
            samples[recorded.name].append(utilization)
    _check_bands({name: statistics.median(found) for name, found in samples.items()}, samples)


_TEST_FUNCTION_SCRIPT = """
import json, sys
import boto3, cfmock
from recorded_utilization import RECORDED, RT1
with cfmock.mock_cloudfront_functions():
    cf = boto3.client("cloudfront", region_name="us-east-1")
    etags = {r.name: cf.create_function(Name=r.name, FunctionConfig={"Comment": "", "Runtime": RT1},
                                        FunctionCode=r.code.encode())["ETag"] for r in RECORDED}
    runs = []
    for _ in range(int(sys.argv[1])):
        for r in RECORDED:
            result = cf.test_function(Name=r.name, IfMatch=etags[r.name], EventObject=json.dumps(r.event).encode())
            runs.append([r.name, result["TestResult"]["ComputeUtilization"], result["TestResult"]["FunctionOutput"],
                         result["TestResult"]["FunctionErrorMessage"]])
print(json.dumps(runs))
"""

_RUN_FUNCTION_SCRIPT = """
import json, sys
import cfmock
from recorded_utilization import RECORDED, RT1
runs = []
for _ in range(int(sys.argv[1])):
    for r in RECORDED:
        result = cfmock.run_function(r.code, r.event, runtime=RT1)
        runs.append([r.name, result.compute_utilization, result.output, result.error_message])
print(json.dumps(runs))
"""


def _check_in_fresh_processes(script: str) -> None:
    """Run ``script`` (rounds of the seven, printed as [name, figure, output, error]) in new interpreters, as a
    small test run is, and check the figures of all RUNS rounds together.

    In PROCESSES interpreters of RUNS // PROCESSES rounds each: each calibrates on its own (utilization.py), so
    one calibration taken in a spell of the shared machine's speed (docs/running-code.md) carries at most a
    third of each function's runs, never the median. In one interpreter it carried them all: the figures fell
    to 0.4x-0.5x of AWS's after the first round, in CI (a reference timed in a slow spell, runs in a fast one).

    Not in this process: in a long test session's large process the figures swing both ways against the
    reference's. Measured in full-suite runs: through boto3 about 1.5x higher (one function at 2.1x); through
    run_function once 2.2x higher (runs 95 µs of CPU against a reference of 55 µs, which took 62 µs against
    the same reference in a fresh process) and once 0.45x lower."""
    root = Path(__file__).resolve().parents[2]
    path = [str(root), str(root / "tests"), os.environ.get("PYTHONPATH", "")]  # cfmock, recorded_utilization
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    printed: list[list[Any]] = []
    for _ in range(PROCESSES):
        done = subprocess.run([sys.executable, "-c", script, str(RUNS // PROCESSES)], capture_output=True,
                              text=True, timeout=300, cwd=root, env=env)  # fmt: skip
        assert done.returncode == 0, done.stderr
        printed += json.loads(done.stdout)
    by_name = {recorded.name: recorded for recorded in RECORDED}
    found = iter(printed)

    def run(recorded: Recorded) -> tuple[int, dict[str, Any]]:
        name, utilization, output, error = next(found)
        assert name == recorded.name and by_name[name] is recorded
        assert error == ""
        return int(utilization), json.loads(output)

    _check(run)
    assert next(found, None) is None  # every run printed was checked


def test_test_function_reports_figures_near_aws() -> None:
    _check_in_fresh_processes(_TEST_FUNCTION_SCRIPT)


def test_run_function_reports_figures_near_aws() -> None:
    _check_in_fresh_processes(_RUN_FUNCTION_SCRIPT)


def test_compiling_is_not_counted() -> None:
    """On AWS code is compiled when it is saved, not in each run: a first run, which compiles the code, reports
    what the later ones do. (A source that takes far longer to compile than to run makes the difference plain:
    counting the compile, first runs here came out 4-10x the later ones.) Three sources, as one first run's
    figure jitters like any single run's."""
    dead = "\n".join(f"function unused{i}(a) {{ var x = a * {i}; return x > {i} ? [x, '{i}'] : null; }}"
                     for i in range(1000))  # fmt: skip
    options = cfmock.MockOptions(viewer_budget_ms=20.0)  # no cap: the later runs come out at ~5-10 of 100
    firsts, later = [], []
    for _ in range(3):
        code = f"function handler(event) {{ return event.request; }}\n{dead}\n// {id(object())}"  # a new source
        firsts.append(cfmock.run_function(code, RECORDED[0].event, options=options).compute_utilization)
        later += [cfmock.run_function(code, RECORDED[0].event, options=options).compute_utilization for _ in range(3)]
    assert statistics.median(firsts) <= 2.5 * max(statistics.median(later), 2), (firsts, later)
