"""Ctrl-C at a real ``cfmock run`` process while the function is busy (issue 13: "Ctrl-C stops cfmock run
within 1 s, whatever the code is doing").

The in-process tests (test_cli.py, tests/runtime/test_concurrent_runs.py) simulate Ctrl-C with
``_thread.interrupt_main``. Here a real SIGINT reaches a real process, as a terminal sends it, while the function
is known to be running: the event comes through a FIFO, so the test knows when the process has read it, and the
signal is sent only once the process has used enough CPU time since then to be inside the function. CPU time
is read from /proc, so this runs on Linux.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from cli_process import cfmock_popen

from cfmock.runtime import engine

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads CPU time from /proc (Linux)")

EVENT = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/", "headers": {}},
}
HARD_LIMIT_S = 1.0  # decisions 28: what the run would use before it stopped itself
# Reading the event, preparing the code and loading the engine take well under this much CPU time; the rest
# of it is spent inside the function (measured here: about 0.1 s on the first run of a process).
BUSY_BEFORE_SIGNAL_S = 0.4
BUSY = [
    pytest.param("function handler(e) { while (true) {} }", id="loop"),
    pytest.param("function handler(e) { for (;;) /^(a+)+$/.test('a'.repeat(40) + 'b'); }", id="regex"),
    pytest.param("function handler(e) { var s = 'a'.repeat(1 << 20); for (;;) s.toUpperCase(); }", id="built-in"),
    pytest.param("async function handler(e) { await null; for (;;) {} }", id="promise-job"),
    pytest.param(
        "function handler(e) { var r = {}; Object.defineProperty(r, 'x', { enumerable: true,"
        " get: function () { for (;;) {} } }); return r; }",
        id="result-getter",
    ),
]


def _cpu_s(pid: int) -> float:
    """The process's user + system CPU time so far (proc(5): fields 14 and 15, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _hand_over(fifo: Path, process: subprocess.Popen[str], data: str) -> None:
    """Write ``data`` into the FIFO once ``process`` opened it for reading."""
    deadline = time.monotonic() + 60
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as error:  # ENXIO: no reader yet
            if error.errno != errno.ENXIO or process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.005)
    try:
        os.set_blocking(fd, True)
        os.write(fd, data.encode("utf-8"))
    finally:
        os.close(fd)


@pytest.mark.parametrize("code", BUSY)
def test_sigint_stops_a_busy_cfmock_run_within_one_second(tmp_path: Path, code: str) -> None:
    (tmp_path / "busy.js").write_text(code, encoding="utf-8")
    fifo = tmp_path / "event.json"
    os.mkfifo(fifo)
    process = cfmock_popen("run", "busy.js", "--event", str(fifo), cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        _hand_over(fifo, process, json.dumps(EVENT))
        read_at = _cpu_s(process.pid)
        deadline = time.monotonic() + 60
        while _cpu_s(process.pid) - read_at < BUSY_BEFORE_SIGNAL_S:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the process never got busy"
            time.sleep(0.01)
        signalled_at, cpu_at_signal = time.monotonic(), _cpu_s(process.pid)
        process.send_signal(signal.SIGINT)
        while True:  # reaped here, for the CPU time it used to the end
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            assert time.monotonic() - signalled_at < 30, "SIGINT did not stop the process"
            time.sleep(0.002)
        waited = time.monotonic() - signalled_at
        process.returncode = os.waitstatus_to_exitcode(status)
        assert process.stdout is not None and process.stderr is not None
        out, err = process.stdout.read(), process.stderr.read()
    finally:
        if process.returncode is None:
            process.kill()
            process.wait()
    # Stopped by Ctrl-C, not by the time limit (which prints the result, with its error, and exits 1).
    assert (process.returncode, out, err) == (130, "", "cfmock: interrupted\n")
    cpu_after_signal = usage.ru_utime + usage.ru_stime - cpu_at_signal
    if engine.fast_path():
        # cfmock's interrupt handler stops the code at its next poll: the process exits right away, without
        # running on to the hard limit (at least HARD_LIMIT_S - BUSY_BEFORE_SIGNAL_S more seconds of CPU).
        assert waited < 1.0, f"exited {waited:.2f} s after SIGINT"
        assert cpu_after_signal < 0.3
    else:
        # The plain path has no handler in Python: the binding's own limit stops the code, then Ctrl-C is raised.
        assert cpu_after_signal < HARD_LIMIT_S - BUSY_BEFORE_SIGNAL_S + 0.6
