"""One run of user code in a fresh QuickJS context.

Python and JavaScript exchange one JSON string in and JSON strings out; console, the connection object and
all built-ins live in JavaScript. The engine itself is reached only through :mod:`cfmock.runtime.engine`;
:mod:`cfmock.runtime` imports this module on the first run.
"""

from __future__ import annotations

import functools
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Final, Literal

from . import engine, json_limits, surface
from .errors import (
    NOT_A_FUNCTION,
    OUT_OF_MEMORY_MESSAGE,
    STACK_OVERFLOW_MESSAGE,
    TIMEOUT_MESSAGE,
    EngineError,
    cloudfront_wording,
    may_throw_values,
    member_path,
    name_not_a_function,
)
from .profiles import PreparedSource
from .results import KvsBinding, RuntimeLimits

Kind = Literal["viewer", "connection"]

PRELUDE: Final = resources.files(__package__).joinpath("js/prelude.js").read_text(encoding="utf-8")
# The "not a function" callee guesser, compiled by the engine on the first call that needs it.
_GUESS: Final = resources.files(__package__).joinpath("js/guess.js").read_text(encoding="utf-8")
_SETUP: Final = 'Object.defineProperty(globalThis, "__cfmock_setup", {{ configurable: true, value: {} }});'


@functools.cache
def pruning_script() -> str:
    """A script deleting the built-ins no profile lists (:mod:`cfmock.runtime.surface`) from a fresh context,
    worked out once per process against this engine."""
    probe = engine.new_session(256 * 1024)
    try:
        probe.evaluate(_SETUP.format(f"function (paths) {{ var r = ({surface.SURVEY_JS})(JSON.parse(paths));"
                                     " return function () { return r; }; }"))  # fmt: skip
        probe.setup(json.dumps(list(surface.KEPT)))
        survey = json.loads(str(probe.engine("survey")))
    finally:
        probe.close()
    return f"(function () {{ {surface.pruning_script(survey)} }})();\n"


@functools.lru_cache(maxsize=256)
def setup_script(metering: str, module_prelude: str) -> str:
    """The pruning, then the setup function as a global: it runs the engine prelude with the run's
    configuration, then the metering (after the prelude kept the originals for itself) and the modules'
    prelude, and readies the engine. One script and one call per run instead of four engine calls; one
    text per selection of metered built-ins and modules, so its bytecode is cached. (A script, so that source
    and bytecode leave the same thing behind: the setup function in a global, which it deletes when called.)"""
    body = (
        f"var cfmock$engine = ({PRELUDE})(cfmock$config);\n{metering}\n;{module_prelude}\n;"
        'cfmock$engine("ready");\nreturn cfmock$engine;'
    )
    return pruning_script() + _SETUP.format(f"function (cfmock$config) {{\n{body}\n}}")


_ENGINE_STEP_S: Final = 0.25  # time for the engine's own bookkeeping after the user's time is up
_FULL_MARGIN: Final = 64 * 1024  # a heap this close to the limit counts as full
_NEVER_SETTLED: Final = "InternalError: the handler's promise never settled"
_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_clock: Final = engine.clock


@dataclass
class Outcome:
    """What happened in the sandbox, before it is turned into a public result."""

    error: str = ""  # CloudFront-worded "Name: message"; "" when the handler returned
    error_stack: str = ""  # the engine's stack lines of that error, for its location (locations.py)
    value_type: str = "undefined"  # typeof-like type of the viewer handler's value ("object", "array", …)
    value: Any = None  # the viewer handler's value, decoded from JSON
    action: str | None = None  # connection decision
    custom_data: str | None = None
    logs: list[str] = field(default_factory=list)
    origins: list[dict[str, Any]] = field(default_factory=list)
    elapsed_s: float = 0.0
    timed_out: bool = False


