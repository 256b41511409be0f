"""HTTPS for ``make run``: the clinic's certificate or a self-signed one, and the plain
loopback listener that serves the services their own JWKS meanwhile."""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from hms_embedded.certificate import self_signed_certificate

JWKS_PATH = "/api/auth/.well-known/jwks.json"


@dataclass(frozen=True)
class Tls:
    """The certificate and key (PEM) of ``make run``'s HTTPS."""

    certfile: Path
    keyfile: Path

    @classmethod
    def from_environment(cls, data_dir: Path, host: str) -> Tls | None:
        """HMS_TLS_CERT and HMS_TLS_KEY (the clinic's own), or HMS_TLS=self-signed: a
        certificate made at first start in ``<data dir>/tls.pem`` (localhost, 127.0.0.1, this
        machine's name and HMS_HOST), kept for the next starts. Neither: plain HTTP."""
        cert, key = os.environ.get("HMS_TLS_CERT", ""), os.environ.get("HMS_TLS_KEY", "")
        mode = os.environ.get("HMS_TLS", "").strip().lower()
        if cert or key:
            if not (cert and key):
                raise SystemExit("HTTPS needs both HMS_TLS_CERT and HMS_TLS_KEY (PEM files)")
            tls = cls(Path(cert), Path(key))
        elif mode in ("", "0", "off", "false", "no"):
            return None
        elif mode in ("self-signed", "1", "on", "true", "yes"):
            names = ["localhost", "127.0.0.1", socket.gethostname()]
            if host not in ("0.0.0.0", "::", *names):
                names.append(host)
            pem = self_signed_certificate(data_dir / "tls.pem", tuple(names))
            tls = cls(pem, pem)
        else:
            raise SystemExit(f"HMS_TLS={mode!r}: use self-signed (or set HMS_TLS_CERT and "
                             "HMS_TLS_KEY)")
        try:  # a wrong file or a key of another certificate: one line now, not a traceback
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
                tls.certfile, tls.keyfile)
        except (OSError, ssl.SSLError) as error:
            raise SystemExit(f"HTTPS: cannot use {tls.certfile} with {tls.keyfile}: "
                             f"{getattr(error, 'strerror', None) or error}") from None
        return tls


class JwksOnly:
    """With HTTPS on, the services fetch auth's JWKS from this process over a plain loopback
    listener that answers only that public document (404 for anything else): the services'
    HTTP client need not trust a self-signed certificate, and nothing else is served
    unencrypted."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == JWKS_PATH:
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await Response(status_code=404)(scope, receive, send)


class Sidecar(uvicorn.Server):
    """A second server in the same loop: the main server handles the stop signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def loopback_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock
