"""cfmock's JavaScript engine boundary: the only package that knows the ``quickjs`` binding or QuickJS's C API.

The engine is QuickJS-ng through the ``quickjs-ng`` distribution (module ``quickjs``). :func:`new_session`
gives each run a fresh runtime, on the fast path (:mod:`.capi`: bytecode reuse, CPU-time polling in Python,
Ctrl-C within milliseconds) where the extension exports QuickJS's C API and it checks out, else on the plain
path (:mod:`.binding`). ``CFMOCK_ENGINE_PLAIN=1`` forces the plain path (the test suite runs on both).
"""

from __future__ import annotations

import ctypes
import functools
import os
import warnings
from typing import TYPE_CHECKING, Final

from .session import NEVER, ScriptError, Session, clock

if TYPE_CHECKING:
    from .capi import CApi

__all__ = [
    "NEVER",
    "EngineInstallError",
    "ScriptError",
    "Session",
    "clock",
    "fast_path",
    "load_fast_path",
    "new_session",
]

PLAIN_ENV: Final = "CFMOCK_ENGINE_PLAIN"
FIX_COMMAND: Final = "pip uninstall -y quickjs && pip install --force-reinstall quickjs-ng"


class EngineInstallError(RuntimeError):
    """The ``quickjs`` module that loads is not QuickJS-ng (an environment upgraded from an older cfmock)."""


@functools.cache
def _binding() -> str:
    """Import the binding and check that it is QuickJS-ng; the path of its extension."""
    import _quickjs
    import quickjs

    # The old ``quickjs`` package installs the same module names, and its extension (tagged for one Python)
    # wins over quickjs-ng's abi3 one. Its QuickJS (2021-03-27) predates ES2022's Object.hasOwn.
    if quickjs.Context().eval("typeof Object.hasOwn") != "function":
        raise EngineInstallError(
            f"cfmock needs the QuickJS-ng engine (package quickjs-ng), but the quickjs module loaded from "
            f"{_quickjs.__file__} is the old 'quickjs' package, which shadows it. Run: {FIX_COMMAND}"
        )
    return str(_quickjs.__file__)


@functools.cache
def _fast_api() -> CApi | None:
    path = _binding()
    if os.environ.get(PLAIN_ENV, "") not in ("", "0"):
        return None
    return load_fast_path(path)


def load_fast_path(path: str) -> CApi | None:
    """QuickJS's C API in the library at ``path``, checked by use; None (after one warning) when unusable."""
    from . import capi, verify

    reason: str | None
    try:
        if ctypes.sizeof(ctypes.c_void_p) != 8:
            raise ValueError("32-bit builds NaN-box their values")  # the fast path's JSValue is 64-bit only
        api = capi.CApi(path)
        reason = verify.verify(api)
    except (OSError, AttributeError, ValueError, MemoryError, ScriptError) as error:
        reason = f"{type(error).__name__}: {error}"
    if reason is None:
        return api
    warnings.warn(
        f"cfmock: QuickJS's C API is not usable from {path} ({reason}); running every function through the "
        "plain binding, which is slower and stops Ctrl-C only at the time limit",
        RuntimeWarning,
        stacklevel=3,
    )
    return None


def fast_path() -> bool:
    """Whether runs take the fast path (checked once, on first use)."""
    return _fast_api() is not None


def new_session(stack_bytes: int) -> Session:
    """A fresh runtime and context for one run."""
    api = _fast_api()
    if api is not None:
        from .capi import FastSession

        return FastSession(api, stack_bytes)
    from .binding import PlainSession

    return PlainSession(stack_bytes)
