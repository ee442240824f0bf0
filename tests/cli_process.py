"""``python -m cfmock`` as a real subprocess, for the CLI tests that need one (stdin, exit codes, output)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cfmock_process(*argv: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run this checkout's cfmock (whatever cfmock the interpreter has installed), with no AWS_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "cfmock", *argv],
        cwd=cwd, env=env, input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
    )  # fmt: skip
