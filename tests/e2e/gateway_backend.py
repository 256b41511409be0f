"""A minimal backend for the gateway's own tests, run as its own process: it answers every
service's /readyz, refuses sign-ins (401) like auth would for a bad password, serves event
streams (the queue's: one that ends, and others that last until the client leaves), and echoes
what it saw of each request, with its replica name. The gateway, HAProxy, is the real one."""

from __future__ import annotations

import argparse
import asyncio
import json
import socket

import uvicorn


async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    path = scope["path"]
    if path == "/api/queue/doctors/x/stream":  # server-sent events, two seconds apart
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})
        await send({"type": "http.response.body", "body": b"data: first\n\n", "more_body": True})
        await asyncio.sleep(2)
        await send({"type": "http.response.body", "body": b"data: second\n\n"})
        return
    if path.startswith("/api/queue/") and path.endswith("/stream"):
        await event_stream(receive, send, ends=b"end=1" in scope["query_string"])
        return
    if path.endswith("/readyz"):
        status, body = 200, {"status": "ready"}
    elif path == "/api/auth/token":
        status, body = 401, {"title": "Unauthorized", "status": 401, "path": path}
    else:
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        status, body = 200, {"replica": NAME, "path": path,
                             "x_forwarded_for": headers.get("x-forwarded-for"),
                             "x_request_id": headers.get("x-request-id")}
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


async def event_stream(receive, send, ends: bool) -> None:  # type: ignore[no-untyped-def]
    """An event at once, then (unless it ``ends``) a heartbeat a second until the client leaves."""
    left = asyncio.ensure_future(receive())  # http.disconnect, once the client has gone
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/event-stream")]})
    await send({"type": "http.response.body", "body": b"data: hello\n\n", "more_body": not ends})
    while not ends and not left.done():
        await asyncio.wait([left], timeout=1.0)
        if not left.done():
            await send({"type": "http.response.body", "body": b": heartbeat\n\n",
                        "more_body": True})
    left.cancel()


NAME = ""

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--fd", type=int, required=True, help="a listening socket to serve on")
    parser.add_argument("--name", required=True)
    args = parser.parse_args()
    NAME = args.name
    sock = socket.socket(fileno=args.fd)  # bound by the test: no port to race for
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
