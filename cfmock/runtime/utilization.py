"""ComputeUtilization as an estimate of AWS's figure (decisions 28 and 46).

A run's CPU time says how fast this machine is at the moment, not what CloudFront would report: the same
function costs a different number of microseconds on a laptop, on a loaded CI runner (other processes evict
this core's caches), and on either engine path. So each run's time is divided by the time of a reference run:
a fixed small viewer function run through the same sandbox and timed the same way, in this thread's CPU time.
It is measured on first use (the lower quartile of :data:`REFERENCE_RUNS` runs) and kept current while runs
come (one more reference run at most every :data:`REFRESH_S`); after a pause of :data:`STALE_S` it is measured
afresh, since timings from before the pause say how the machine was then. The reference stands for
:data:`REFERENCE_AWS_MS` of CloudFront's time, a figure chosen so that the seven aws-samples functions whose
AWS figures are recorded (decision 46) come out near those figures. So

    utilization = round(100 × REFERENCE_AWS_MS × (elapsed / reference) / budget_ms), capped at 100.

The engine is loaded by the first run, before this is asked for, so importing this module stays light.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Final

# What the reference run counts for on AWS, in ms. Calibrated so that the seven recorded functions (see
# tests/recorded_utilization.py) come out near their AWS figures on geometric mean, between runs through boto3
# (~10 % higher: botocore leaves the caches cold) and through run_function: each costs 0.9x to 1.2x the
# reference here, and AWS reported 10 to 20.
REFERENCE_AWS_MS: Final = 0.128
REFERENCE_WARMUPS: Final = 2  # compile, fill the caches
REFERENCE_RUNS: Final = 9  # timings kept; their lower quartile is used (a preempted or cache-cold run is slow)
REFRESH_S: Final = 0.1  # at most this often (wall time) one more reference run replaces the oldest timing
# Timings this much older (wall time) than a run are not kept: in a long test session the runs of one test can
# come minutes after the last ones, when the machine was busier or idler; a burst of runs takes well under
# REFRESH_S, so without this it would be measured against those old timings alone.
STALE_S: Final = 1.0

# The reference: a handler that reads the event, adds one header and returns the request, like most viewer
# functions. It does not change, or the calibration above no longer holds.
REFERENCE_CODE: Final = """function handler(event) {
    var request = event.request;
    var headers = request.headers;
    if (!headers['x-reference']) {
        headers['x-reference'] = { value: request.method + ' ' + event.viewer.ip };
    }
    return request;
}"""
REFERENCE_EVENT: Final = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.7"},
    "request": {
        "method": "GET",
        "uri": "/index.html",
        "querystring": {"page": {"value": "2"}, "lang": {"value": "en"}},
        "headers": {"host": {"value": "www.example.com"}, "accept": {"value": "text/html"}},
        "cookies": {"session": {"value": "abc123"}, "theme": {"value": "dark"}},
    },
}


@dataclass(frozen=True)
class Calibration:
    reference_s: float  # the reference run's CPU time lately (lower quartile), on this machine and engine path
    cost_s: float  # CPU time all reference runs of this process took so far

    def aws_ms(self, elapsed_s: float) -> float:
        """The AWS milliseconds a run that took ``elapsed_s`` of CPU time here stands for."""
        return REFERENCE_AWS_MS * elapsed_s / self.reference_s


def utilization(elapsed_s: float, budget_ms: float, calibration: Calibration) -> int:
    """The estimate for a run that took ``elapsed_s`` of CPU time, against a budget in AWS milliseconds;
    capped at 100 (decisions 28)."""
    if budget_ms <= 0:
        return 100
    return min(100, round(100 * calibration.aws_ms(elapsed_s) / budget_ms))


def estimate(elapsed_s: float, budget_ms: float) -> int:
    """ComputeUtilization for a run just made."""
    return utilization(elapsed_s, budget_ms, calibration())


class _Reference:
    """The reference run's recent timings in this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: deque[float] = deque(maxlen=REFERENCE_RUNS)
        self.refreshed = 0.0  # time.monotonic() of the last sample
        self.cost_s = 0.0
        self.current: Calibration | None = None  # what the samples and cost say; None once either changed


_reference = _Reference()


def calibration() -> Calibration:
    """This process's calibration: measured on first use and after a pause of :data:`STALE_S` (11 small runs,
    a few ms of CPU), then one more reference run at most every :data:`REFRESH_S` while runs keep coming
    (~2 % more CPU at most), so that a process follows the machine's load and a spell of load at the first run
    does not stay in its figures."""
    reference = _reference
    with reference.lock:  # one measurement at a time, even when runs come from several threads
        now = time.monotonic()
        if now - reference.refreshed >= STALE_S:
            reference.samples.clear()  # measured afresh, warm-ups included: the caches have gone cold since
        if not reference.samples or now - reference.refreshed >= REFRESH_S:
            started = time.thread_time()
            runs = 1 if reference.samples else REFERENCE_WARMUPS + REFERENCE_RUNS
            timings = [_reference_run() for _ in range(runs)]
            reference.samples.extend(timings[-REFERENCE_RUNS:])
            reference.refreshed = now
            reference.cost_s += time.thread_time() - started
            reference.current = None
        if reference.current is None:  # kept between refreshes: most runs come between two of them
            # The lower quartile: a spell of load that slows most of the recent samples does not carry it.
            quartile = sorted(reference.samples)[len(reference.samples) // 4]
            # 1e-6: a coarse clock
            reference.current = Calibration(reference_s=max(quartile, 1e-6), cost_s=reference.cost_s)
        return reference.current


def _reference_run() -> float:
    """One run of the reference through the sandbox, timed as user code is."""
    from . import sandbox  # the engine: loaded by now, since a run is what asks for a calibration
    from .events import normalise_viewer_event
    from .profiles import RUNTIME_1, prepare
    from .results import RuntimeLimits

    payload = json.dumps(normalise_viewer_event(REFERENCE_EVENT), separators=(",", ":"))
    outcome = sandbox.execute(prepare(REFERENCE_CODE, RUNTIME_1), "viewer", payload, runtime=RUNTIME_1,
                              event_type="viewer-request", edge_location="SEA19-C1", kvs=None,
                              limits=RuntimeLimits())  # fmt: skip
    if outcome.error or outcome.timed_out:
        raise RuntimeError(f"cfmock's reference run failed: {outcome.error or 'timed out'}")
    return outcome.elapsed_s
