"""Where cfmock meets botocore: three class-level patches, installed by the outermost activation only.

1. ``BaseClient._make_api_call``: on a CloudFront client's first call while active, register cfmock's
   ``before-call`` handler *first* on that client's event emitter. This reaches every client, including
   ones created before activation (even before ``import cfmock``) and in other threads. Answering at
   ``before-call`` skips signing, retries and the HTTP stack, and moto's ``before-send`` never sees the call.
2. ``Endpoint._send``: a backstop. A CloudFront request that nothing answered is refused here, so no
   CloudFront request ever reaches the network while active (decisions 39).
3. ``Session.create_client``: CloudFront clients made while active get credentials without running the
   provider chain, which probes the EC2 metadata service over the network; mocked calls are never signed.
   A KeyValueStore data-plane client with no region gets ``us-east-1`` (its endpoint is global).

KeyValueStore data-plane clients also get one per-client wrap: botocore resolves their SigV4A auth scheme
before any event fires and fails without ``awscrt`` (api.md §2.5). While active, a missing CRT falls back
to the ruleset's own signing context; the call is answered at ``before-call`` and never signed.
"""

from __future__ import annotations

import sys
import threading
import weakref
from collections.abc import Callable
from typing import Any

from cfmock.errors import UnsupportedOperationError

MOCKED_SERVICES = frozenset({"cloudfront", "cloudfront-keyvaluestore"})
_HANDLER_ID = "cfmock-before-call"
_DUMMY_KEY = "cfmock-access-key"
_DUMMY_SECRET = "cfmock-secret-key"

_lock = threading.RLock()
_state: Any = None  # the MockState of the active outermost activation, or None
_generation = 0  # bumped at every install, so clients registered by an earlier activation re-register
_registered: weakref.WeakSet[Any] = weakref.WeakSet()
_originals: dict[str, Callable[..., Any]] = {}


def current_state() -> Any:
    return _state


def install(state: Any) -> None:
    """Activate interception with ``state``. Called by the outermost activation only."""
    global _state, _generation
    from botocore.client import BaseClient
    from botocore.endpoint import Endpoint
    from botocore.session import Session

    with _lock:
        if _state is not None:
            raise RuntimeError("cfmock interception is already installed")
        _generation += 1
        _originals["make_api_call"] = BaseClient._make_api_call
        _originals["send"] = Endpoint._send
        _originals["create_client"] = Session.create_client
        BaseClient._make_api_call = _make_api_call
        Endpoint._send = _send
        Session.create_client = _create_client
        _state = state


def uninstall() -> None:
    """Remove every patch and every handler registered on a client."""
    global _state
    from botocore.client import BaseClient
    from botocore.endpoint import Endpoint
    from botocore.session import Session

    with _lock:
        if _state is None:
            return
        BaseClient._make_api_call = _originals.pop("make_api_call")
        Endpoint._send = _originals.pop("send")
        Session.create_client = _originals.pop("create_client")
        for client in list(_registered):
            _unregister(client)
        _registered.clear()
        _state = None


def _make_api_call(client: Any, operation_name: str, api_params: Any) -> Any:
    if client.__dict__.get("_cfmock_generation") != _generation and _state is not None:
        _register(client)
    return _originals["make_api_call"](client, operation_name, api_params)


def _register(client: Any) -> None:
    model = client.meta.service_model
    if model.service_name not in MOCKED_SERVICES:
        return
    with _lock:
        if _state is None:
            return
        events = client.meta.events
        handler = _before_call_handler(weakref.ref(client))
        events.register_first(f"before-call.{model.service_id.hyphenize()}", handler, unique_id=_HANDLER_ID)
        client._endpoint._cfmock_guarded = True
        if model.service_name == "cloudfront-keyvaluestore" and client._ruleset_resolver is not None:
            _wrap_auth_resolution(client._ruleset_resolver)
        client.__dict__["_cfmock_generation"] = _generation
        _registered.add(client)


def _unregister(client: Any) -> None:
    service_id = client.meta.service_model.service_id.hyphenize()
    client.meta.events.unregister(f"before-call.{service_id}", unique_id=_HANDLER_ID)
    client._endpoint.__dict__.pop("_cfmock_guarded", None)
    if client._ruleset_resolver is not None:
        client._ruleset_resolver.__dict__.pop("auth_schemes_to_signing_ctx", None)
    client.__dict__.pop("_cfmock_generation", None)


def _wrap_auth_resolution(resolver: Any) -> None:
    original = type(resolver).auth_schemes_to_signing_ctx

    def auth_schemes_to_signing_ctx(auth_schemes: Any) -> Any:
        from botocore.exceptions import MissingDependencyException

        try:
            return original(resolver, auth_schemes)
        except MissingDependencyException:
            if _state is None:
                raise
            scheme = auth_schemes[0]
            context = {"signing_name": scheme.get("signingName")}
            if scheme.get("signingRegionSet"):
                context["region"] = ",".join(scheme["signingRegionSet"])
            return scheme["name"], context

    resolver.auth_schemes_to_signing_ctx = auth_schemes_to_signing_ctx


def _before_call_handler(client_ref: weakref.ref[Any]) -> Callable[..., Any]:
    # Imported here, not at module level, so `import cfmock` stays light; bound once per client, not per call.
    # Functions are looked up on their modules at call time, so tools can wrap them.
    from cfmock.service import dispatch as dispatching
    from cfmock.service.registry import find_handler
    from cfmock.wire import delivery

    def before_call(model: Any, params: Any, context: Any, **_kwargs: Any) -> Any:
        state = _state
        client = client_ref()
        if state is None or client is None:
            return None
        handler = find_handler(model.service_model.service_name, model.name)
        if handler is None:
            if _moto_active():
                _hand_to_moto(client)
                return None  # moto's before-send answers it
            raise UnsupportedOperationError(model.name)
        response = dispatching.dispatch(state, handler, model, params)
        return delivery.deliver(client, model, params.get("url", ""), response, context)

    return before_call


def _moto_active() -> bool:
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


def _hand_to_moto(client: Any) -> None:
    # moto only hooks clients created after `import moto`; make sure this one has its before-send handler.
    patch_client = getattr(sys.modules.get("moto.core.models"), "patch_client", None)
    if patch_client is not None:
        patch_client(client)


def _send(endpoint: Any, request: Any) -> Any:
    if endpoint.__dict__.get("_cfmock_guarded") and _state is not None:
        raise UnsupportedOperationError(
            "unknown",
            f"cfmock blocked a CloudFront request that no mock answered ({request.method} {request.url}); "
            "nothing was sent to AWS.",
        )
    return _originals["send"](endpoint, request)


def _create_client(session: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
    if service_name in MOCKED_SERVICES and _state is not None and args:
        # Positional arguments (region, api_version, …): name them, so the checks below see them.
        import inspect

        bound = inspect.signature(_originals["create_client"]).bind(session, service_name, *args, **kwargs)
        kwargs = {k: v for k, v in bound.arguments.items() if k not in ("self", "service_name")}
        args = ()
    if (
        service_name in MOCKED_SERVICES
        and _state is not None
        and kwargs.get("aws_access_key_id") is None
        and session._credentials is None
    ):
        kwargs["aws_access_key_id"] = _DUMMY_KEY
        kwargs["aws_secret_access_key"] = _DUMMY_SECRET
    if (
        service_name == "cloudfront-keyvaluestore"
        and _state is not None
        and kwargs.get("region_name") is None
        and session.get_config_variable("region") is None
    ):
        kwargs["region_name"] = "us-east-1"
    return _originals["create_client"](session, service_name, *args, **kwargs)
