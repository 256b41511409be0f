"""One ASGI app in front of the services' apps, routing by path prefix like the gateway."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from starlette.types import ASGIApp, Receive, Scope, Send

from hms_platform.web.docs import SERVICES
from hms_platform.web.problems import problem_response

# Every service's paths, as the gateway routes them (reporting's are three).
PATHS = ", ".join(f"{prefix}/..." for s in SERVICES for prefix in s.prefixes)


class PrefixDispatcher:
    """Routes ``/api/auth/...`` to the auth app and so on (paths are not rewritten: every
    service's routes already carry the gateway's prefix); an app may answer under several
    prefixes (reporting's three). Runs every app's lifespan, once."""

    def __init__(self, apps: Mapping[str, ASGIApp]) -> None:
        self.apps = sorted(apps.items(), key=lambda kv: -len(kv[0]))
        self.distinct = list({id(app): app for app in apps.values()}.values())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path = scope.get("path", "")
        for prefix, app in self.apps:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                await app(scope, receive, send)
                return
        if scope["type"] == "http":
            response = problem_response(
                404, "Not Found", f"No service answers this path. The services answer {PATHS}; "
                "/api lists them, /api/docs documents them.")
            await response(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        assert message["type"] == "lifespan.startup"
        async with contextlib.AsyncExitStack() as stack:
            try:
                for app in self.distinct:
                    router = getattr(app, "router", None)
                    if router is not None:
                        await stack.enter_async_context(router.lifespan_context(app))
            except Exception as exc:
                await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                return
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
        await send({"type": "lifespan.shutdown.complete"})
