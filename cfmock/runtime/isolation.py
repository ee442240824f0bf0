"""Where runs execute: in this process, or, without the out-of-memory guard, in a worker process.

The QuickJS bundled with ``quickjs`` 1.19.4 can use freed memory while it unwinds from an out-of-memory
error (a segmentation fault in ``build_backtrace``; some memory bombs crash it on their first run).
:mod:`cfmock.runtime.native` closes that path in each run's runtime, so where it is available every run
stays in this process. Where it is not (see that module), runs stay here until one ends out of memory; from
then on they go to a worker process, which is replaced after every run that ends out of memory. If QuickJS
crashes the worker, that run is reported as out of memory (the only path seen to crash) and the next run
starts a new worker, so the caller's process survives such runs (runtime.md §4, decisions 29).
"""

from __future__ import annotations

import logging
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
from typing import IO, Any

from .errors import OUT_OF_MEMORY_MESSAGE

_HEADER = struct.Struct("!I")
_GRACE_S = 10.0  # beyond the run's own hard limit, before a silent worker is presumed stuck
logger = logging.getLogger("cfmock")

_lock = threading.Lock()
_use_worker = False
_worker: subprocess.Popen[bytes] | None = None


def execute(*args: Any, **kwargs: Any) -> Any:
    """``sandbox.execute`` here or in the worker; the same arguments and the same ``Outcome``."""
    global _use_worker
    from . import sandbox

    if not _use_worker:
        outcome = sandbox.execute(*args, **kwargs)
        if outcome.error == OUT_OF_MEMORY_MESSAGE and not _guarded():
            _use_worker = True  # this process's QuickJS heap is no longer trusted for more out-of-memory runs
        return outcome
    with _lock:
        return _in_worker(args, kwargs)


def _guarded() -> bool:
    """Whether runs here have the out-of-memory guard of :mod:`cfmock.runtime.native`."""
    from . import native

    return native.native() is not None


def _in_worker(args: Any, kwargs: Any) -> Any:
    global _worker
    from . import sandbox

    if _worker is None or _worker.poll() is not None:
        _worker = _start()
    worker = _worker
    assert worker.stdin is not None and worker.stdout is not None
    limit = kwargs["limits"].time_limit_s
    try:
        _send(worker.stdin, (args, kwargs))
        reply = _receive(worker.stdout, limit + _GRACE_S)
    except (OSError, EOFError, TimeoutError, pickle.UnpicklingError):
        reply = None
    except BaseException:
        # Ctrl-C while waiting: the worker's reply would otherwise be read as the next run's.
        _stop(worker)
        _worker = None
        raise
    if reply is None:
        _stop(worker)
        _worker = None
        logger.warning("QuickJS crashed the cfmock worker process; the run is reported as out of memory")
        outcome = sandbox.Outcome()
        outcome.error = OUT_OF_MEMORY_MESSAGE
        return outcome
    status, value = reply
    if status == "error":
        raise value  # an exception of cfmock's own engine, raised in the worker
    if value.error == OUT_OF_MEMORY_MESSAGE:
        _stop(worker)  # the next run gets a worker whose heap has never run out of memory
        _worker = None
    return value


def _start() -> subprocess.Popen[bytes]:
    # The worker gets this process's import path first, so it finds the same cfmock however it was imported.
    command = (
        "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
        "from cfmock.runtime.isolation import serve; serve()"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", command], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert worker.stdin is not None
    pickle.dump(list(sys.path), worker.stdin)
    worker.stdin.flush()
    return worker


def _stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.kill()
    worker.wait()
    for stream in (worker.stdin, worker.stdout):
        if stream is not None:
            stream.close()


def _send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes], timeout: float | None = None) -> Any:
    if timeout is not None and not select.select([stream], [], [], timeout)[0]:
        raise TimeoutError
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def serve() -> None:
    """The worker's loop: one run per message, until the parent closes the pipe."""
    from . import sandbox

    # A terminal's Ctrl-C reaches the whole process group; the parent decides (it stops this worker), and a
    # worker killed by it would be reported as a crash, that is, as out of memory.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            args, kwargs = _receive(stdin)
        except EOFError:
            return
        try:
            reply: tuple[str, Any] = ("ok", sandbox.execute(*args, **kwargs))
        except Exception as error:  # the parent raises it, as it would have in-process
            reply = ("error", error)
        _send(stdout, reply)
