"""QuickJS's own C API, reached through ctypes where the ``quickjs`` binding does not offer what is needed.

Two things, both checked before use and both optional:

**Bytecode.** The binding can only evaluate source, so every run compiled the 8 KB engine prelude (~0.55 ms),
the modules it needs and the user's code again. QuickJS can compile to bytecode and load it into another
runtime (what its ``qjsc`` does), and the binding's shared library exports that API. A source is compiled the
first time it runs and its bytecode cached; later runs load it into their own fresh context (~0.04 ms for the
prelude). Every run still gets a context nothing else has run in; only the compiler's output is shared.
Bytecode runs behave as ``Context.eval``: same flags and file name (so the same stack traces), the same
exceptions with the same text, user code under the time and stack limits.

**The out-of-memory guard.** The bundled QuickJS (2021-03-27) can free an error object while it is still
adding a backtrace to it: when memory runs out, the "out of memory" error is created in what little memory is
left, then the backtrace needs a little more, that fails, and the second failure replaces (and frees) the
first error, which is written to next. Whether it happens depends only on how much memory was left, so some
memory bombs crash the process on their first run (reproduced with ``new Array(200).fill(…)`` in a loop).
QuickJS creates no new error while its ``in_out_of_memory`` flag is set, so each run's runtime gets the flag
set for good: memory exhaustion then throws ``null`` (which the sandbox reports as ``InternalError: out of
memory``, as before) and nothing is freed under the backtrace. Errors thrown by built-ins then get their
backtrace where they reach JavaScript, so their ``stack`` lacks the built-in's own ``(native)`` line.

:func:`native` is ``None`` wherever the checks fail: symbols hidden (as on Windows), 32-bit builds (values
are NaN-boxed there), or a binding or QuickJS whose memory layout is not the one verified below. The sandbox
then evaluates source, and the isolation layer moves runs to a worker process after an out-of-memory run.
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Generator
from typing import Any, Final

import _quickjs
import quickjs

logger = logging.getLogger("cfmock")

_COMPILE_ONLY: Final = 1 << 5  # JS_EVAL_FLAG_COMPILE_ONLY with JS_EVAL_TYPE_GLOBAL, as Context.eval uses
_BYTECODE: Final = 1 << 0  # JS_WRITE_OBJ_BYTECODE / JS_READ_OBJ_BYTECODE
_TAG_FIRST: Final = -11  # tags from here to -1 carry a reference count
_TAG_INT: Final = 0
_TAG_NULL: Final = 2
_TAG_UNDEFINED: Final = 3
_TAG_EXCEPTION: Final = 6
_CACHE_SIZE: Final = 256
_FILE_NAME: Final = b"<input>"  # the binding's, so stack traces read the same either way
_POINTER: Final = ctypes.sizeof(ctypes.c_void_p)
# RuntimeData, the binding's Context object: PyObject_HEAD, then JSRuntime *, then JSContext *.
_RUNTIME_AT: Final = object.__basicsize__
_CONTEXT_AT: Final = _RUNTIME_AT + _POINTER
# JSRuntime starts with JSMallocFunctions (4 pointers), then JSMallocState {count, size, limit, opaque}.
_MALLOC_SIZE_AT: Final = 4 * _POINTER + 8
_MALLOC_LIMIT_AT: Final = _MALLOC_SIZE_AT + 8
_SCAN: Final = 320  # bytes of JSRuntime searched for the fields located at start-up (it is ~1 KB)


class _Value(ctypes.Structure):
    """JSValue on 64-bit builds: a union and a tag (no NaN boxing)."""

    _fields_ = [("u", ctypes.c_void_p), ("tag", ctypes.c_int64)]


InterruptHandler = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
# The same handler declared with its first argument only (the runtime), so that a generator's ``send`` can be
# the callback. QuickJS passes two; in the 64-bit C calling conventions this module runs on (arguments in
# registers, the caller cleans up) a callee that reads only the first is called correctly.
_PollCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)


class Native:
    """QuickJS's C API bound to the binding's own library, and the runtime fields located in it."""

    def __init__(self, path: str) -> None:
        # PyDLL keeps the GIL held, as the binding does while it runs anything but JavaScript; user code
        # runs through CDLL, which releases it as the binding does (the interrupt handler takes it back).
        vp, size_t = ctypes.c_void_p, ctypes.c_size_t
        held, released = ctypes.PyDLL(path), ctypes.CDLL(path)
        bind = functools.partial(_bind, held)
        self.eval_source = bind("JS_Eval", _Value, vp, ctypes.c_char_p, size_t, ctypes.c_char_p, ctypes.c_int)
        self.write_object = bind("JS_WriteObject", vp, vp, ctypes.POINTER(size_t), _Value, ctypes.c_int)
        self.read_object = bind("JS_ReadObject", _Value, vp, ctypes.c_char_p, size_t, ctypes.c_int)
        self.eval_function = bind("JS_EvalFunction", _Value, vp, _Value)
        self.eval_function_released = _bind(released, "JS_EvalFunction", _Value, vp, _Value)
        self.get_exception = bind("JS_GetException", _Value, vp)
        self.throw = bind("JS_Throw", _Value, vp, _Value)
        self.get_property = bind("JS_GetPropertyStr", _Value, vp, _Value, ctypes.c_char_p)
        self.to_c_string = bind("JS_ToCStringLen2", vp, vp, ctypes.POINTER(size_t), _Value, ctypes.c_int)
        self.free_c_string = bind("JS_FreeCString", None, vp, vp)
        self.js_free = bind("js_free", None, vp, vp)
        self.free_value_now = bind("__JS_FreeValue", None, vp, _Value)
        self.update_stack_top = bind("JS_UpdateStackTop", None, vp)
        self.set_interrupt_handler = bind("JS_SetInterruptHandler", None, vp, vp, vp)  # handler: any CFUNCTYPE
        self.get_runtime = bind("JS_GetRuntime", vp, vp)
        self.get_runtime_opaque = bind("JS_GetRuntimeOpaque", vp, vp)
        self._cache: OrderedDict[str, bytes | None] = OrderedDict()
        self._cache_lock = threading.Lock()
        if hasattr(os, "register_at_fork"):  # a fork while another thread held it (Unix only)
            os.register_at_fork(after_in_child=self._new_lock)
        self._flag_at = -1  # offset of JSRuntime.in_out_of_memory, found by verify()

    def _new_lock(self) -> None:
        self._cache_lock = threading.Lock()

    # -- layout ---------------------------------------------------------------------------------------------

    def pointers(self, ctx: quickjs.Context) -> tuple[int, int]:
        """The context's ``JSRuntime *`` and ``JSContext *``, read from the binding's object."""
        runtime = ctypes.c_void_p.from_address(id(ctx) + _RUNTIME_AT).value or 0
        context = ctypes.c_void_p.from_address(id(ctx) + _CONTEXT_AT).value or 0
        return runtime, context

    def verify(self) -> bool:
        """Check every layout assumption against values the binding and QuickJS report themselves."""
        ctx = quickjs.Context()
        runtime, context = self.pointers(ctx)
        if not runtime or not context or self.get_runtime_opaque(runtime) != id(ctx):  # the binding sets it
            return False
        if self.get_runtime(context) != runtime:
            return False
        ctx.set_memory_limit(123_456_789)
        if self.malloc_size(ctx) != ctx.memory()["malloc_size"] or _read_size(runtime, _MALLOC_LIMIT_AT) != 123_456_789:
            return False
        if not self._locate_flag(runtime, context):
            return False
        code = self.compile(ctx, 'var cfmockCheck = [1, "two"].join(" ") + " " + typeof this;')
        if code is None or self.compile(ctx, "(") is not None:
            return False
        other = quickjs.Context()  # bytecode loads into another runtime, as every run does
        self.run(other, code, lambda: False)
        return bool(other.get("cfmockCheck") == "1 two object")

    def _locate_flag(self, runtime: int, context: int) -> bool:
        """Find ``in_out_of_memory``: it sits between ``current_exception`` and ``current_stack_frame``, which
        comes just before ``interrupt_handler``; both neighbours are found by planting known values."""
        marker = _Value(0x5A17_C0DE, _TAG_INT)
        self.throw(context, marker)  # an int: no reference to manage
        exception_at = _find(runtime, bytes(marker))
        self.get_exception(context)  # clears it again
        opaque = ctypes.c_void_p(0x0C0F_FEE0_0000_0001)
        handler = InterruptHandler(lambda _rt, _opaque: 0)
        self.set_interrupt_handler(runtime, handler, opaque)
        pointer = ctypes.cast(handler, ctypes.c_void_p).value or 0
        handler_at = _find(runtime, pointer.to_bytes(_POINTER, "little") + (opaque.value or 0).to_bytes(8, "little"))
        self.set_interrupt_handler(runtime, None, None)
        if exception_at is None or handler_at is None:
            return False
        flag_at = exception_at + ctypes.sizeof(_Value)
        if handler_at != flag_at + 2 * _POINTER or ctypes.c_uint8.from_address(runtime + flag_at).value != 0:
            return False
        self._flag_at = flag_at
        return True

    def malloc_size(self, ctx: quickjs.Context) -> int:
        """Bytes QuickJS has allocated in this context (what ``ctx.memory()`` reports, without its heap walk)."""
        return _read_size(self.pointers(ctx)[0], _MALLOC_SIZE_AT)

    def guard_out_of_memory(self, ctx: quickjs.Context) -> None:
        """Set ``in_out_of_memory`` for good in this runtime (see the module's docstring)."""
        ctypes.c_uint8.from_address(self.pointers(ctx)[0] + self._flag_at).value = 1

    # -- bytecode -------------------------------------------------------------------------------------------

    def cached(self, ctx: quickjs.Context, source: str) -> bytes | None:
        """The bytecode of ``source`` (compiled in ``ctx`` the first time); None if it does not compile."""
        with self._cache_lock:  # runs may happen on several threads
            if source in self._cache:
                self._cache.move_to_end(source)
                return self._cache[source]
        code = self.compile(ctx, source)
        with self._cache_lock:
            self._cache[source] = code
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return code

    def compile(self, ctx: quickjs.Context, source: str) -> bytes | None:
        """Compile without running anything. None when the source does not compile (or cannot be passed to
        QuickJS as the binding would pass it); evaluating it as source then reports the error as usual."""
        if "\0" in source:
            return None  # the binding refuses such a string; keep its behaviour
        try:
            text = source.encode("utf-8")
        except UnicodeEncodeError:
            return None
        runtime, context = self.pointers(ctx)
        self.update_stack_top(runtime)  # the parser checks the stack too
        function = self.eval_source(context, text, len(text), _FILE_NAME, _COMPILE_ONLY)
        if function.tag == _TAG_EXCEPTION:
            self._free(context, self.get_exception(context))
            return None
        size = ctypes.c_size_t()
        buffer = self.write_object(context, ctypes.byref(size), function, _BYTECODE)
        self._free(context, function)
        if not buffer:
            self._free(context, self.get_exception(context))
            return None
        try:
            return ctypes.string_at(buffer, size.value)
        finally:
            self.js_free(context, buffer)

    def run(self, ctx: quickjs.Context, code: bytes, stop: Callable[[], bool] | None = None, *,
            release: bool = False) -> None:  # fmt: skip
        """Run compiled code as ``ctx.eval`` would, raising what it would raise.

        ``stop`` is polled by QuickJS's interrupt handler (every few thousand operations) while user code
        runs; when it returns True the code ends with ``InternalError: interrupted``, as a time limit does.
        ``release`` runs user code under whatever interrupt handler the runtime already has. Without either,
        the code is cfmock's own and runs with the GIL held.
        """
        runtime, context = self.pointers(ctx)
        poller = None
        if stop is not None:
            poller = Poller(stop)
            self.set_interrupt_handler(runtime, poller.callback, None)
        try:
            self.update_stack_top(runtime)
            function = self.read_object(context, code, len(code), _BYTECODE)
            if function.tag == _TAG_EXCEPTION:
                self._raise(context)
            evaluate = self.eval_function if stop is None and not release else self.eval_function_released
            result = evaluate(context, function)  # takes the function
            if result.tag == _TAG_EXCEPTION:
                self._raise(context)
            self._free(context, result)
        finally:
            if poller is not None:
                self.set_interrupt_handler(runtime, None, None)
                if poller.interruption is not None:
                    raise poller.interruption  # Ctrl-C during the code: stopped it, now delivered

    def _raise(self, context: int) -> None:
        """Raise the pending JavaScript exception as the binding does (its quickjs_exception_to_python)."""
        exception = self.get_exception(context)
        try:
            text = self._string(context, exception)
            stack = ""
            if exception.tag not in (_TAG_NULL, _TAG_UNDEFINED):
                value = self.get_property(context, exception, b"stack")
                if value.tag == _TAG_EXCEPTION:
                    self._free(context, self.get_exception(context))
                else:
                    stack = self._string(context, value) or ""
                    self._free(context, value)
        finally:
            self._free(context, exception)
        if text is None:
            raise quickjs.JSException("(Failed obtaining QuickJS error string. Concurrency issue?)")
        if "stack overflow" in text:
            raise quickjs.StackOverflow(f"{text}\n{stack}")
        raise quickjs.JSException(f"{text}\n{stack}")

    def _string(self, context: int, value: _Value) -> str | None:
        pointer = self.to_c_string(context, None, value, 0)
        if not pointer:
            self._free(context, self.get_exception(context))
            return None
        try:
            return ctypes.string_at(pointer).decode("utf-8", "replace")  # as PyErr_Format's %s decodes
        finally:
            self.free_c_string(context, pointer)

    def _free(self, context: int, value: _Value) -> None:
        """JS_FreeValue, an inline function in quickjs.h: drop one reference."""
        if ctypes.c_uint32(value.tag).value >= ctypes.c_uint32(_TAG_FIRST).value and value.u:
            count = ctypes.c_int.from_address(value.u)
            if count.value > 1:
                count.value -= 1
            else:
                self.free_value_now(context, value)


def _bind(library: ctypes.CDLL, name: str, restype: Any, *argtypes: Any) -> Any:
    function = getattr(library, name)
    function.restype = restype
    function.argtypes = argtypes
    return function


def _read_size(base: int, offset: int) -> int:
    return ctypes.c_size_t.from_address(base + offset).value


def _find(base: int, pattern: bytes) -> int | None:
    """The one offset of ``pattern`` in the first bytes of the struct at ``base``, else None."""
    data = ctypes.string_at(base, _SCAN)
    at = data.find(pattern)
    return at if at >= 0 and data.find(pattern, at + 1) < 0 else None


class Poller:
    """QuickJS's interrupt handler in Python, polled every ~10,000 operations: it answers 1 (stop the code)
    once ``stop()`` is true, or when anything is raised while it runs.

    Nothing may propagate into C. A failing ``stop()`` counts as true. A ``BaseException`` (Ctrl-C's
    KeyboardInterrupt, pytest's timeout or exit) stops the code too and is kept in :attr:`interruption`, to be
    raised once QuickJS has returned. Python runs signal handlers when a function starts, before any ``try``
    in it, and ctypes would swallow what they raise there (losing Ctrl-C and letting the code run on to its
    hard limit). So the handler is a generator resumed by ``send``: a signal handler's exception then comes out
    at the ``yield``, inside the generator's ``try``.
    """

    def __init__(self, stop: Callable[[], bool]) -> None:
        self._kept: list[BaseException | None] = [None]  # a box, not self: no reference cycle via the generator
        polls = _polls(stop, self._kept)
        next(polls)  # to the first yield: from now on every resumption is inside the try
        self.callback = _PollCallback(polls.send)

    @property
    def interruption(self) -> BaseException | None:
        return self._kept[0]


def _polls(stop: Callable[[], bool], kept: list[BaseException | None]) -> Generator[int, object, None]:
    # Python runs signal handlers at a function's start, after calls, at loop back-edges and after a plain
    # yield: every such point here is inside the try, or the delegation below, which has none. Nothing in the
    # except clause calls anything, so a second signal there cannot end the generator either.
    stopped = itertools.repeat(1)  # made here: a call inside the handler below could itself be interrupted
    answer = 0
    try:
        while True:
            yield answer
            try:
                answer = 1 if stop() else 0
            except Exception:
                answer = 1
    except GeneratorExit:
        raise  # closed because the poller was dropped
    except BaseException as interruption:
        kept[0] = interruption
    yield from stopped  # this delegation loop never runs signal handlers, so nothing can end the generator


@functools.cache
def native() -> Native | None:
    """The checked C-level access, or None where this build of the binding does not allow it."""
    if _POINTER != 8:
        return None
    try:
        candidate = Native(_quickjs.__file__)
        if candidate.verify():
            return candidate
    except (OSError, AttributeError, ValueError, quickjs.JSException) as error:
        logger.debug("QuickJS C access unavailable (%s); evaluating source", error)
        return None
    logger.debug("QuickJS C access unavailable: the binding's memory layout did not check out")
    return None
