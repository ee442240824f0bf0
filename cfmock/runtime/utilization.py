"""ComputeUtilization as an estimate of AWS's figure (decisions 28 and 46).

A run's CPU time says how fast this machine is at the moment, not what CloudFront would report: the same
function costs a different number of microseconds on a laptop, on a loaded CI runner (other processes evict
this core's caches), and on either engine path. So each run's time is divided by its *probe*: the CPU time of
a piece of work every run does just before the user's code (evaluating cfmock's prelude, see
:mod:`.sandbox`), smoothed over the last few runs, blended with the probe at calibration
(:meth:`Calibration.aws_ms` says why). Machine speed and load change both.

The quotient is then turned into CloudFront's milliseconds by a calibration made once per process on first
use: a fixed reference function run through the same sandbox gives the quotient of a function that stands for
:data:`REFERENCE_AWS_MS` on AWS, a figure chosen so that the seven aws-samples functions whose AWS figures are
recorded (decision 46) come out at those figures on geometric mean. So

    utilization = round(100 × REFERENCE_AWS_MS × (elapsed / √(probe × calibration_probe))
                        / reference_quotient / budget_ms)

capped at 100. The engine is loaded by the first run, before this is asked for, so importing this module stays
light.
"""

from __future__ import annotations

import json
import math
import statistics
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Final

# What the reference run counts for on AWS, in ms. Calibrated so that the seven recorded functions (see
# tests/recorded_utilization.py) come out at their AWS figures on geometric mean: each costs 0.9x to 1.2x the
# reference here, and AWS reported 10 to 20.
REFERENCE_AWS_MS: Final = 0.136
REFERENCE_WARMUPS: Final = 2  # compile, fill the caches
REFERENCE_RUNS: Final = 9  # timed; the median is kept, so a preempted or cache-cold run does not skew it
PROBE_WINDOW: Final = 5  # a run's speed is the median probe of the last runs (itself included) ...
PROBE_MAX_AGE_S: Final = 2.0  # ... made in the last two seconds

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
    reference: float  # the reference run's time over its probe (median), on this machine and engine path
    probe_s: float  # the probe's median CPU time while the calibration ran
    cost_s: float  # CPU time the calibration took

    def aws_ms(self, elapsed_s: float, probe_s: float) -> float:
        """The AWS milliseconds a run stands for, from its CPU time and its (recent) probe's.

        The run is divided by the geometric mean of the probe now and the probe at calibration, not by the
        probe now alone: the probe (memory-heavy, and first after whatever the process did before) reacts more
        than user code does to memory contention and cold caches (measured: 1.45x against 1.2x), and the
        calibration alone cannot follow the load after it (measured: 2x within one process). Halfway
        between, both errors are about halved."""
        speed = math.sqrt(max(probe_s, 1e-9) * self.probe_s)
        return REFERENCE_AWS_MS * (elapsed_s / speed) / self.reference


def utilization(elapsed_s: float, probe_s: float, budget_ms: float, calibration: Calibration) -> int:
    """The estimate for a run that took ``elapsed_s`` of CPU time while its probe took ``probe_s``, against a
    budget in AWS milliseconds; capped at 100 (decisions 28)."""
    if budget_ms <= 0:
        return 100
    return min(100, round(100 * calibration.aws_ms(elapsed_s, probe_s) / budget_ms))


def estimate(elapsed_s: float, probe_s: float, budget_ms: float) -> int:
    """ComputeUtilization for a run just made: its CPU time, its probe's, and the budget in AWS ms."""
    return utilization(elapsed_s, _probes.recent(probe_s), budget_ms, calibration())


class _Probes:
    """The probes of the last few runs: their median is the machine's current speed, steadier than one probe
    (a preemption inside a probe would make that run look fast) and still following a change of load."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: deque[tuple[float, float]] = deque(maxlen=PROBE_WINDOW)  # (time.monotonic(), probe_s)

    def recent(self, probe_s: float) -> float:
        now = time.monotonic()
        with self.lock:
            while self.seen and now - self.seen[0][0] > PROBE_MAX_AGE_S:
                self.seen.popleft()
            self.seen.append((now, probe_s))
            return statistics.median(probe for _, probe in self.seen)


_probes = _Probes()
_lock = threading.Lock()
_measured: Calibration | None = None


def calibration() -> Calibration:
    """This process's calibration, measured on first use: a dozen small runs, a few ms of CPU."""
    global _measured
    with _lock:  # one measurement, even when the first runs come from several threads
        if _measured is None:
            _measured = measure()
        return _measured


def measure() -> Calibration:
    """Run the reference through the sandbox, timed as user code is."""
    from . import sandbox  # the engine: loaded by now, since a run is what asks for a calibration
    from .events import normalise_viewer_event
    from .profiles import RUNTIME_1, prepare
    from .results import RuntimeLimits

    started = time.thread_time()
    prepared = prepare(REFERENCE_CODE, RUNTIME_1)
    payload = json.dumps(normalise_viewer_event(REFERENCE_EVENT), separators=(",", ":"))
    limits = RuntimeLimits()
    ratios: list[float] = []
    probes: list[float] = []
    for i in range(REFERENCE_WARMUPS + REFERENCE_RUNS):
        outcome = sandbox.execute(prepared, "viewer", payload, runtime=RUNTIME_1, event_type="viewer-request",
                                  edge_location="SEA19-C1", kvs=None, limits=limits)  # fmt: skip
        if outcome.error or outcome.timed_out:
            raise RuntimeError(f"cfmock's reference run failed: {outcome.error or 'timed out'}")
        if i >= REFERENCE_WARMUPS:
            ratios.append(outcome.elapsed_s / max(outcome.probe_s, 1e-9))
            probes.append(outcome.probe_s)
    reference = max(statistics.median(ratios), 1e-6)  # a clock too coarse to time the run must not divide by 0
    probe = max(statistics.median(probes), 1e-9)
    return Calibration(reference=reference, probe_s=probe, cost_s=time.thread_time() - started)