def clean_text(text: str) -> str:
    """Lone UTF-16 surrogates (legal in JS strings) cannot be encoded; show them as U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _config(kind: Kind, runtime: str, event_type: str, edge_location: str, kvs: KvsBinding | None,
            limits: RuntimeLimits, now_ms: int | None) -> str:  # fmt: skip
    kvs_data = None
    if kvs is not None:  # the contents stay in Python: the run asks for keys (_Run.answer_requests)
        kvs_data = {
            "id": kvs.store_id,
            "keyCount": len(kvs.data),
            "created": _iso(kvs.created),
            "lastModified": _iso(kvs.last_modified),
        }
    config = {
        "kind": kind,
        "runtime": runtime,
        "eventType": event_type,
        "edgeLocation": edge_location,
        "now": int(time.time() * 1000) if now_ms is None else now_ms,  # the caller takes it (clock.py)
        "logLimit": limits.log_limit_bytes,
        "kvs": kvs_data,
    }
    return json.dumps(config, separators=(",", ":"))  # ASCII: the binding cannot pass lone surrogates


class _Run:
    """The state of one run; its engine session is closed with it."""

    def __init__(self, prepared: PreparedSource, limits: RuntimeLimits, config: str,
                 kvs: KvsBinding | None = None) -> None:  # fmt: skip
        self.prepared = prepared
        self.kvs = kvs
        self.limits = limits
        self.session = engine.new_session(limits.max_stack_bytes)
        try:
            # cfmock's own code, known to finish.
            self.session.evaluate(setup_script(prepared.metering, prepared.module_prelude))
            self.session.setup(config)
        except engine.ScriptError as exc:
            self.session.close()
            raise EngineError(f"cfmock could not set up the JavaScript runtime: {exc.message}") from None
        # The limit counts from here, so preludes, modules and the KVS data never eat into the user's share.
        self.baseline = self.session.malloc_size()
        self.session.set_memory_limit(self.baseline + limits.memory_limit_bytes)
        # Compiling is not the function's running time: on AWS it happens once, when the code is saved. Done
        # here, under the memory limit, a first run and the later ones of the same code count alike.
        self.session.compile_ahead(prepared.source)
        self.deadline = 0.0
        self.out_of_memory = False
        self.peak = self.baseline  # heap size seen between promise jobs

    def _arm(self, now: float | None = None) -> None:
        """Give the next call into JS only the time left (``now``: the clock just read, which costs a syscall)."""
        self.session.stop_calls_at(max(self.deadline, (_clock() if now is None else now) + 0.0005))

    def _engine_mode(self) -> None:
        self.session.stop_calls_at(_clock() + _ENGINE_STEP_S)
        if self.out_of_memory:
            self.session.set_memory_limit(-1)  # let the bookkeeping finish; the context is discarded anyway

    def user_phase(self, payload: str, outcome: Outcome) -> str | None:
        """Evaluate the code, call the handler, run the job queue; returns the result JSON or None."""
        start = _clock()
        self.deadline = start + self.limits.time_limit_s
        try:
            self._arm(start)
            self.session.evaluate(self.prepared.source, user=True)
            self._arm()
            asked = self.session.engine("invoke", payload) is not False  # anything but False: maybe
            self._drain(outcome, asked)
            if not outcome.timed_out and not outcome.error:
                self._arm()
                return str(self.session.engine("result"))
        except engine.ScriptError as exc:
            outcome.error_stack = exc.stack
            if exc.message == "InternalError: interrupted":
                outcome.timed_out = True
            elif exc.stack_overflow:
                outcome.error = STACK_OVERFLOW_MESSAGE
            else:
                outcome.error = self._word(exc.message, exc.stack)
        finally:
            outcome.elapsed_s = _clock() - start
            if outcome.elapsed_s >= self.limits.time_limit_s and not outcome.error:
                outcome.timed_out = True
            if outcome.timed_out and self._heap_full():
                # Code can spin at the memory limit (jobs failing quietly, errors caught) until time runs out.
                outcome.timed_out = False
                outcome.error = OUT_OF_MEMORY_MESSAGE
                self.out_of_memory = True
            self.deliver_interruption()
        return None

    def deliver_interruption(self) -> None:
        """Ctrl-C (or SystemExit) caught in the interrupt handler stopped the code; raise it now that it has."""
        interruption = self.session.interruption
        if interruption is not None:
            self.session.close()
            raise interruption

    def _drain(self, outcome: Outcome, asked: bool) -> None:
        """Run promise jobs with the run's time left (QuickJS's own clock would restart for every job).
        ``asked``: whether the code may have asked the host for anything yet; once a job ran, it may have."""
        jobs = 0
        while True:
            now = _clock()
            if now >= self.deadline:
                outcome.timed_out = True
                return
            self._arm(now)
            if self.session.run_job():
                asked = True
            elif not asked or not self._answer_requests():
                return
            jobs += 1
            # A heap census walks every object, so it runs after jobs 1, 2, 4, 8… and then every 4096th.
            if (jobs & (jobs - 1) == 0 or jobs % 4096 == 0) and self._heap_full():
                outcome.error = OUT_OF_MEMORY_MESSAGE
                self.out_of_memory = True
                return

    def _answer_requests(self) -> bool:
        """Answer what the code asked the host for (KVS lookups in the store's snapshot); False if nothing."""
        self._engine_mode()
        asked = str(self.session.engine("asked") or "")
        if not asked:
            return False
        data = self.kvs.data if self.kvs is not None else {}
        replies = []
        for op, key in json.loads(f"[{asked}]"):
            value = data.get(key)
            replies.append(value is not None if op == "exists" else value)
        self.session.engine("answer", json.dumps(replies))
        return True

    def _heap_full(self) -> bool:
        """Sample the heap; True when it is at the memory limit."""
        used = self.session.malloc_size()
        self.peak = max(self.peak, used)
        return used >= self.baseline + self.limits.memory_limit_bytes - _FULL_MARGIN

    def _heap_half_used(self) -> bool:
        self._heap_full()
        return self.peak >= self.baseline + self.limits.memory_limit_bytes // 2

    def _word(self, message: str, stack: str) -> str:
        if message == "null" and not stack and (self._heap_half_used() or not may_throw_values(self.prepared.source)):
            # QuickJS throws a bare null when it cannot even build its "out of memory" error. A null the code
            # threw itself needs a throw or reject in it, and the code's data is gone by now (the failing
            # frames were unwound), so the heap tells only when something global still holds it.
            message = OUT_OF_MEMORY_MESSAGE
        if message == OUT_OF_MEMORY_MESSAGE:
            self.out_of_memory = True
        message = cloudfront_wording(message)
        if message == NOT_A_FUNCTION and not self.out_of_memory:
            message = name_not_a_function(self.prepared.source, stack, self._functions)
        return message

    def _functions(self, expressions: list[str]) -> list[bool | None]:
        verdicts: list[bool | None] = []
        for expression in expressions:
            path = member_path(expression)  # only plain member paths: guessing must never run user code
            if path is None:
                verdicts.append(None)
                continue
            try:
                self._engine_mode()
                verdict = self.session.engine("is-function", json.dumps(path), _GUESS)
            except engine.ScriptError:
                verdict = None
            verdicts.append(verdict if isinstance(verdict, bool) else None)
        return verdicts

    def finish(self, result: str | None, outcome: Outcome) -> None:
        quiet = False  # the engine said there is nothing to log or record: no need to ask for it
        if outcome.timed_out:
            outcome.error = TIMEOUT_MESSAGE
        elif result is not None:
            try:
                data = _engine_json(result)
            except json_limits.NestedTooDeeplyError:  # cfmock's limit, the same on every Python (json_limits)
                data = {"status": "threw", "error": STACK_OVERFLOW_MESSAGE}
            quiet = data.get("quiet") is True
            status = data.get("status")
            if status == "returned":
                outcome.value_type = data.get("type", "undefined")
                outcome.value = data.get("value")
                outcome.action = data.get("action")
                custom = data.get("customData")
                outcome.custom_data = custom if isinstance(custom, str) else None
            elif status == "pending":
                # When memory runs out inside a resumed async function, QuickJS may drop the rejection and
                # leave the promise pending; a heap that had grown large before tells the two cases apart.
                # (Samples are sparse, so a quarter of the allowance is already telling.)
                grown = self.peak - self.baseline >= self.limits.memory_limit_bytes // 4
                outcome.error = OUT_OF_MEMORY_MESSAGE if grown else _NEVER_SETTLED
            elif data.get("error") == "InternalError: interrupted":
                # A job ran out of time and its promise was rejected with the interruption. (QuickJS's clock
                # is the whole process's CPU time, so busy threads elsewhere can make it fire a bit early.)
                outcome.timed_out = True
                outcome.error = TIMEOUT_MESSAGE
            else:
                outcome.error_stack = str(data.get("stack") or "")
                outcome.error = self._word(str(data.get("error")), outcome.error_stack)
        if quiet:
            return
        try:
            self._engine_mode()
            meta = _engine_json(str(self.session.engine("meta")))
        except (engine.ScriptError, ValueError):
            return  # the logs are lost only if the engine itself cannot run any more
        outcome.logs = [clean_text(line) for line in _listed(meta, "logs") if isinstance(line, str)]
        outcome.origins = [o for o in _listed(meta, "origins") if isinstance(o, dict)]


def own_scripts(prepared: PreparedSource) -> tuple[str, ...]:
    """cfmock's scripts that run in the same context as ``prepared``: their stack frames are not the user's."""
    return (setup_script(prepared.metering, prepared.module_prelude),)


def _engine_json(text: str) -> dict[str, Any]:
    """What the engine returned, which is a JSON object unless something broke it (then ValueError)."""
    data = json_limits.load_returned_json(text)
    if not isinstance(data, dict):
        raise ValueError(f"the engine returned {type(data).__name__}, not an object")
    return data


def _listed(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def execute(prepared: PreparedSource, kind: Kind, payload: str, *, runtime: str, event_type: str,
            edge_location: str, kvs: KvsBinding | None, limits: RuntimeLimits,
            now_ms: int | None = None) -> Outcome:  # fmt: skip
    """Run the prepared code once against ``payload`` (the normalised event or connection, as JSON);
    ``now_ms`` is the run's clock in epoch milliseconds (see clock.py)."""
    run = _Run(prepared, limits, _config(kind, runtime, event_type, edge_location, kvs, limits, now_ms), kvs)
    ended_on_its_own = False
    try:
        outcome = Outcome()
        result = run.user_phase(payload, outcome)
        run.finish(result, outcome)
        run.deliver_interruption()  # one that came while the engine finished up
        ended_on_its_own = not outcome.timed_out and not run.out_of_memory
        return outcome
    finally:
        run.session.close(reusable=ended_on_its_own)
