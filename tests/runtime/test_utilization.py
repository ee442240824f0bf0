"""The ComputeUtilization estimate (decisions 28, 46; cfmock/runtime/utilization.py): its arithmetic, its
per-run speed measure, and its per-process calibration (lazy, cheap, measured once)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from cfmock.runtime import run_viewer_function, utilization
from cfmock.runtime.utilization import REFERENCE_AWS_MS, Calibration
from tests.recorded_utilization import RECORDED

CALIBRATION = Calibration(reference=0.25, probe_s=100e-6, cost_s=0.0)


# -- the arithmetic -------------------------------------------------------------------------------------------


def test_a_run_like_the_reference_counts_as_the_reference() -> None:
    # elapsed / probe equal to the reference's quotient: the reference's AWS time, against a 1 ms budget
    assert CALIBRATION.aws_ms(25e-6, 100e-6) == pytest.approx(REFERENCE_AWS_MS)
    assert utilization.utilization(25e-6, 100e-6, 1.0, CALIBRATION) == round(100 * REFERENCE_AWS_MS)


def test_the_figure_grows_with_the_run_and_shrinks_with_the_probe() -> None:
    one = CALIBRATION.aws_ms(50e-6, 100e-6)
    assert CALIBRATION.aws_ms(100e-6, 100e-6) == pytest.approx(2 * one)
    assert CALIBRATION.aws_ms(50e-6, 400e-6) == pytest.approx(one / 2)  # halfway: the root of the probe's 4x


@pytest.mark.parametrize("slowdown", [0.25, 1.0, 3.0, 10.0])
def test_a_slower_or_busier_machine_gives_the_same_figure(slowdown: float) -> None:
    """On a slow machine the calibration, the run and its probe all take longer: the estimate does not move."""
    calibration = Calibration(reference=0.25, probe_s=100e-6 * slowdown, cost_s=0.0)
    expected = round(100 * REFERENCE_AWS_MS * (40 / 100) / 0.25)
    assert utilization.utilization(40e-6 * slowdown, 100e-6 * slowdown, 1.0, calibration) == expected


def test_a_change_of_load_after_the_calibration_is_followed_halfway() -> None:
    """The probe overreacts to memory contention and the calibration alone cannot follow the load: the run is
    divided by the geometric mean of the two probes."""
    calm = CALIBRATION.aws_ms(40e-6, 100e-6)
    assert CALIBRATION.aws_ms(80e-6, 200e-6) == pytest.approx(calm * 2**0.5)  # all 2x slower: +41 %, not +100 %
    assert CALIBRATION.aws_ms(48e-6, 145e-6) == pytest.approx(calm * 1.2 / 1.45**0.5)  # ~1.0, not 0.83


def test_the_budget_divides_and_the_figure_is_capped_at_100() -> None:
    # 0.25 quotient = REFERENCE_AWS_MS; this run is 4x the reference
    aws_ms = 4 * REFERENCE_AWS_MS
    assert utilization.utilization(100e-6, 100e-6, 1.0, CALIBRATION) == round(100 * aws_ms)
    assert utilization.utilization(100e-6, 100e-6, 5.0, CALIBRATION) == round(100 * aws_ms / 5)  # connection
    assert utilization.utilization(100e-6, 100e-6, 0.01, CALIBRATION) == 100
    assert utilization.utilization(1.0, 100e-6, 1.0, CALIBRATION) == 100
    assert utilization.utilization(0.0, 100e-6, 1.0, CALIBRATION) == 0
    assert utilization.utilization(100e-6, 100e-6, 0.0, CALIBRATION) == 100  # no budget at all


def test_a_probe_too_short_to_time_does_not_divide_by_zero() -> None:
    assert utilization.utilization(50e-6, 0.0, 1.0, CALIBRATION) == 100


# -- the speed measure: recent probes ---------------------------------------------------------------------------


def test_the_speed_is_the_median_of_the_recent_probes(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(utilization.time, "monotonic", lambda: now[0])
    probes = utilization._Probes()
    assert probes.recent(100.0) == 100.0
    assert probes.recent(900.0) == 500.0
    assert probes.recent(110.0) == 110.0  # one slow probe (a preemption) does not carry the figure
    for _ in range(utilization.PROBE_WINDOW):
        probes.recent(300.0)
    assert probes.recent(300.0) == 300.0  # the window follows a change of load
    assert len(probes.seen) == utilization.PROBE_WINDOW
    now[0] += utilization.PROBE_MAX_AGE_S + 0.1
    assert probes.recent(50.0) == 50.0  # old probes say nothing about the machine now
    assert len(probes.seen) == 1


# -- the calibration -----------------------------------------------------------------------------------------


def test_the_calibration_is_measured_once_per_process() -> None:
    run_viewer_function("function handler(event) { return event.request; }", RECORDED[0].event)
    first = utilization.calibration()
    run_viewer_function("function handler(event) { return event.request; }", RECORDED[0].event)
    assert utilization.calibration() is first


def test_the_calibration_is_cheap() -> None:
    """It runs once per process, on the first run; it must not weigh on that run (~1-2 ms of CPU idle, ~10 ms
    on a busy 2-core machine)."""
    run_viewer_function("function handler(event) { return event.request; }", RECORDED[0].event)
    measured = utilization.measure()
    assert 0 < measured.reference < 10  # the reference's run is a fraction of its probe on either path
    assert measured.cost_s < 0.1, measured.cost_s


def test_importing_cfmock_does_not_calibrate_and_the_first_run_does() -> None:
    script = textwrap.dedent(
        """
        import sys
        import cfmock
        assert "cfmock.runtime.utilization" not in sys.modules
        assert "quickjs" not in sys.modules
        result = cfmock.run_function("function handler(e) { return e.request; }",
                                     {"request": {"method": "GET", "uri": "/", "headers": {}}})
        from cfmock.runtime import utilization
        assert utilization._measured is not None
        assert 0 < result.compute_utilization < 100, result.compute_utilization
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
