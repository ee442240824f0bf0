"""``cfmock server``: the same mocked CloudFront over HTTP, for the AWS CLI, Terraform and every SDK.

Public entry points:

* :class:`Backend` answers one HTTP request (``Backend().answer(method, raw_path, query, headers, body)``
  -> :class:`Answer` ``(status, headers, body)``), with the in-process mock's state machine, wire layer and
  runtime;
* :func:`running_server` runs it on a socket for a ``with`` block and yields a :class:`RunningServer`
  (``.endpoint``, ``.port``, ``.backend``, ``.environment()``);
* the pytest fixture ``cloudfront_server`` (cfmock's pytest plugin) does the same for a test session.
"""

from __future__ import annotations

from cfmock.server.answers import CONTROL_PREFIX, Answer
from cfmock.server.app import Backend
from cfmock.server.serve import DEFAULT_HOST, DEFAULT_PORT, RunningServer, running_server

__all__ = ["CONTROL_PREFIX", "DEFAULT_HOST", "DEFAULT_PORT", "Answer", "Backend", "RunningServer", "running_server"]
