"""``cfmock server`` against moto's server (``moto_server``), in one run. Run: ``python benchmarks/server_bench.py``.

Measured, alternating the two servers round by round so a shared machine's noisy periods land on both:
* requests/s of ``describe_function`` over keep-alive HTTP, with 1 client and with 8 concurrent clients (each client
  its own process and persistent connection, sending a pre-built request, so the load generator costs little);
* the time from the start command to the first answered CloudFront request (``ListFunctions``).
Needs ``moto[server]`` (``pip install 'moto[server]'``); without it, cfmock's figures alone are printed.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NAME = "bench-fn"
CODE = b"function handler(event) { return event.request; }\n"
DESCRIBE = f"/2020-05-31/function/{NAME}/describe"
LIST = "/2020-05-31/function"
# Signed-looking, as an SDK sends it; neither server verifies signatures.
HEADERS = {
    "Host": "cloudfront.amazonaws.com",
    "User-Agent": "bench",
    "X-Amz-Date": "20240101T000000Z",
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/cloudfront/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cfmock_command(port: int) -> list[str]:
    return [sys.executable, "-m", "cfmock", "server", "--port", str(port)]


def moto_command(port: int) -> list[str] | None:
    found = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    return [found, "-H", "127.0.0.1", "-p", str(port)] if os.path.exists(found) else None


def answered(port: int, path: str) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", path, headers=HEADERS)
        ok = connection.getresponse().status == 200
        connection.close()
        return ok
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far; NaN where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(command: list[str], port: int) -> tuple[subprocess.Popen[bytes], float, float]:
    """Start a server: the seconds from the start command to its first answered ListFunctions, wall and the
    server's CPU (a loaded machine stretches the wall time; the CPU time says what the server itself spent)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    while not answered(port, LIST):
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} exited with {process.returncode}")
        if time.perf_counter() - began > 60:
            process.kill()
            raise RuntimeError(f"{command[0]} did not answer within 60 s")
        time.sleep(0.002)
    return process, time.perf_counter() - began, cpu_seconds(process.pid)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def create_function(port: int) -> None:
    import boto3

    cf = boto3.client(
        "cloudfront",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
    )
    cf.create_function(Name=NAME, FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"}, FunctionCode=CODE)


def client_loop(port: int, seconds: float, ready: Any, go: Any, counts: Any, closes: Any, index: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", DESCRIBE, headers=HEADERS)  # connect and warm up before the clock starts
    connection.getresponse().read()
    ready.wait()
    go.wait()
    done, reconnects, deadline = 0, 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        connection.request("GET", DESCRIBE, headers=HEADERS)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"describe_function answered {response.status}")
        # moto's server closes the connection after every answer: the client reconnects (http.client does it on
        # the next request), as an SDK would. That is part of what moto costs its users.
        reconnects += response.will_close
        done += 1
    counts[index], closes[index] = done, reconnects
    connection.close()


def requests_per_second(port: int, clients: int, seconds: float) -> tuple[float, bool]:
    """Requests per second over all clients, and whether the server kept the connections open."""
    context = multiprocessing.get_context("fork")
    ready, go = context.Barrier(clients + 1), context.Event()
    counts, closes = context.Array("l", clients), context.Array("l", clients)
    workers = [
        context.Process(target=client_loop, args=(port, seconds, ready, go, counts, closes, i)) for i in range(clients)
    ]
    for worker in workers:
        worker.start()
    ready.wait()
    go.set()
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise RuntimeError("a benchmark client failed")
    return sum(counts) / seconds, sum(closes) == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per measurement (default 5)")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one throughput round (default 2)")
    args = parser.parse_args()

    servers: dict[str, Callable[[int], list[str] | None]] = {"cfmock": cfmock_command, "moto": moto_command}
    available = {name: make for name, make in servers.items() if make(0) is not None}
    if "moto" not in available:
        print("moto_server not found (pip install 'moto[server]'): cfmock alone", file=sys.stderr)

    startup: dict[str, list[float]] = {name: [] for name in available}
    startup_cpu: dict[str, list[float]] = {name: [] for name in available}
    for _ in range(args.rounds):
        for name, make in available.items():
            port = free_port()
            process, seconds, cpu = start(make(port) or [], port)
            startup[name].append(seconds)
            startup_cpu[name].append(cpu)
            stop(process)

    running = {}
    for name, make in available.items():
        port = free_port()
        running[name] = (start(make(port) or [], port)[0], port)
        create_function(port)
    throughput: dict[tuple[str, int], list[float]] = {(n, c): [] for n in available for c in (1, 8)}
    kept: dict[str, bool] = {}
    try:
        for _ in range(args.rounds):
            for clients in (1, 8):
                for name, (_process, port) in running.items():
                    rate, kept[name] = requests_per_second(port, clients, args.seconds)
                    throughput[(name, clients)].append(rate)
    finally:
        for process, _port in running.values():
            stop(process)

    print(f"cfmock server vs moto_server; medians of {args.rounds} alternating rounds (cpus: {os.cpu_count()})")
    for name, keeps in kept.items():
        print(f"{name}: {'keeps connections open' if keeps else 'closes the connection after every answer'}")
    for clients in (1, 8):
        medians = {name: statistics.median(throughput[(name, clients)]) for name in available}
        line = "  ".join(f"{name} {value:8.0f} req/s" for name, value in medians.items())
        ratio = f"  ratio cfmock/moto {medians['cfmock'] / medians['moto']:.1f}x" if "moto" in medians else ""
        print(f"describe_function, {clients} client{'s' if clients > 1 else ' '}: {line}{ratio}")
    for label, samples in (("wall", startup), ("server CPU", startup_cpu)):
        medians = {name: statistics.median(values) for name, values in samples.items()}
        line = "  ".join(f"{name} {value:6.3f} s" for name, value in medians.items())
        ratio = f"  ratio moto/cfmock {medians['moto'] / medians['cfmock']:.1f}x" if "moto" in medians else ""
        print(f"start command -> first answered request ({label}): {line}{ratio}")


if __name__ == "__main__":
    main()
