"""The web apps' built files (``web/dist``: the staff app at ``/``, the patient app at
``/patient/``), served to browsers: by ``make run`` itself, and by ``hms-web``
(``python -m hms_platform.web.site``) behind the gateway of ``make dev``. Compose and
Kubernetes serve the same build with nginx under the same headers (``deploy/web/nginx.conf``).

- Every answer carries the app's Content-Security-Policy: scripts, styles, images, fonts,
  requests, workers and the manifest from this origin only, no inline script or style, no
  framing, no plugin, no base or form target elsewhere.
- ``/assets/...`` and ``/patient/assets/...`` (names carry a content hash) may be cached for a
  year; everything else
  (``index.html``, the service worker, the manifest, icons) is revalidated on every load, so a
  new build reaches every screen on its next load.
- A path with no file extension that is not a file is one of the apps' own pages: under
  ``/patient`` (``/patient/ticket``) it gets ``patient/index.html``, anywhere else (``/desk``,
  ``/admin/reports``) ``index.html``, and that app's router takes it. A missing file with an
  extension is a 404.
- Only GET and HEAD."""

from __future__ import annotations

import argparse
import os
from pathlib import Path, PurePosixPath

from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_COMMON = {"content-security-policy": APP_CSP, "x-content-type-options": "nosniff",
           "referrer-policy": "no-referrer", "x-frame-options": "DENY"}
# Made once: hashed assets, and everything else.
_ASSET_HEADERS = {**_COMMON, "cache-control": IMMUTABLE}
_SHELL_HEADERS = {**_COMMON, "cache-control": REVALIDATE}
# The second app (the patient's) lives under this prefix, with its own shell and assets.
PATIENT = "/patient"
_HASHED = ("/assets/", f"{PATIENT}/assets/")


class StaticSite:
    """An ASGI app over a built web app's folder (see the module)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = StaticFiles(directory=root, html=False, check_dir=False)

    @property
    def built(self) -> bool:
        return (self.root / "index.html").is_file()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        response = await self._response(scope)
        headers = _ASSET_HEADERS if scope.get("path", "/").startswith(_HASHED) \
            else _SHELL_HEADERS
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        await response(scope, receive, send)

    async def _response(self, scope: Scope) -> Response:
        if scope["method"] not in ("GET", "HEAD"):
            return PlainTextResponse("Method Not Allowed", 405, headers={"Allow": "GET, HEAD"})
        path = scope.get("path", "/")
        try:
            return await self.files.get_response(self.files.get_path(scope), scope)
        except HTTPException as error:
            if error.status_code != 404 or "." in PurePosixPath(path).name:
                return PlainTextResponse(str(error.detail), error.status_code)
        # One of the apps' own pages: the router in that app's index.html takes it.
        shell = "patient/index.html" if path == PATIENT or path.startswith(f"{PATIENT}/") \
            else "index.html"
        return await self.files.get_response(shell, scope)


def default_root() -> Path:
    """``HMS_WEB_ROOT``, else the repository's ``web/dist`` (a checkout's ``make run``)."""
    configured = os.environ.get("HMS_WEB_ROOT")
    return Path(configured) if configured else Path.cwd() / "web" / "dist"


def main(argv: list[str] | None = None) -> None:
    """``hms-web``: the built app on its own port (``make dev`` puts it behind the gateway)."""
    import uvicorn

    parser = argparse.ArgumentParser(description="Serve the staff web app's build.")
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args(argv)
    site = StaticSite(args.root or default_root())
    if not site.built:
        raise SystemExit(f"no web build at {site.root}: run make web")
    uvicorn.run(site, host=args.host, port=args.port, log_level="warning", server_header=False)


if __name__ == "__main__":
    main()
