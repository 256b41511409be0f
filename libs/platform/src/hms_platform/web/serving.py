"""Serving an API with uvicorn, the one way every HMS process does it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import FrameType
from typing import Any, NamedTuple, Protocol, TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

from hms_platform.logging import configure_logging
from hms_platform.settings import IpNetwork, ServiceSettings
from hms_platform.web.connection_guard import guarded_protocol

S = TypeVar("S", bound=ServiceSettings)


def uvicorn_config(app: ASGIApp, *, host: str, port: int, header_timeout: float = 10.0,
                   max_connections_per_client: int | None = None,
                   uncapped: Sequence[IpNetwork] = (), **options: Any) -> uvicorn.Config:
    """uvicorn's settings for every HMS server:

    - ``proxy_headers=False``: uvicorn would otherwise believe X-Forwarded-For from
      FORWARDED_ALLOW_IPS (127.0.0.1 by default), so any local client could pick its own
      address. The platform's ClientAddressMiddleware judges the header with the service's
      ``trusted_proxies`` instead.
    - ``log_config=None``: uvicorn's loggers go through ``configure_logging``.
    - ``server_header=False``: no software version advertised.
    - ``http``: uvicorn's httptools protocol with a deadline for each request's headers
      (``header_timeout`` seconds, then 408) and, when ``max_connections_per_client`` is set, a
      cap on one address's open connections (then 429), ``uncapped`` networks excepted
      (``hms_platform.web.connection_guard``).
    """
    for fixed in ("proxy_headers", "forwarded_allow_ips", "log_config", "http"):
        if fixed in options:
            raise TypeError(f"{fixed} is fixed by the platform")
    options.setdefault("server_header", False)
    protocol = guarded_protocol(header_timeout=header_timeout,
                                max_per_client=max_connections_per_client, exempt=uncapped)
    return uvicorn.Config(app, host=host, port=port, proxy_headers=False, log_config=None,
                          http=protocol, **options)


def on_stop_signal(app: Starlette, hook: Callable[[], None]) -> None:
    """Call ``hook`` (in the event loop) as soon as the server serving ``app`` is told to stop,
    before its graceful shutdown waits for the open responses: what ends the app's responses
    that never finish by themselves, such as event streams."""
    hooks: list[Callable[[], None]] = getattr(app.state, "stop_signal_hooks", [])
    app.state.stop_signal_hooks = [*hooks, hook]


class _Server(uvicorn.Server):
    """uvicorn, calling the app's stop-signal hooks (:func:`on_stop_signal`) when it is told
    to stop."""

    def __init__(self, config: uvicorn.Config, hooks: Sequence[Callable[[], None]]) -> None:
        super().__init__(config)
        self._hooks = hooks

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        loop = asyncio.get_event_loop()
        for hook in self._hooks:
            loop.call_soon_threadsafe(hook)
        super().handle_exit(sig, frame)


def serve_api(app: ASGIApp, *, host: str, port: int, **options: Any) -> None:
    """Serve ``app`` until SIGINT/SIGTERM (call ``configure_logging`` first); its stop-signal
    hooks (:func:`on_stop_signal`) run as soon as a signal comes. SIGINT exits with status 130
    every time: the SIGINT uvicorn re-raises after its graceful shutdown can reach the event
    loop's runner just as the server finishes, which then returns normally."""
    state = getattr(app, "state", None)
    hooks: Sequence[Callable[[], None]] = getattr(state, "stop_signal_hooks", ())
    server = _Server(uvicorn_config(app, host=host, port=port, **options), hooks)
    with exit_quietly_on_interrupt():
        server.run()
    if server.should_exit:  # only a signal sets it here; SIGTERM's re-raise ends the process
        raise SystemExit(130)


def serve_service(settings: S, create_app: Callable[[S], ASGIApp], *, host: str,
                  port: int, **options: Any) -> None:
    """A service's API process: its logging configured, then its app served (``options``:
    uvicorn's, as :func:`uvicorn_config` allows). X-Forwarded-For is judged by the app with
    the service's ``trusted_proxies``, never by uvicorn."""
    configure_logging(json=settings.json_logs, level=settings.log_level)
    serve_api(create_app(settings), host=host, port=port, **options)


def api_main(serve: Callable[[str, int], None], *, prog: str, port: int,
             host: str = "127.0.0.1", description: str | None = None,
             argv: list[str] | None = None) -> None:
    """``python -m <service>.entrypoints.api [--host H] [--port P]``: the arguments, then
    ``serve(host, port)``."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default=host)
    parser.add_argument("--port", type=int, default=port)
    args = parser.parse_args(argv)
    serve(args.host, args.port)


class ApiMain(Protocol):
    def __call__(self, argv: list[str] | None = None) -> None: ...


class ApiProcess(NamedTuple):
    """A service's ``entrypoints/api/__main__.py``: ``serve(host, port)`` (what ``hms-<name>
    api`` calls) and ``main(argv)`` (``python -m <package>.entrypoints.api``)."""

    serve: Callable[[str, int], None]
    main: ApiMain


def api_process(settings_type: Callable[[], S], create_app: Callable[[S], ASGIApp], *,
                prog: str, port: int, description: str | None = None,
                options: Callable[[S], Mapping[str, Any]] | None = None) -> ApiProcess:
    """The API process of a service: :func:`serve_service` on ``settings_type()`` (with
    uvicorn's ``options(settings)``, if given), behind :func:`api_main`'s arguments."""

    def serve(host: str, port: int) -> None:
        settings = settings_type()
        serve_service(settings, create_app, host=host, port=port,
                      **(options(settings) if options is not None else {}))

    def main(argv: list[str] | None = None) -> None:
        api_main(serve, prog=prog, port=port, description=description, argv=argv)

    return ApiProcess(serve, main)


@contextlib.contextmanager
def exit_quietly_on_interrupt() -> Iterator[None]:
    """After a graceful shutdown uvicorn re-raises SIGINT; Python would then print a
    KeyboardInterrupt traceback to stderr, and a stderr nobody drains (a stalled log pipe)
    would hang the exit there. Exit with the usual status for SIGINT instead."""
    try:
        yield
    except KeyboardInterrupt:
        raise SystemExit(130) from None
