"""``mock_cloudfront_functions``: one activation class behind every entry point.

Decorator (``def``, ``async def``, ``unittest.TestCase`` classes), ``with``/``async with`` and
``start()``/``stop()``. Activations nest: inner ones share the outermost one's state, an inner exit never
deactivates the outer one, and the outermost exit removes every patch and discards the state.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from cfmock.options import MockOptions

if TYPE_CHECKING:
    from datetime import datetime

    from cfmock.records import RecordedCall
    from cfmock.state import KeyValueStoresView, StagedView

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

_stack_lock = threading.RLock()
_stack: list[CloudFrontMock] = []


class CloudFrontMock:
    """An activation of the CloudFront mock, and the handle on its state while it is active."""

    def __init__(self, options: MockOptions | None = None, *, explicit: frozenset[str] | None = None) -> None:
        """``explicit`` names the options the caller set; by default all of them when ``options`` is given."""
        self.options = options or MockOptions()
        if explicit is None:
            explicit = frozenset(f.name for f in dataclasses.fields(MockOptions)) if options else frozenset()
        self._explicit = explicit
        self._state: Any = None
        self._stop_pending = False  # stopped while activations inside it were still running

    # -- start / stop ---------------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self._state is not None

    def start(self) -> CloudFrontMock:
        from cfmock import interception
        from cfmock.service.dispatch import MockState

        with _stack_lock:
            if self._state is not None:
                raise RuntimeError("this cfmock activation is already started; stop it first")
            if _stack:
                outer = _stack[0]
                differing = [n for n in self._explicit if getattr(self.options, n) != getattr(outer.options, n)]
                if differing:
                    raise ValueError(
                        "a nested cfmock activation shares the outer activation's state, so it cannot take "
                        f"different options ({', '.join(sorted(differing))}; outer: {outer.options})"
                    )
                self._state = outer._state
            else:
                state = MockState(self.options)
                interception.install(state)
                self._state = state
            _stack.append(self)
        return self

    def stop(self) -> None:
        with _stack_lock:
            if self._state is None:
                raise RuntimeError("this cfmock activation is not started")
            if _stack[-1] is not self:
                # Another thread or task is still inside (or a start() was never stopped): end when they do,
                # so that an overlap cannot leave the mock installed for the rest of the process.
                self._stop_pending = True
                raise RuntimeError(
                    "cfmock activations must be stopped innermost first; this one stops when the activations "
                    "started inside it have stopped"
                )
            self._stop_with_inner()  # innermost: nothing inside it, so this stops just this one

    def _end(self) -> None:
        self._state = None
        self._stop_pending = False

    def _stop_with_inner(self) -> int:
        """Stop this activation and every one started inside it; returns how many of those there were.

        For the end of a test (pytest fixture, unittest mixin): whatever the test left started must not carry
        its state, or the mock itself, into the next test."""
        with _stack_lock:  # reentrant: stop() calls this while holding it
            if self._state is None or self not in _stack:
                return 0
            state = self._state
            index = _stack.index(self)
            inner = len(_stack) - index - 1
            for activation in _stack[index:]:
                activation._end()
            del _stack[index:]
            while _stack and _stack[-1]._stop_pending:
                _stack.pop()._end()
            if not _stack:
                _discard(state)
            return inner

    def __enter__(self) -> CloudFrontMock:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._exit(exc)

    async def __aenter__(self) -> CloudFrontMock:
        return self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._exit(exc)

    def _exit(self, exc: BaseException | None) -> None:
        if exc is None:
            self.stop()
            return
        try:
            self.stop()
        except Exception as refused:
            # The body's own error is what the test must report: cfmock's is noted on it, never raised over it.
            exc.add_note(f"cfmock: leaving the activation while this error propagated also failed: {refused}")

    # -- decorating -----------------------------------------------------------------------------------

    @overload
    def __call__(self, target: type[T]) -> type[T]: ...
    @overload
    def __call__(self, target: F) -> F: ...
    def __call__(self, target: Any) -> Any:
        import inspect

        import wrapt

        if isinstance(target, type):
            # unittest is not imported just for this check: a TestCase subclass means it already is.
            unittest_module = sys.modules.get("unittest")
            if unittest_module is not None and issubclass(target, unittest_module.TestCase):
                return self._decorate_test_case(target)
            raise TypeError(
                f"mock_cloudfront_functions can decorate functions, coroutine functions and unittest.TestCase "
                f"subclasses, not the class {target.__qualname__}"
            )
        if isinstance(target, staticmethod | classmethod):  # either order of the two decorators works
            return type(target)(self(target.__func__))
        if inspect.isgeneratorfunction(target) or inspect.isasyncgenfunction(target):
            raise TypeError(
                f"mock_cloudfront_functions cannot decorate the generator function {target.__qualname__}: the "
                "mock would end before the generator runs. Use `with mock_cloudfront_functions():` inside it."
            )
        if inspect.iscoroutinefunction(target):

            @wrapt.decorator
            async def run_async(wrapped: Any, _instance: Any, args: Any, kwargs: Any) -> Any:
                async with self._for_call():  # the coroutine body itself runs mocked
                    return await wrapped(*args, **kwargs)

            return run_async(target)
        if callable(target):

            @wrapt.decorator
            def run_sync(wrapped: Any, _instance: Any, args: Any, kwargs: Any) -> Any:
                with self._for_call():
                    result = wrapped(*args, **kwargs)
                if inspect.iscoroutine(result):
                    # Not a coroutine function, yet it returned a coroutine (an object with an async __call__,
                    # a wrapper): its body runs when awaited, so the mock must be active then, not just now.
                    return self._mocked(result)
                return result

            return run_sync(target)
        raise TypeError(f"mock_cloudfront_functions cannot decorate {target!r}: it is not callable")

    async def _mocked(self, coroutine: Any) -> Any:
        async with self._for_call():
            return await coroutine

    def _for_call(self) -> CloudFrontMock:
        """The activation for one call of a decorated function: this one, or, when a call is already running
        (the function calls itself), a nested activation sharing its state."""
        with _stack_lock:
            if self._state is None:
                return self
        return CloudFrontMock(self.options, explicit=self._explicit)

    def _decorate_test_case(self, cls: type[T]) -> type[T]:
        import functools

        original_run = cls.run  # type: ignore[attr-defined]
        activation = self

        @functools.wraps(original_run)
        def run(test: Any, result: Any = None) -> Any:
            # Around the whole test (setUp, the test, tearDown, cleanups), with a fresh state per test. Wrapping
            # run rather than setUp keeps subclasses that override setUp without super() mocked too.
            mock = activation._for_call().start()
            test.addCleanup(end_of_test, mock)  # the first cleanup runs last; a leak is reported as an error
            try:
                return original_run(test, result)
            finally:
                mock._stop_with_inner()  # a skipped test runs no cleanups

        cls.run = run  # type: ignore[attr-defined]
        return cls

    # -- state ----------------------------------------------------------------------------------------

    def _require_state(self) -> Any:
        if self._state is None:
            raise RuntimeError("the cfmock activation is not active: start it (or enter it) first")
        return self._state

    @property
    def account_id(self) -> str:
        """The account in every ARN: the outermost activation's, since nested ones share its state."""
        state = self._state
        return str(state.options.account_id if state is not None else self.options.account_id)

    @property
    def functions(self) -> StagedView:
        """CloudFront Functions by name, e.g. ``m.functions["name"].live.code``."""
        from cfmock.state import StagedView

        state = self._require_state()
        return StagedView(state.backend, state.backend.functions, "function")

    @property
    def connection_functions(self) -> StagedView:
        """Connection functions by name (``.id`` holds the opaque Id)."""
        from cfmock.state import StagedView

        state = self._require_state()
        return StagedView(state.backend, state.backend.connection_functions, "connection function")

    @property
    def key_value_stores(self) -> KeyValueStoresView:
        """KeyValueStores by name, with put/get/delete and ``load_import_file`` for seeding."""
        from cfmock.state import KeyValueStoresView

        return KeyValueStoresView(self._require_state().backend)

    def inject_error(
        self, operation: str, code: str, message: str | None = None, count: int = 1, *, service: str | None = None
    ) -> None:
        """Make the next ``count`` calls of ``operation`` fail with ``code``.

        ``operation`` is the API name (``UpdateFunction``) or the boto3 method name (``update_function``);
        ``code`` must be an error the service model documents for that operation. ``service``
        (``"cloudfront"`` or ``"cloudfront-keyvaluestore"``) is needed only where an operation name exists
        on both and both document ``code``.
        """
        from cfmock.state import check_injection, resolve_operation

        check_injection(message, count)
        target = resolve_operation(operation, code, service)
        self._require_state().injector.add(target, code, message, count)

    @property
    def calls(self) -> tuple[RecordedCall, ...]:
        """Every call the mock answered since it started (or was reset), in order: a snapshot."""
        state = self._require_state()
        with state.calls_lock:
            return tuple(state.calls)

    def reset(self) -> None:
        """Discard every resource, recorded call and pending injected error, as a fresh activation would have.

        Nested activations share the state, so they see the reset too. Views taken before refuse writes."""
        self._require_state().reset()

    def __repr__(self) -> str:
        return f"<CloudFrontMock {'active' if self.active else 'inactive'} {self.options}>"


