"""The fast path: QuickJS driven through the functions its shared library exports, with bytecode reuse.

The binding can only evaluate source, so every run would compile the engine prelude, the modules it needs and
the user's code again. QuickJS can compile to bytecode and load it into another runtime (what its ``qjsc``
does), and the binding's extension exports QuickJS's whole C API. Here each run gets its own context made
with ``JS_NewContext`` (what the binding's ``Context`` makes) in a runtime that is new or that the thread's
previous run left as new (:meth:`CApi.give_back`), and every source is compiled once per process and loaded
as bytecode afterwards. Only exported functions and the public types of ``quickjs.h`` are used: no struct
of the binding or of QuickJS is read, and reference counts are dropped with QuickJS's own ``JS_FreeValue``.
:mod:`.verify` checks the whole path by what it does before it is used.
"""

from __future__ import annotations

import ctypes
import functools
import os
import threading
from collections import OrderedDict
from typing import Any, Final, NamedTuple

from .poller import Poller
from .session import NEVER, ScriptError, clock

_COMPILE_ONLY: Final = 1 << 5  # JS_EVAL_FLAG_COMPILE_ONLY with JS_EVAL_TYPE_GLOBAL, as Context.eval uses
_BYTECODE: Final = 1 << 0  # JS_WRITE_OBJ_BYTECODE / JS_READ_OBJ_BYTECODE
# JS_WRITE_OBJ_STRIP_SOURCE: cfmock's own scripts drop their source text. Loading them is then about a third
# cheaper, and ``String(console.log)`` reads ``[native code]`` as a built-in's would, not cfmock's source.
_STRIP_SOURCE: Final = 1 << 4
_TAG_BOOL: Final = 1
_TAG_NULL: Final = 2
_TAG_UNDEFINED: Final = 3
_TAG_EXCEPTION: Final = 6
_CACHE_SIZE: Final = 256
# A runtime handed back may hold this much more than when new (its atom and shape tables only grow); a context
# still alive would hold far more (a fresh one alone takes over 200 KB).
_SPARE_SLACK: Final = 32 * 1024
_FILE_NAME: Final = b"<input>"  # the binding's, so stack traces read the same on both paths


class _Value(ctypes.Structure):
    """JSValue on 64-bit builds (quickjs.h: a union and an int64 tag; NaN boxing is for 32-bit builds only)."""

    _fields_ = [("u", ctypes.c_uint64), ("tag", ctypes.c_int64)]


class _MemoryUsage(ctypes.Structure):
    """The head of quickjs.h's public ``JSMemoryUsage`` (int64 fields); the buffer below holds the rest."""

    _fields_ = [("malloc_size", ctypes.c_int64), ("malloc_limit", ctypes.c_int64), ("rest", ctypes.c_int64 * 40)]


