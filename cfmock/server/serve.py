"""Running the server: ``running_server()`` for tests and scripts, ``run_command()`` for ``cfmock server``."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cfmock.options import MockOptions
from cfmock.server.app import Backend
from cfmock.server.http import CloudFrontHTTPServer

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7457  # clear of LocalStack (4566), moto (5000) and the usual development ports


@dataclass(frozen=True)
class RunningServer:
    """A server that is listening: where it is, and its ``Backend`` for seeding and assertions from Python."""

    host: str
    port: int
    backend: Backend

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:PORT``: the endpoint URL of both services, and the data plane's HTTP proxy."""
        # Listening on every interface: clients on this machine still reach it on loopback.
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def environment(self) -> dict[str, str]:
        """The variables that point an AWS CLI or SDK at this server (the data plane through the proxy)."""
        return {
            "AWS_ENDPOINT_URL_CLOUDFRONT": self.endpoint,
            "AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE": self.endpoint,
            "HTTP_PROXY": self.endpoint,
            "http_proxy": self.endpoint,
        }


class _Serving:
    def __init__(self, backend: Backend, host: str, port: int, verbose: bool = False) -> None:
        self.http = CloudFrontHTTPServer(backend, host, port, verbose=verbose)
        self.thread = threading.Thread(target=self.http.serve_forever, name="cfmock-server", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.http.shutdown()  # the accept loop ends
        self.http.close_connections()  # idle keep-alive connections end
        self.http.server_close()
        self.thread.join()


@contextmanager
def running_server(
    host: str = DEFAULT_HOST, port: int = 0, *, options: MockOptions | None = None, account_id: str | None = None
) -> Iterator[RunningServer]:
    """Run a server in a background thread for the ``with`` block (port 0: a free port).

    >>> with running_server() as server:
    ...     client = boto3.client("cloudfront", endpoint_url=server.endpoint, ...)
    """
    backend = Backend(options, account_id=account_id)
    serving = _Serving(backend, host, port)
    try:
        yield RunningServer(host, serving.http.port, backend)
    finally:
        serving.stop()


def banner(server: RunningServer) -> str:
    """What ``cfmock server`` prints: lines to paste into a shell, and the data-plane note."""
    url = server.endpoint
    return "\n".join(
        [
            f"# cfmock server: CloudFront and CloudFront KeyValueStore on {url} (account {server.backend.account_id})",
            f"export AWS_ENDPOINT_URL_CLOUDFRONT={url}",
            f"export AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE={url}",
            "# KeyValueStore data plane: SDKs send it to <account-id>.<endpoint host>, a name that does not resolve.",
            f"# cfmock is also an HTTP proxy for itself: run data-plane clients with HTTP_PROXY={url}",
            "# (they sign with SigV4A: botocore[crt] for the AWS CLI, @aws-sdk/signature-v4a for JS). docs/server.md",
            f"# Control endpoints: {url}/_cfmock/health, /_cfmock/state, /_cfmock/reset. Stop with Ctrl-C.",
        ]
    )


def _write_port_file(path: Path, port: int) -> None:
    # Written whole, then renamed: a script polling for the file never reads half a number.
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(f"{port}\n", encoding="ascii")
    os.replace(partial, path)


def run_command(args: Any) -> int:
    """``cfmock server``: serve until SIGINT or SIGTERM, then stop cleanly (exit status 0)."""
    try:
        backend = Backend(account_id=args.account_id)
    except ValueError as error:
        print(f"cfmock server: {error}", file=sys.stderr)
        return 2
    try:
        serving = _Serving(backend, args.host, args.port, verbose=args.verbose)
    except OSError as error:
        print(f"cfmock server: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    server = RunningServer(args.host, serving.http.port, backend)
    try:
        if args.port_file is not None:
            try:
                _write_port_file(args.port_file, server.port)
            except OSError as error:
                print(f"cfmock server: cannot write the port file: {error}", file=sys.stderr)
                args.port_file = None  # nothing of ours to remove
                return 1
        print(banner(server), flush=True)
        while not stop.wait(0.5):  # a timed wait, so the signal handler runs promptly
            pass
    finally:
        serving.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if args.port_file is not None:
            args.port_file.unlink(missing_ok=True)
    print("cfmock server: stopped", file=sys.stderr, flush=True)
    return 0
