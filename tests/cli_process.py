"""``python -m cfmock`` as a real subprocess, for the CLI tests that need one (stdin, exit codes, output)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _environment() -> dict[str, str]:
    """This process's environment without AWS_* settings, with this checkout's cfmock first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def cfmock_process(*argv: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run this checkout's cfmock (whatever cfmock the interpreter has installed), with no AWS_* settings."""
    return subprocess.run(
        [sys.executable, "-m", "cfmock", *argv],
        cwd=cwd, env=_environment(), input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=120,
        check=False,
    )  # fmt: skip


def _default_ctrl_c() -> None:
    # A child inherits an ignored SIGINT (a background job of a non-interactive shell, some CI runners), and
    # Python then never installs its Ctrl-C handler: the child gets the default a terminal user has.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def cfmock_popen(*argv: str, cwd: Path, **options: Any) -> subprocess.Popen[str]:
    """Start this checkout's cfmock as :func:`cfmock_process` runs it, with Ctrl-C handled as in a terminal."""
    return subprocess.Popen(
        [sys.executable, "-m", "cfmock", *argv],
        cwd=cwd, env=_environment(), text=True, encoding="utf-8", preexec_fn=_default_ctrl_c, **options,
    )  # fmt: skip
