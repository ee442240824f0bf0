"""The ComputeUtilization estimate (decisions 28, 46; cfmock/runtime/utilization.py): its arithmetic and its
per-process calibration (lazy, cheap, measured on first use and kept current)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from recorded_utilization import RECORDED

from cfmock.runtime import run_viewer_function, utilization
from cfmock.runtime.utilization import REFERENCE_AWS_MS, Calibration

CALIBRATION = Calibration(reference_s=50e-6, cost_s=0.0)


# -- the arithmetic -------------------------------------------------------------------------------------------


def test_a_run_like_the_reference_counts_as_the_reference() -> None:
    assert CALIBRATION.aws_ms(50e-6) == pytest.approx(REFERENCE_AWS_MS)
    assert utilization.utilization(50e-6, 1.0, CALIBRATION) == round(100 * REFERENCE_AWS_MS)


def test_the_figure_grows_with_the_run() -> None:
    assert CALIBRATION.aws_ms(100e-6) == pytest.approx(2 * REFERENCE_AWS_MS)
    assert CALIBRATION.aws_ms(5e-6) == pytest.approx(REFERENCE_AWS_MS / 10)


@pytest.mark.parametrize("slowdown", [0.25, 1.0, 3.0, 10.0])
def test_a_slower_or_busier_machine_gives_the_same_figure(slowdown: float) -> None:
    """On a slow machine the reference and the run both take longer: the estimate does not move."""
    calibration = Calibration(reference_s=50e-6 * slowdown, cost_s=0.0)
    assert utilization.utilization(80e-6 * slowdown, 1.0, calibration) == round(100 * REFERENCE_AWS_MS * 1.6)


def test_the_budget_divides_and_the_figure_is_capped_at_100() -> None:
    aws_ms = 4 * REFERENCE_AWS_MS
    assert utilization.utilization(200e-6, 1.0, CALIBRATION) == round(100 * aws_ms)
    assert utilization.utilization(200e-6, 5.0, CALIBRATION) == round(100 * aws_ms / 5)  # connection functions
    assert utilization.utilization(200e-6, 0.01, CALIBRATION) == 100
    assert utilization.utilization(1.0, 1.0, CALIBRATION) == 100
    assert utilization.utilization(0.0, 1.0, CALIBRATION) == 0
    assert utilization.utilization(200e-6, 0.0, CALIBRATION) == 100  # no budget at all


# -- the calibration -----------------------------------------------------------------------------------------


def test_the_calibration_is_measured_on_first_use_and_then_refreshed(monkeypatch: pytest.MonkeyPatch) -> None:
    run_viewer_function("function handler(event) { return event.request; }", RECORDED[0].event)
    reference = utilization._Reference()
    monkeypatch.setattr(utilization, "_reference", reference)
    now = [1000.0]
    monkeypatch.setattr(utilization.time, "monotonic", lambda: now[0])
    first = utilization.calibration()
    assert len(reference.samples) == utilization.REFERENCE_RUNS  # the warm-up runs are not kept
    assert first.reference_s == sorted(reference.samples)[len(reference.samples) // 4] > 0  # lower quartile
    assert 0 < first.cost_s < 0.2, first.cost_s  # cheap: ~6 ms of CPU on a busy 2-core machine
    now[0] += utilization.REFRESH_S / 2
    assert utilization.calibration().cost_s == first.cost_s  # nothing measured again yet
    now[0] += utilization.REFRESH_S
    refreshed = utilization.calibration()
    assert refreshed.cost_s > first.cost_s  # one more reference run, in place of the oldest
    assert len(reference.samples) == utilization.REFERENCE_RUNS


def test_a_spell_of_load_is_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refreshed samples replace the old ones: after a window's worth of refreshes on a machine twice as slow,
    the reference is twice as long, and a run twice as long has the figure it had before."""
    reference = utilization._Reference()
    monkeypatch.setattr(utilization, "_reference", reference)
    now = [1000.0]
    monkeypatch.setattr(utilization.time, "monotonic", lambda: now[0])
    timing = [60e-6]
    monkeypatch.setattr(utilization, "_reference_run", lambda: timing[0])
    calm = utilization.estimate(120e-6, 1.0)
    timing[0] = 120e-6
    for _ in range(utilization.REFERENCE_RUNS // 2):  # a spell: most samples slow, the quartile is not
        now[0] += utilization.REFRESH_S
        utilization.calibration()
    assert utilization.estimate(240e-6, 1.0) > calm  # less than three quarters of the window: not yet
    for _ in range(utilization.REFERENCE_RUNS):
        now[0] += utilization.REFRESH_S
        utilization.calibration()
    assert utilization.estimate(240e-6, 1.0) == calm


def test_after_a_pause_the_reference_is_measured_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Timings from before a pause say how the machine was then: the next run is measured against new ones
    only, warm-ups included, while runs closer together than STALE_S keep the window."""
    reference = utilization._Reference()
    monkeypatch.setattr(utilization, "_reference", reference)
    now = [1000.0]
    monkeypatch.setattr(utilization.time, "monotonic", lambda: now[0])
    timing = [60e-6]
    runs = [0]

    def reference_run() -> float:
        runs[0] += 1
        return timing[0]

    monkeypatch.setattr(utilization, "_reference_run", reference_run)
    utilization.calibration()
    assert runs[0] == utilization.REFERENCE_WARMUPS + utilization.REFERENCE_RUNS
    timing[0] = 150e-6  # the machine is slower after the pause
    now[0] += utilization.STALE_S * 0.9
    assert utilization.calibration().reference_s == 60e-6  # one refresh: the quartile still holds the window
    assert runs[0] == utilization.REFERENCE_WARMUPS + utilization.REFERENCE_RUNS + 1
    now[0] += utilization.STALE_S
    assert utilization.calibration().reference_s == 150e-6  # all new, none from before the pause
    assert runs[0] == 2 * (utilization.REFERENCE_WARMUPS + utilization.REFERENCE_RUNS) + 1
    assert list(reference.samples) == [150e-6] * utilization.REFERENCE_RUNS


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
        assert len(utilization._reference.samples) == utilization.REFERENCE_RUNS
        assert 0 < result.compute_utilization < 100, result.compute_utilization
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
