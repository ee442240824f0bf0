"""cfmock benchmarks: medians and same-run ratios. Run: ``python benchmarks/bench.py`` (``--quick`` for fewer rounds).

Compared, in one run, on the same machine:
* cfmock: the mocked call, end to end through boto3;
* the faithful floor: canned response bytes answered at ``before-call`` and run through botocore's own
  parser, which is what any mock that keeps botocore's parsing must pay;
* botocore's ``Stubber`` (no parsing at all);
* moto 5 (``mock_aws``) where moto has the operation.
Machines are noisy: read the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from typing import Any

CODE = b"function handler(event) { return event.request; }\n" + b"// padding\n" * 180  # ~2 KB
CONFIG = {"Comment": "bench", "Runtime": "cloudfront-js-2.0"}


def timed(fn: Callable[[], Any], rounds: int, inner: int) -> float:
    """Median seconds per call over ``rounds`` batches of ``inner`` calls."""
    return interleaved({"x": fn}, rounds, inner)["x"]


def interleaved(
    contestants: dict[str, Callable[[], Any]], rounds: int, inner: int, clock: Callable[[], float] = time.perf_counter
) -> dict[str, float]:
    """Median seconds per call of each contestant, measured in alternating batches.

    Alternating gives every contestant the same share of each noisy period of a shared machine, so the
    ratios between them hold even when absolute times drift. ``clock=time.thread_time`` counts this thread's
    CPU time, which other processes on a loaded machine do not stretch.
    """
    for fn in contestants.values():
        fn()  # warm caches
    samples: dict[str, list[float]] = {name: [] for name in contestants}
    for _ in range(rounds):
        for name, fn in contestants.items():
            start = clock()
            for _ in range(inner):
                fn()
            samples[name].append((clock() - start) / inner)
    return {name: statistics.median(values) for name, values in samples.items()}


def client() -> Any:
    import boto3

    return boto3.client("cloudfront", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")


class _Raw(io.BytesIO):
    def stream(self, **_kw: Any) -> Any:
        yield self.getvalue()


def canned_before_call(cf: Any, status: int, headers: dict[str, str], body: bytes) -> None:
    """The faithful floor: canned bytes at before-call, parsed by botocore's own parser, nothing else."""
    from botocore.awsrequest import AWSResponse
    from botocore.endpoint import convert_to_response_dict
    from urllib3._collections import HTTPHeaderDict

    factory = cf._endpoint._response_parser_factory

    def answer(model: Any, **_kw: Any) -> Any:
        http = AWSResponse("https://cloudfront.amazonaws.com/", status, HTTPHeaderDict(headers), _Raw(body))
        parsed = factory.create_parser("rest-xml").parse(convert_to_response_dict(http, model), model.output_shape)
        return http, parsed

    cf.meta.events.register_first("before-call.cloudfront", answer)


def capture(operation: str, call: Callable[[Any], Any], setup: Callable[[Any], Any] | None = None) -> Any:
    """The exact response cfmock renders for ``call`` (used as the floor's canned bytes)."""
    import cfmock
    from cfmock.service import dispatch as dispatch_module

    captured: list[Any] = []
    original = dispatch_module.dispatch

    def spy(*args: Any) -> Any:
        response = original(*args)
        captured.append(response)
        return response

    with cfmock.mock_cloudfront_functions():
        cf = client()
        if setup:
            setup(cf)
        dispatch_module.dispatch = spy
        try:
            call(cf)
        finally:
            dispatch_module.dispatch = original
    return captured[-1]