class CApi:
    """QuickJS's exported C API, bound with ctypes, and the process's bytecode cache."""

    def __init__(self, path: str) -> None:
        # PyDLL keeps the GIL, right for cfmock's own short calls; user code runs through CDLL, which releases
        # it (the interrupt handler, a ctypes callback, takes it back while it polls).
        vp, size_t, value = ctypes.c_void_p, ctypes.c_size_t, _Value
        held, released = ctypes.PyDLL(path), ctypes.CDLL(path)
        bind = functools.partial(_bind, held)
        self.new_runtime = bind("JS_NewRuntime", vp)
        self.free_runtime = bind("JS_FreeRuntime", None, vp)
        self.new_context = bind("JS_NewContext", vp, vp)
        self.free_context = bind("JS_FreeContext", None, vp)
        self.run_gc = bind("JS_RunGC", None, vp)
        self.is_job_pending = bind("JS_IsJobPending", ctypes.c_bool, vp)
        self.get_gc_threshold = bind("JS_GetGCThreshold", size_t, vp)
        self.set_gc_threshold = bind("JS_SetGCThreshold", None, vp, size_t)
        self.set_memory_limit = bind("JS_SetMemoryLimit", None, vp, size_t)
        self.set_max_stack_size = bind("JS_SetMaxStackSize", None, vp, size_t)
        self.set_interrupt_handler = bind("JS_SetInterruptHandler", None, vp, vp, vp)
        self.update_stack_top = bind("JS_UpdateStackTop", None, vp)
        self.compute_memory_usage = bind("JS_ComputeMemoryUsage", None, vp, ctypes.POINTER(_MemoryUsage))
        self.eval = bind("JS_Eval", value, vp, ctypes.c_char_p, size_t, ctypes.c_char_p, ctypes.c_int)
        self.eval_released = _bind(released, "JS_Eval", value, vp, ctypes.c_char_p, size_t, ctypes.c_char_p,
                                   ctypes.c_int)  # fmt: skip
        self.write_object = bind("JS_WriteObject", vp, vp, ctypes.POINTER(size_t), value, ctypes.c_int)
        self.read_object = bind("JS_ReadObject", value, vp, ctypes.c_char_p, size_t, ctypes.c_int)
        self.eval_function = bind("JS_EvalFunction", value, vp, value)
        self.eval_function_released = _bind(released, "JS_EvalFunction", value, vp, value)
        self.get_exception = bind("JS_GetException", value, vp)
        self.global_object = bind("JS_GetGlobalObject", value, vp)
        self.get_property = bind("JS_GetPropertyStr", value, vp, value, ctypes.c_char_p)
        self.call = bind("JS_Call", value, vp, value, value, ctypes.c_int, ctypes.POINTER(value))
        self.call_released = _bind(released, "JS_Call", value, vp, value, value, ctypes.c_int, ctypes.POINTER(value))
        self.new_string = bind("JS_NewStringLen", value, vp, ctypes.c_char_p, size_t)
        self.to_c_string = bind("JS_ToCStringLen2", vp, vp, ctypes.POINTER(size_t), value, ctypes.c_int)
        self.free_c_string = bind("JS_FreeCString", None, vp, vp)
        self.free_value = bind("JS_FreeValue", None, vp, value)
        self.run_job = _bind(released, "JS_ExecutePendingJob", ctypes.c_int, vp, ctypes.POINTER(vp))
        self.js_free = bind("js_free", None, vp, vp)
        self._cache: OrderedDict[tuple[str, bool], bytes | None] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._spare = _Spare()
        if hasattr(os, "register_at_fork"):  # a fork while another thread held it (Unix only)
            os.register_at_fork(after_in_child=self._new_lock)

    def _new_lock(self) -> None:
        self._cache_lock = threading.Lock()

    def take_runtime(self) -> tuple[int, _Pristine | None]:
        """This thread's spare runtime (see :meth:`give_back`) or a new one, with how it was when new."""
        kept = self._spare.kept
        if kept is not None:
            self._spare.kept = None
            return kept.take(), kept.pristine
        runtime = self.new_runtime() or 0
        if not runtime:
            return 0, None
        usage = _MemoryUsage()
        self.compute_memory_usage(runtime, ctypes.byref(usage))
        return runtime, _Pristine(usage.malloc_size, usage.malloc_limit, self.get_gc_threshold(runtime))

    def give_back(self, runtime: int, pristine: _Pristine) -> None:
        """Keep ``runtime``, whose contexts are all freed, as this thread's spare when it is back to how it was
        made: no job pending, no memory held beyond a few tables grown on the way; free it otherwise. Making a
        runtime and refilling the memory it had freed cost a run about 7 us (2.5%) more than reusing one."""
        self.run_gc(runtime)
        usage = _MemoryUsage()
        self.compute_memory_usage(runtime, ctypes.byref(usage))
        if (
            self.is_job_pending(runtime)
            or usage.malloc_size > pristine.malloc_size + _SPARE_SLACK
            or self._spare.kept is not None
        ):
            self.free_runtime(runtime)
            return
        self.set_memory_limit(runtime, pristine.malloc_limit)
        self.set_gc_threshold(runtime, pristine.gc_threshold)
        self._spare.kept = _Kept(self.free_runtime, runtime, pristine)

    def cached(self, context: int, source: str, *, own: bool = False) -> bytes | None:
        """The bytecode of ``source`` (compiled in ``context`` the first time); None if it does not compile.
        ``own``: cfmock's own script, whose source text is not kept."""
        key = (source, own)
        with self._cache_lock:  # runs may happen on several threads
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        code = self.compile(context, source, strip_source=own)
        with self._cache_lock:
            self._cache[key] = code
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return code

    def compile(self, context: int, source: str, *, strip_source: bool = False) -> bytes | None:
        """Compile without running anything; None when it does not compile (evaluating the source then
        reports the error as usual) or cannot be passed to QuickJS."""
        if "\0" in source:
            return None
        try:
            text = source.encode("utf-8")
        except UnicodeEncodeError:
            return None
        function = self.eval(context, text, len(text), _FILE_NAME, _COMPILE_ONLY)
        if function.tag == _TAG_EXCEPTION:
            self.free_value(context, self.get_exception(context))
            return None
        size = ctypes.c_size_t()
        flags = _BYTECODE | _STRIP_SOURCE if strip_source else _BYTECODE
        buffer = self.write_object(context, ctypes.byref(size), function, flags)
        self.free_value(context, function)
        if not buffer:
            self.free_value(context, self.get_exception(context))
            return None
        try:
            return ctypes.string_at(buffer, size.value)
        finally:
            self.js_free(context, buffer)

    def text(self, context: int, value: _Value) -> str | None:
        """``String(value)`` as Python text (lone surrogates kept as such); None when that throws."""
        size = ctypes.c_size_t()
        pointer = self.to_c_string(context, ctypes.byref(size), value, 0)
        if not pointer:
            self.free_value(context, self.get_exception(context))
            return None
        try:
            return ctypes.string_at(pointer, size.value).decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return ctypes.string_at(pointer, size.value).decode("utf-8", "replace")
        finally:
            self.free_c_string(context, pointer)

    def error(self, context: int) -> ScriptError:
        """The pending exception as a :class:`ScriptError` (and cleared)."""
        exception = self.get_exception(context)
        try:
            message = self.text(context, exception)
            stack = ""
            if exception.tag not in (_TAG_NULL, _TAG_UNDEFINED):
                value = self.get_property(context, exception, b"stack")
                if value.tag == _TAG_EXCEPTION:
                    self.free_value(context, self.get_exception(context))
                else:
                    if value.tag not in (_TAG_NULL, _TAG_UNDEFINED):
                        stack = self.text(context, value) or ""
                    self.free_value(context, value)
        finally:
            self.free_value(context, exception)
        return ScriptError("InternalError: out of memory" if message is None else message, stack.rstrip("\n"))