@overload
def mock_cloudfront_functions(target: F, /) -> F: ...
@overload
def mock_cloudfront_functions(target: type[T], /) -> type[T]: ...
@overload
def mock_cloudfront_functions(
    target: None = None,
    /,
    *,
    account_id: str = ...,
    viewer_budget_ms: float = ...,
    connection_budget_ms: float = ...,
    time_limit_s: float = ...,
    edge_location: str = ...,
    now: datetime | float | None = ...,
    strict_injections: bool = ...,
) -> CloudFrontMock: ...
def mock_cloudfront_functions(target: Any = None, /, **options: Any) -> Any:
    """Mock CloudFront Functions, Connection Functions and KeyValueStore for every botocore client.

    Use it bare as a decorator (``@mock_cloudfront_functions``), called with options
    (``@mock_cloudfront_functions(account_id="111122223333")``), as a (async) context manager, or through
    ``start()``/``stop()``. See :class:`cfmock.options.MockOptions` for the options.
    """
    activation = CloudFrontMock(MockOptions(**options), explicit=frozenset(options))
    if target is None:
        return activation
    if options:
        raise TypeError("pass either a target to decorate or options, not both")
    return activation(target)


def _discard(state: Any) -> None:
    """The outermost activation ended: remove every patch, and refuse later writes through old views."""
    from cfmock import interception

    state.backend.ended = True
    interception.uninstall()
    _report_unused_injections(state)


