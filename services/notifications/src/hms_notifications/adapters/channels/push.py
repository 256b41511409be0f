"""The push channel: each device to the client that speaks its kind, Web Push for a browser's
subscription (JSON), FCM (or the console) for a registration token, and one outcome for the
message (delivery.combine: any device reached is sent, the dead ones dropped). A device of a
kind this server has no client for is left alone: not sent to, not dead."""

from __future__ import annotations

import asyncio

from hms_notifications.domain.delivery import Outcome, Undeliverable, combine
from hms_notifications.domain.model import Message
from hms_notifications.domain.subscriptions import is_subscription
from hms_notifications.domain.templates import Rendered
from hms_notifications.service_layer.ports import Channel


class PushRouter:
    name = "push"

    def __init__(self, *, webpush: Channel | None, fcm: Channel | None) -> None:
        self.webpush, self.fcm = webpush, fcm

    async def send(self, address: str | tuple[str, ...], text: Rendered,
                   message: Message) -> Outcome:
        devices = (address,) if isinstance(address, str) else address
        subscriptions = tuple(d for d in devices if is_subscription(d))
        tokens = tuple(d for d in devices if not is_subscription(d))
        outcomes = await asyncio.gather(*(
            client.send(own, text, message)
            for client, own in ((self.webpush, subscriptions), (self.fcm, tokens))
            if client is not None and own))
        if not outcomes:
            return Undeliverable("push: no device this server can reach")
        return combine(outcomes)

    async def close(self) -> None:
        for client in (self.webpush, self.fcm):
            close = getattr(client, "close", None)
            if close is not None:
                await close()