class _Pristine(NamedTuple):
    """A runtime's settings and size when it was made."""

    malloc_size: int
    malloc_limit: int
    gc_threshold: int


class _Kept:
    """A spare runtime, freed when dropped: when its thread ends, the thread's spare goes with it."""

    def __init__(self, free: Any, runtime: int, pristine: _Pristine) -> None:
        self._free, self._runtime, self.pristine = free, runtime, pristine

    def take(self) -> int:
        runtime, self._runtime = self._runtime, 0
        return runtime

    def __del__(self) -> None:
        if self._runtime:
            self._free(self._runtime)


class _Spare(threading.local):
    """Per thread (a QuickJS runtime runs on one thread at a time): the runtime a run left clean, for the next."""

    kept: _Kept | None = None


def _bind(library: ctypes.CDLL, name: str, restype: Any, *argtypes: Any) -> Any:
    function = getattr(library, name)
    function.restype = restype
    function.argtypes = argtypes
    return function


class FastSession:
    """A run's own QuickJS runtime and context, made and driven through the C API."""

    def __init__(self, api: CApi, stack_bytes: int) -> None:
        self._api = api
        self._runtime, self._pristine = api.take_runtime()
        self._context: int = (api.new_context(self._runtime) or 0) if self._runtime else 0
        self._engine: _Value | None = None
        # The interrupt handler is installed with the first stop time: until then only cfmock's own setup
        # runs, which always finishes (a poll there costs a callback into Python; Ctrl-C comes out on return).
        self._polled = False
        if not self._runtime or not self._context:
            self.close()
            raise MemoryError("QuickJS could not create a runtime")
        api.set_max_stack_size(self._runtime, stack_bytes)
        self._stop_at = [NEVER]  # a box, so that the handler holds no reference to the session
        stop_at = self._stop_at
        self._poller = Poller(lambda: clock() >= stop_at[0])

    @property
    def interruption(self) -> BaseException | None:
        return self._poller.interruption

    def evaluate(self, source: str, *, user: bool = False) -> None:
        api, context = self._api, self._context
        api.update_stack_top(self._runtime)  # the parser checks the stack too, and threads differ
        code = api.cached(context, source, own=not user)
        if code is None:
            text = source.encode("utf-8", "surrogatepass")
            evaluate = api.eval_released if user else api.eval
            result = evaluate(context, text, len(text), _FILE_NAME, 0)
        else:
            function = api.read_object(context, code, len(code), _BYTECODE)
            if function.tag == _TAG_EXCEPTION:
                raise api.error(context)
            result = (api.eval_function_released if user else api.eval_function)(context, function)  # takes it
        if result.tag == _TAG_EXCEPTION:
            raise api.error(context)
        api.free_value(context, result)

    def compile_ahead(self, source: str) -> None:
        api = self._api
        api.update_stack_top(self._runtime)
        api.cached(self._context, source)

    def setup(self, config: str) -> None:
        api, context = self._api, self._context
        global_object = api.global_object(context)
        setup = api.get_property(context, global_object, b"__cfmock_setup")
        api.free_value(context, global_object)
        try:
            self._engine = self._call(setup, (config,), release=False)
        finally:
            api.free_value(context, setup)

    def engine(self, op: str, *args: str) -> str | bool | None:
        assert self._engine is not None
        value = self._call(self._engine, (op, *args), release=op == "invoke" or op == "result")
        api, context = self._api, self._context
        try:
            if value.tag == _TAG_BOOL:
                return bool(value.u & 0xFFFF_FFFF)
            if value.tag in (_TAG_NULL, _TAG_UNDEFINED):
                return None
            return api.text(context, value)  # a string (flat or, as QuickJS-ng builds them, a rope)
        finally:
            api.free_value(context, value)

    def _call(self, function: _Value, args: tuple[str, ...], *, release: bool) -> _Value:
        api, context = self._api, self._context
        api.update_stack_top(self._runtime)
        argv = (_Value * max(1, len(args)))()
        made = 0
        try:
            for arg in args:
                data = arg.encode("utf-8", "surrogatepass")
                argv[made] = api.new_string(context, data, len(data))
                if argv[made].tag == _TAG_EXCEPTION:
                    raise api.error(context)
                made += 1
            undefined = _Value(0, _TAG_UNDEFINED)
            result: _Value = (api.call_released if release else api.call)(context, function, undefined, made, argv)
        finally:
            for i in range(made):
                api.free_value(context, argv[i])
        if result.tag == _TAG_EXCEPTION:
            raise api.error(context)
        return result

    def run_job(self) -> bool:
        api = self._api
        api.update_stack_top(self._runtime)
        job_context = ctypes.c_void_p()
        status = api.run_job(self._runtime, ctypes.byref(job_context))
        if status < 0:
            raise api.error(job_context.value or self._context)
        return bool(status > 0)

    def malloc_size(self) -> int:
        usage = _MemoryUsage()
        self._api.compute_memory_usage(self._runtime, ctypes.byref(usage))
        return int(usage.malloc_size)

    def set_memory_limit(self, limit: int) -> None:
        self._api.set_memory_limit(self._runtime, limit if limit >= 0 else ctypes.c_size_t(-1).value)

    def stop_calls_at(self, moment: float) -> None:
        self._stop_at[0] = moment
        if not self._polled:
            self._api.set_interrupt_handler(self._runtime, self._poller.callback, None)
            self._polled = True

    def close(self, *, reusable: bool = False) -> None:
        api = self._api
        if self._engine is not None and self._context:
            api.free_value(self._context, self._engine)
            self._engine = None
        if self._context:
            api.free_context(self._context)
            self._context = 0
        if self._runtime:
            if self._polled:
                api.set_interrupt_handler(self._runtime, None, None)
            if reusable and self._pristine is not None and self._poller.interruption is None:
                api.give_back(self._runtime, self._pristine)
            else:
                api.free_runtime(self._runtime)
            self._runtime = 0

    def __del__(self) -> None:
        self.close()