def bench_operation(name: str, call: Callable[[Any, int], Any], setup: Callable[[Any], Any] | None, args: Any) -> None:
    from botocore.stub import Stubber

    import cfmock

    counter = iter(range(10**9))
    print(f"\n{name}")
    response = capture(name, lambda cf: call(cf, 10**8), setup)
    floor = client()
    canned_before_call(floor, response.status, response.headers, response.body)

    stubbed = client()
    stubber = Stubber(stubbed)
    summary = {
        "Name": "fn",
        "FunctionConfig": CONFIG,
        "FunctionMetadata": {
            "FunctionARN": "arn:aws:cloudfront::123456789012:function/fn",
            "LastModifiedTime": "2024-01-01T00:00:00Z",
        },
    }
    canned = {"FunctionSummary": summary, "ETag": "ETVPDKIKX0DER"}
    method = "describe_function" if "describe" in name else "create_function"

    def stub_call() -> None:
        stubber.add_response(method, canned)
        call(stubbed, next(counter))

    from moto import mock_aws

    def batch(fn: Callable[[], Any]) -> float:
        start = time.perf_counter()
        for _ in range(args.inner):
            fn()
        return (time.perf_counter() - start) / args.inner

    # Every round times each contestant once (moto only in the first third of the rounds), so all get the same
    # share of a shared machine's noisy periods.
    # moto cannot run inside cfmock's activation (cfmock would answer its client), so each round enters and
    # leaves both mocks; setting up state is outside the timed batches.
    samples: dict[str, list[float]] = {"cfmock": [], "faithful floor": [], "botocore Stubber": [], "moto": []}
    moto_rounds = max(3, args.rounds // 3)  # moto is ~4x slower: fewer rounds keep the run short
    with stubber:
        for round_number in range(args.rounds):
            with cfmock.mock_cloudfront_functions() as mock:
                # Lift the 100-function quota (decisions 22) so thousands of creates measure the success path.
                mock._require_state().backend.functions.quota = 10**9
                cf = client()
                if setup:
                    setup(cf)
                call(cf, next(counter))  # warm
                samples["cfmock"].append(batch(lambda c=cf: call(c, next(counter))))
                # The floor's and the Stubber's clients are CloudFront clients too, so cfmock registers on them;
                # but their own handlers were registered earlier, and botocore keeps registration order among
                # register_first handlers, so they still answer and cfmock's handler is never reached.
                samples["faithful floor"].append(batch(lambda: call(floor, next(counter))))
                samples["botocore Stubber"].append(batch(stub_call))
            if round_number < moto_rounds:
                with mock_aws():
                    mcf = client()
                    if setup:
                        setup(mcf)
                    call(mcf, next(counter))  # warm
                    samples["moto"].append(batch(lambda c=mcf: call(c, next(counter))))
    results = {name: statistics.median(values) for name, values in samples.items()}

    base = results["cfmock"]
    floor_time = results["faithful floor"]
    for label, seconds in results.items():
        print(f"  {label:<18} {seconds * 1e6:9.1f} µs   cfmock/this = {base / seconds:5.2f}x")
    print(f"  => cfmock is {base / floor_time:.2f}x the faithful floor", end="")
    if "moto" in results:
        print(f", {results['moto'] / base:.1f}x faster than moto", end="")
    print()


def bench_activation(args: Any) -> None:
    import cfmock

    print("\nactivation enter+exit")
    ours = timed(lambda: cfmock.mock_cloudfront_functions().__enter__().__exit__(None, None, None), args.rounds, 200)
    print(f"  cfmock             {ours * 1e6:9.1f} µs")
    try:
        from moto import mock_aws
    except ImportError:  # pragma: no cover
        return

    def moto_cycle() -> None:
        with mock_aws():
            pass

    theirs = timed(moto_cycle, max(3, args.rounds // 3), 20)
    print(f"  moto               {theirs * 1e6:9.1f} µs   moto/cfmock = {theirs / ours:.1f}x")


FUNCTION_2KB = b"""function handler(event) {
    var request = event.request;
    var headers = request.headers;
    if (request.uri === '/old') {
        return { statusCode: 301, statusDescription: 'Moved Permanently',
                 headers: { location: { value: '/new' } } };
    }
    if (!headers['x-device']) {
        headers['x-device'] = { value: headers['user-agent'] ? 'browser' : 'unknown' };
    }
    request.uri = request.uri.replace(/\\/$/, '/index.html');
    return request;
}
"""
FUNCTION_2KB += b"".join(b"// line %03d of padding to reach about two kilobytes of code\n" % i for i in range(26))
HMAC_FUNCTION = b"""var crypto = require('crypto');
function handler(event) {
    var mac = crypto.createHmac('sha256', 'secret').update(event.request.uri).digest('hex');
    event.request.headers['x-signature'] = { value: mac };
    return event.request;
}
"""
HMAC50_FUNCTION = b"""var crypto = require('crypto');
function handler(event) {
    var mac = event.request.uri;
    for (var i = 0; i < 50; i++) mac = crypto.createHmac('sha256', 'secret').update(mac).digest('hex');
    event.request.headers['x-signature'] = { value: mac };
    return event.request;
}
"""
QUERYSTRING_FUNCTION = b"""var querystring = require('querystring');
function handler(event) {
    var parsed = querystring.parse('a=1&b=2&b=3');
    event.request.headers['x-b'] = { value: String(parsed.b) };
    return event.request;
}
"""
EVENT = (
    b'{"version":"1.0","context":{"eventType":"viewer-request"},"viewer":{"ip":"198.51.100.11"},'
    b'"request":{"method":"GET","uri":"/docs/","headers":{"host":{"value":"example.org"},'
    b'"user-agent":{"value":"curl"}},"querystring":{},"cookies":{}}}'
)


def bench_running_code(args: Any) -> None:
    import cfmock
    from cfmock.runtime import engine

    print(f"\nrunning code (a {len(FUNCTION_2KB)}-byte viewer-request function; CPU time of this thread)")
    etag = ""

    def setup(cf: Any) -> None:
        nonlocal etag
        etag = cf.create_function(Name="fn", FunctionConfig=CONFIG, FunctionCode=FUNCTION_2KB)["ETag"]

    def test(cf: Any) -> Any:
        return cf.test_function(Name="fn", IfMatch=etag, EventObject=EVENT)

    response = capture("test_function", test, setup)
    floor = client()
    canned_before_call(floor, response.status, response.headers, response.body)
    with cfmock.mock_cloudfront_functions():
        cf = client()
        setup(cf)
        calls = interleaved(
            {
                "test_function": lambda: test(cf),
                "floor": lambda: test(floor),
                "describe_function": lambda: cf.describe_function(Name="fn"),
            },
            args.rounds,
            50,
            time.thread_time,
        )
    fast = engine._fast_api

    def source_only() -> Any:
        engine._fast_api = lambda: None  # type: ignore[assignment]  # the plain path (no C-level access)
        try:
            return cfmock.run_function(FUNCTION_2KB, EVENT)
        finally:
            engine._fast_api = fast  # type: ignore[assignment]

    import quickjs

    def bare_quickjs() -> Any:
        """The issue's reference: a fresh binding context, the 2 KB function as source, one call; none of
        cfmock's CloudFront shaping, limits or result handling."""
        ctx = quickjs.Context()
        ctx.eval(FUNCTION_2KB.decode())
        return ctx.eval("JSON.stringify(handler(" + EVENT.decode() + "))")

    from cfmock.runtime import profiles, sandbox
    from cfmock.runtime.results import RuntimeLimits

    limits, runtime = RuntimeLimits(), "cloudfront-js-2.0"  # run_function's defaults
    prepared = profiles.prepare(FUNCTION_2KB.decode(), runtime)
    config = sandbox._config("viewer", runtime, "viewer-request", "SEA19-C1", None, limits, None)

    def setup_only() -> None:
        """What each run costs before the user's code runs: a fresh context shaped like CloudFront's (pruning,
        prelude, metering), its memory limit set, the compiled code looked up; then freed as a run frees it."""
        sandbox._Run(prepared, limits, config).session.close(reusable=True)

    runs = interleaved(
        {
            "bare": bare_quickjs,
            "setup": setup_only,
            "nothing": lambda: cfmock.run_function(FUNCTION_2KB, EVENT),
            "source": source_only,
            "crypto": lambda: cfmock.run_function(HMAC_FUNCTION, EVENT),
            "50 HMACs": lambda: cfmock.run_function(HMAC50_FUNCTION, EVENT),
            "querystring": lambda: cfmock.run_function(QUERYSTRING_FUNCTION, EVENT),
        },
        args.rounds,
        50,
        time.thread_time,
    )
    test_ms, floor_ms = calls["test_function"] * 1e3, calls["floor"] * 1e3
    print(f"  test_function through boto3  {test_ms:7.3f} ms   = {test_ms / floor_ms:.2f}x its faithful floor", end="")
    print(f" ({floor_ms:.3f} ms); describe_function {calls['describe_function'] * 1e3:.3f} ms")
    print(f"    ... cfmock's share           {test_ms - floor_ms:7.3f} ms   (above the floor: engine, wire, glue)")
    direct = runs["nothing"]
    print(f"  cfmock.run_function (warm)   {direct * 1e3:7.3f} ms   = {1 / direct:,.0f} runs/second")
    bare = runs["bare"]
    print(f"    ... bare QuickJS           {bare * 1e3:7.3f} ms   (context + 2 KB source + call, unshaped;", end="")
    print(f" run_function = bare + {(direct - bare) * 1e3:.3f} ms)")
    source = runs["source"]
    print(f"    ... evaluating source      {source * 1e3:7.3f} ms   ({source / direct:.2f}x: plain path)")
    print(f"    ... bare/run_function      {direct / bare:7.2f}x  (run_function over the bare engine)")
    setup = runs["setup"]
    print(f"    ... context + setup only   {setup * 1e3:7.3f} ms   ({setup / bare:.2f}x bare:", end="")
    print(" a run before the user's code)")
    hmacs = runs["50 HMACs"]
    print(f"    ... 50 HMACs               {hmacs * 1e3:7.3f} ms   ({hmacs / direct:.2f}x a plain run)")
    for module in ("crypto", "querystring"):
        extra = runs[module] - direct
        print(f"    ... using {module:<12}     {runs[module] * 1e3:7.3f} ms   (+{extra * 1e3:.3f} ms for the module)")


def fresh(code: str, runs: int) -> float:
    """Median of a number printed by ``code`` in fresh interpreters."""
    values = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True)
        values.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(values)


def bench_fresh_process(args: Any) -> None:
    runs = args.processes
    print(f"\nfresh processes (median of {runs})")
    boto3_ms = fresh("import time; t=time.perf_counter(); import boto3; print((time.perf_counter()-t)*1e3)", runs)
    both_ms = fresh(
        "import time; t=time.perf_counter(); import boto3; t1=time.perf_counter(); import cfmock; "
        "print((time.perf_counter()-t1)*1e3)",
        runs,
    )
    botocore_ms = fresh("import time; t=time.perf_counter(); import botocore; print((time.perf_counter()-t)*1e3)", runs)
    cfmock_alone = fresh("import time; t=time.perf_counter(); import cfmock; print((time.perf_counter()-t)*1e3)", runs)
    quickjs = fresh("import sys, cfmock; print(int('quickjs' in sys.modules))", 1)
    print(f"  import boto3                 {boto3_ms:7.1f} ms")
    print(f"  import cfmock after boto3    {both_ms:7.1f} ms   (added to import boto3)")
    print(f"  import botocore              {botocore_ms:7.1f} ms")
    print(
        f"  import cfmock (alone)        {cfmock_alone:7.1f} ms   cfmock/botocore = {cfmock_alone / botocore_ms:.2f}x"
    )
    print(f"  import cfmock loads quickjs: {'yes' if quickjs else 'no'}")
    first = """
        import time, boto3, cfmock
        cf = boto3.client("cloudfront", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
        with cfmock.mock_cloudfront_functions():
            t = time.perf_counter()
            cf.create_function(Name="fn", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"},
                               FunctionCode=b"function handler(e){return e.request}")
            print((time.perf_counter() - t) * 1e3)
    """
    first_moto = """
        import time, boto3
        from moto import mock_aws
        cf = boto3.client("cloudfront", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
        t = time.perf_counter()
        with mock_aws():
            cf.create_function(Name="fn", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"},
                               FunctionCode=b"function handler(e){return e.request}")
            print((time.perf_counter() - t) * 1e3)
    """
    ours = fresh(first, runs)
    print(f"  first mocked call (cfmock)   {ours:7.1f} ms")
    try:
        theirs = fresh(first_moto, runs)
        print(f"  first mocked call (moto)     {theirs:7.1f} ms   moto/cfmock = {theirs / ours:.1f}x")
    except subprocess.CalledProcessError:  # pragma: no cover
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (noisier)")
    parser.add_argument("--engine-only", action="store_true", help="only the code-running benchmarks")
    args = parser.parse_args()
    args.rounds, args.inner, args.processes = (5, 100, 3) if args.quick else (15, 300, 7)

    def create_setup(cf: Any) -> None:
        pass

    def create_call(cf: Any, i: int) -> Any:
        return cf.create_function(Name=f"fn{i}", FunctionConfig=CONFIG, FunctionCode=CODE)

    def describe_setup(cf: Any) -> None:
        cf.create_function(Name="fn", FunctionConfig=CONFIG, FunctionCode=CODE)

    def describe_call(cf: Any, _i: int) -> Any:
        return cf.describe_function(Name="fn")

    if args.engine_only:
        bench_running_code(args)
        return
    bench_operation("describe_function", describe_call, describe_setup, args)
    bench_operation("create_function", create_call, create_setup, args)
    bench_activation(args)
    bench_running_code(args)
    bench_fresh_process(args)


if __name__ == "__main__":
    main()
