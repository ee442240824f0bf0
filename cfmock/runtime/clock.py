"""The run's clock (decisions 27, 45): one reading at the start of each run, or a time fixed by the caller.

Every reading of the clock inside a run returns this instant. It is taken here, in the caller's process and
through Python's ``time.time``, so that libraries that patch Python's clock (time-machine, freezegun) set
the function's clock too, even when the run itself happens in a worker process.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

Moment = datetime | float | int

# Date's range in JavaScript: +-8.64e15 ms around the epoch.
_MAX_MS = 8_640_000_000_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def start_time_ms(now: Moment | None = None) -> int:
    """``now`` (or the real time) as whole milliseconds since the epoch, as ``Date.now()`` reports it.

    A ``datetime`` without a time zone is read as UTC, as cfmock's timestamps are; numbers are epoch seconds.
    """
    if isinstance(now, datetime):
        aware = now.replace(tzinfo=UTC) if now.tzinfo is None else now
        ms = (aware - _EPOCH) // _MS  # exact, where a float timestamp could be off by one millisecond
        if not -_MAX_MS <= ms <= _MAX_MS:
            raise ValueError(f"now is outside the range of JavaScript dates: {now!r}")
        return ms
    if now is None:
        seconds = time.time()
    elif isinstance(now, int | float) and not isinstance(now, bool):
        seconds = float(now)
    else:
        raise TypeError(f"now must be a datetime or epoch seconds (int or float), not {type(now).__name__}")
    if not -_MAX_MS <= seconds * 1000 <= _MAX_MS:  # also refuses nan and infinities
        raise ValueError(f"now is outside the range of JavaScript dates: {now!r}")
    return int(seconds * 1000 // 1)
