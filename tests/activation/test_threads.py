"""Many threads, one mock: no lost update, and threads started before activation are intercepted."""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

import boto3
import pytest

from cfmock import interception, mock_cloudfront_functions
from cfmock.backend.etags import etag_for_version

THREADS = 8
CALLS_PER_THREAD = 200
SHARED = ("shared-a", "shared-b")
MAX_OWN = 10
CONFIG = {"Comment": "", "Runtime": "cloudfront-js-2.0"}
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


def code_for(label: str) -> bytes:
    return f"function handler(event) {{ /* {label} */ return event.request; }}".encode()


def error_code(error: Exception) -> str | None:
    response = getattr(error, "response", None)
    return None if response is None else response["Error"]["Code"]


class Worker:
    """One thread's random mix of calls, checking what it alone owns exactly and counting shared updates."""

    def __init__(self, index: int, client: Any | None, go: threading.Event) -> None:
        self.index = index
        self.client = client
        self.go = go
        self.rng = random.Random(index)
        self.own: dict[str, dict[str, Any]] = {}  # name -> {"version", "live_version"}
        self.created = 0
        self.shared_updates: Counter[str] = Counter()
        self.shared_publishes = 0
        self.calls = 0
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            assert self.go.wait(30), "never released"
            client = self.client or boto3.client("cloudfront")  # made in this thread, while active
            while self.calls < CALLS_PER_THREAD:
                self.step(client)
        except BaseException as error:  # reported by the main thread
            self.failure = error

    def call(self, client: Any, method: str, **params: Any) -> Any:
        self.calls += 1
        return getattr(client, method)(**params)

    def step(self, client: Any) -> None:
        roll = self.rng.random()
        if roll < 0.30:
            self.update_shared(client, self.rng.choice(SHARED))
        elif roll < 0.35:
            self.publish_shared(client, self.rng.choice(SHARED))
        elif (roll < 0.45 or not self.own) and len(self.own) < MAX_OWN:  # stay under the 100-function quota
            name = f"t{self.index}-{self.created}"
            self.created += 1
            created = self.call(
                client, "create_function", Name=name, FunctionConfig=CONFIG, FunctionCode=code_for(name)
            )
            assert created["ETag"] == etag_for_version(1)
            self.own[name] = {"version": 1, "live_version": None}
        else:
            name = self.rng.choice(sorted(self.own))
            self.own_step(client, name, self.rng.random())

    def own_step(self, client: Any, name: str, roll: float) -> None:
        state = self.own[name]
        etag = etag_for_version(state["version"])
        if roll < 0.30:
            label = f"{name}-v{state['version'] + 1}"
            updated = self.call(
                client, "update_function", Name=name, IfMatch=etag, FunctionConfig=CONFIG, FunctionCode=code_for(label)
            )
            state["version"] += 1
            assert updated["ETag"] == etag_for_version(state["version"])
        elif roll < 0.50:
            published = self.call(client, "publish_function", Name=name, IfMatch=etag)
            assert published["FunctionSummary"]["FunctionMetadata"]["Stage"] == "LIVE"
            state["live_version"] = state["version"]
        elif roll < 0.65:
            described = self.call(client, "describe_function", Name=name)
            assert described["ETag"] == etag
            if state["live_version"] is not None:
                live = self.call(client, "get_function", Name=name, Stage="LIVE")
                assert live["ETag"] == etag_for_version(state["live_version"])
                label = name if state["live_version"] == 1 else f"{name}-v{state['live_version']}"
                assert live["FunctionCode"].read() == code_for(label)
        elif roll < 0.80:
            listed = self.call(client, "list_functions", Stage="DEVELOPMENT")["FunctionList"]
            listed_names = {item["Name"] for item in listed.get("Items", [])}
            assert set(self.own) <= listed_names and set(SHARED) <= listed_names
        elif roll < 0.90:
            try:
                self.call(client, "update_function", Name=name, IfMatch="ESTALE00000000", FunctionConfig=CONFIG,
                          FunctionCode=b"stale")  # fmt: skip
            except client.exceptions.PreconditionFailed:
                pass
            else:
                raise AssertionError("a stale ETag was accepted")
        else:
            self.call(client, "delete_function", Name=name, IfMatch=etag)
            del self.own[name]
            try:
                self.call(client, "describe_function", Name=name)
            except client.exceptions.NoSuchFunctionExists:
                pass
            else:
                raise AssertionError("a deleted function is still described")

    def update_shared(self, client: Any, name: str) -> None:
        while True:
            etag = self.call(client, "describe_function", Name=name)["ETag"]
            try:
                self.call(client, "update_function", Name=name, IfMatch=etag, FunctionConfig=CONFIG,
                          FunctionCode=code_for(f"{name}-by-{self.index}"))  # fmt: skip
            except client.exceptions.PreconditionFailed:
                continue  # another thread updated it in between: read again
            self.shared_updates[name] += 1
            return

    def publish_shared(self, client: Any, name: str) -> None:
        while True:
            etag = self.call(client, "describe_function", Name=name)["ETag"]
            try:
                published = self.call(client, "publish_function", Name=name, IfMatch=etag)
            except client.exceptions.PreconditionFailed:
                continue
            assert published["FunctionSummary"]["FunctionMetadata"]["Stage"] == "LIVE"
            self.shared_publishes += 1
            return


@pytest.mark.parametrize("shared_client_made", ["before activation", "during activation"])
def test_mixed_calls_from_eight_threads_lose_no_update(shared_client_made: str) -> None:
    go = threading.Event()
    shared_client = boto3.client("cloudfront", **CREDENTIALS) if shared_client_made == "before activation" else None
    workers: list[Worker] = []
    threads: list[threading.Thread] = []

    def start_workers() -> None:
        for index in range(THREADS):
            # Even threads make their own client; odd threads share one client.
            worker = Worker(index, None if index % 2 == 0 else shared_client, go)
            workers.append(worker)
            threads.append(threading.Thread(target=worker.run, name=f"cfmock-worker-{index}", daemon=True))
        for thread in threads:
            thread.start()

    if shared_client is not None:
        start_workers()  # these threads start before the mock does
    with mock_cloudfront_functions() as mock:
        if shared_client is None:
            shared_client = boto3.client("cloudfront")
            start_workers()
        setup = boto3.client("cloudfront")
        for name in SHARED:
            setup.create_function(Name=name, FunctionConfig=CONFIG, FunctionCode=code_for(name))
        go.set()
        for thread in threads:
            thread.join(120)
        assert not any(thread.is_alive() for thread in threads)
        failures = [(worker.index, worker.failure) for worker in workers if worker.failure is not None]
        assert not failures, failures
        assert all(worker.calls >= CALLS_PER_THREAD for worker in workers)

        for name in SHARED:
            updates = sum(worker.shared_updates[name] for worker in workers)
            assert updates > 0
            resource = mock.functions[name]
            assert resource.version == updates + 1
            assert resource.etag == etag_for_version(updates + 1)
            assert setup.describe_function(Name=name)["ETag"] == etag_for_version(updates + 1)
        assert sum(worker.shared_publishes for worker in workers) > 0

        expected_own = {name: worker.own[name] for worker in workers for name in worker.own}
        assert sorted(mock.functions) == sorted([*expected_own, *SHARED])
        for name, state in expected_own.items():
            resource = mock.functions[name]
            assert resource.etag == etag_for_version(state["version"])
            live = None if resource.live is None else resource.live.etag
            assert live == (None if state["live_version"] is None else etag_for_version(state["live_version"]))
    assert interception.current_state() is None
