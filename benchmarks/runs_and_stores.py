"""Figures for issue 14, points 9 and 10. Run: ``python benchmarks/runs_and_stores.py [--quick]``.

1. Lock: how long another thread's DescribeFunction takes while a TestFunction spins for 1 s.
2. Threads: TestFunction calls per second with 1 thread and with 8 (the same total number of calls), for a
   trivial function and for one that computes for ~5 ms.
3. Store size: the median cost of one TestFunction of a function associated with an empty store and with a
   5 MB store (the store's size must not change it).
Machines are noisy (and this one is shared): read the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from typing import Any

import boto3

from cfmock import mock_cloudfront_functions

CREDENTIALS = {"aws_access_key_id": "x", "aws_secret_access_key": "y", "region_name": "us-east-1"}
CONFIG = {"Comment": "", "Runtime": "cloudfront-js-2.0"}
EVENT = json.dumps({"version": "1.0", "context": {"eventType": "viewer-request"}, "viewer": {"ip": "1.2.3.4"},
                    "request": {"method": "GET", "uri": "/", "headers": {}}}).encode()  # fmt: skip
TRIVIAL = b"function handler(event) { return event.request; }"
BUSY = b"function handler(event) { var n = 0; for (var i = 0; i < 60000; i++) { n += i % 7; } return event.request; }"
KVS_READ = b"""import cf from 'cloudfront';
async function handler(event) {
  var v = await cf.kvs().get('k00042');
  event.request.uri = '/' + v.length;
  return event.request;
}"""


def lock_figure() -> None:
    with mock_cloudfront_functions():
        cf = boto3.client("cloudfront", **CREDENTIALS)
        etag = cf.create_function(Name="spin", FunctionConfig=CONFIG,
                                  FunctionCode=b"function handler(e) { while (true) {} }")["ETag"]  # fmt: skip
        cf.create_function(Name="other", FunctionConfig=CONFIG, FunctionCode=TRIVIAL)
        other = boto3.client("cloudfront", **CREDENTIALS)
        other.describe_function(Name="other")
        thread = threading.Thread(target=lambda: cf.test_function(Name="spin", IfMatch=etag, EventObject=EVENT))
        thread.start()
        time.sleep(0.1)
        started = time.perf_counter()
        other.describe_function(Name="other")
        waited = time.perf_counter() - started
        alive = thread.is_alive()
        thread.join()
        print(f"lock: describe_function during a 1 s TestFunction spin took {waited * 1000:.1f} ms "
              f"(spin still running then: {alive})")  # fmt: skip


def threads_figure(calls: int) -> None:
    with mock_cloudfront_functions():
        cf = boto3.client("cloudfront", **CREDENTIALS)
        for name, code in (("trivial", TRIVIAL), ("busy", BUSY)):
            etag = cf.create_function(Name=name, FunctionConfig=CONFIG, FunctionCode=code)["ETag"]
            clients = [boto3.client("cloudfront", **CREDENTIALS) for _ in range(8)]
            for client in clients:
                client.test_function(Name=name, IfMatch=etag, EventObject=EVENT)
            rates: dict[int, float] = {}
            cores: dict[int, float] = {}
            for threads in (1, 8):
                per_thread = calls // threads

                def work(client: Any, count: int = per_thread, fn: str = name, tag: str = etag) -> None:
                    for _ in range(count):
                        client.test_function(Name=fn, IfMatch=tag, EventObject=EVENT)

                workers = [threading.Thread(target=work, args=(clients[i],)) for i in range(threads)]
                started, started_cpu = time.perf_counter(), time.process_time()
                for worker in workers:
                    worker.start()
                for worker in workers:
                    worker.join()
                wall = time.perf_counter() - started
                rates[threads] = per_thread * threads / wall
                # Above 1, the process ran on more than one core at once: the runs overlapped outside the GIL.
                cores[threads] = (time.process_time() - started_cpu) / wall
            print(f"threads ({name}): {rates[1]:.0f} calls/s with 1 thread, {rates[8]:.0f} calls/s with 8 "
                  f"(speedup {rates[8] / rates[1]:.2f}x); cores in use {cores[1]:.2f} and {cores[8]:.2f}")  # fmt: skip


def store_figure(rounds: int) -> None:
    with mock_cloudfront_functions() as mock:
        cf = boto3.client("cloudfront", **CREDENTIALS)
        etags = {}
        for size in ("empty", "5MB"):
            arn = cf.create_key_value_store(Name=f"store-{size}")["KeyValueStore"]["ARN"]
            data = {f"k{i:05d}": "v" * 1018 for i in range(5120)} if size == "5MB" else {"k00042": "v"}
            mock.key_value_stores[f"store-{size}"].update(data)
            config = {**CONFIG, "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": arn}]}}
            etags[size] = cf.create_function(Name=f"fn-{size}", FunctionConfig=config, FunctionCode=KVS_READ)["ETag"]
        print(f"store: {mock.key_value_stores['store-5MB']!r}")
        samples: dict[str, list[float]] = {"empty": [], "5MB": []}
        cpu: dict[str, list[float]] = {"empty": [], "5MB": []}
        for _ in range(rounds):  # interleaved, so both see the same noise
            for size, etag in etags.items():
                started, started_cpu = time.perf_counter(), time.thread_time()
                result = cf.test_function(Name=f"fn-{size}", IfMatch=etag, EventObject=EVENT)["TestResult"]
                samples[size].append(time.perf_counter() - started)
                cpu[size].append(time.thread_time() - started_cpu)  # the run happens in this thread
                assert result["FunctionErrorMessage"] == "", result
        for label, figures in (("wall", samples), ("CPU", cpu)):
            empty, full = (statistics.median(figures[s]) * 1000 for s in ("empty", "5MB"))
            print(f"store: TestFunction median {label} time {empty:.2f} ms with an empty store, {full:.2f} ms "
                  f"with a 5 MB store (+{full - empty:.2f} ms)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["lock", "threads", "store"])
    args = parser.parse_args()
    if args.only in (None, "lock"):
        lock_figure()
    if args.only in (None, "threads"):
        threads_figure(200 if args.quick else 800)
    if args.only in (None, "store"):
        store_figure(30 if args.quick else 100)


if __name__ == "__main__":
    main()