def _report_unused_injections(state: Any) -> None:
    """Injected errors nothing used mean the test did not make the calls it meant to fail: say so."""
    import warnings

    from cfmock.errors import UnusedInjectionError, UnusedInjectionWarning

    pending = state.injector.pending()
    if not pending:
        return
    listing = "; ".join(f"{service} {name}: {code} ({left} left)" for (service, name), code, left in pending)
    message = f"the cfmock activation ended with injected errors no call used: {listing}"
    # With an exception already on its way out, that exception is the news: a warning does not replace it.
    if state.options.strict_injections and sys.exc_info()[1] is None:
        raise UnusedInjectionError(message)
    warnings.warn(message, UnusedInjectionWarning, stacklevel=_first_frame_outside_cfmock())


def _first_frame_outside_cfmock() -> int:
    """The stacklevel that points a warning at the caller's code, whichever entry point ended the activation."""
    import os

    package = os.path.dirname(__file__) + os.sep
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def end_of_test(mock: CloudFrontMock) -> None:
    """Stop a test's activation and whatever the test left started inside it (pytest fixture, unittest).

    The leftovers are stopped too, so nothing carries into the next test, and reported, since they are a bug
    in the test."""
    left = mock._stop_with_inner()
    if left:
        raise RuntimeError(
            f"the test left {left} cfmock activation(s) started; they were stopped with the test's own, so "
            "nothing carries into the next test"
        )
