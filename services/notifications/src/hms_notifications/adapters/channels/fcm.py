"""Push through FCM HTTP v1 over httpx. The OAuth access token comes from the service
account's key by the JWT bearer grant (RFC 7523), through Authlib's httpx
``AsyncAssertionClient``, and is kept until shortly (60 s) before it expires."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import httpx
from joserfc.jwk import RSAKey

with warnings.catch_warnings():  # Authlib 1.9 announces a move to "httpx2"; httpx is current
    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import AsyncAssertionClient, OAuthError

from hms_notifications.adapters.channels.http import retry_after_seconds
from hms_notifications.domain.delivery import (
    Failed,
    Outcome,
    Retry,
    Sent,
    Undeliverable,
    combine,
)
from hms_notifications.domain.model import Message
from hms_notifications.domain.templates import Rendered

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
_DEAD = {"UNREGISTERED", "NOT_FOUND"}


def _error_code(response: httpx.Response) -> str:
    try:
        error = response.json().get("error", {})
        codes = [d.get("errorCode") for d in error.get("details", []) if isinstance(d, dict)]
        return next((c for c in codes if c), error.get("status", ""))
    except (ValueError, AttributeError):
        return ""


def _retry_after(response: httpx.Response) -> float | None:
    return retry_after_seconds(response.headers.get("Retry-After"))


class FcmChannel:
    name = "push"

    def __init__(self, project_id: str, key: dict[str, Any], *,
                 base_url: str = "https://fcm.googleapis.com", token_url: str | None = None,
                 timeout: float = 10) -> None:
        endpoint = token_url or key["token_uri"]
        self._oauth = AsyncAssertionClient(
            token_endpoint=endpoint, issuer=key["client_email"], subject=None,
            audience=key.get("token_uri", endpoint), claims={"scope": SCOPE},
            key=RSAKey.import_key(key["private_key"]),
            header={"alg": "RS256", "kid": key.get("private_key_id")}, timeout=timeout)
        self._http = httpx.AsyncClient(timeout=timeout)
        self._url = f"{base_url.rstrip('/')}/v1/projects/{project_id}/messages:send"
        self._lock = asyncio.Lock()
        self._stale = False

    async def _access_token(self) -> str:
        async with self._lock:  # one refresh at a time, however many pushes wait for it
            token = self._oauth.token
            if not token or token.is_expired() or self._stale:
                await self._oauth.refresh_token()
                self._stale = False
            return str(self._oauth.token["access_token"])

    async def send(self, address: str | tuple[str, ...], text: Rendered,
                   message: Message) -> Outcome:
        tokens = (address,) if isinstance(address, str) else address
        try:
            bearer = await self._access_token()
        except OAuthError as error:
            return Retry(f"fcm token: {error.error}")
        except (httpx.HTTPError, KeyError, ValueError) as error:
            return Retry(f"fcm token: {type(error).__name__}")
        return combine(await asyncio.gather(*(self._one(bearer, t, text, message)
                                              for t in tokens)))

    async def _one(self, bearer: str, token: str, text: Rendered, message: Message) -> Outcome:
        body = {"message": {"token": token,
                            "notification": {"title": text.title, "body": text.body},
                            "data": {"kind": message.kind, "notification_id": str(message.id)}}}
        try:
            response = await self._http.post(
                self._url, json=body, headers={"Authorization": f"Bearer {bearer}"})
        except httpx.HTTPError as error:
            return Retry(f"fcm: {type(error).__name__}")
        if response.status_code == 200:
            return Sent(str(response.json().get("name", "")))
        code = _error_code(response)
        if response.status_code == 404 or code in _DEAD:
            return Undeliverable("push: token unregistered", (token,))
        if response.status_code == 401:
            self._stale = True  # fetch a new one next time
            return Retry("fcm 401")
        if response.status_code == 429 or response.status_code >= 500:
            return Retry(f"fcm {response.status_code}", _retry_after(response))
        return Failed(f"fcm {response.status_code} {code}".strip())

    async def close(self) -> None:
        await self._http.aclose()
        await self._oauth.aclose()
