"""The console channel (embedded run, development): each message goes to the log, with the
recipient masked by the log setup and a one-time code never shown."""

from __future__ import annotations

import structlog

from hms_notifications.domain.delivery import Outcome, Sent
from hms_notifications.domain.model import CODE_KINDS, Message
from hms_notifications.domain.templates import Rendered

log = structlog.get_logger("hms_notifications.console")


class ConsoleChannel:
    def __init__(self, name: str) -> None:
        self.name = name

    async def send(self, address: str | tuple[str, ...], text: Rendered,
                   message: Message) -> Outcome:
        body = "(a one-time code; not shown in logs)" if message.kind in CODE_KINDS else text.body
        to = address if isinstance(address, str) else f"{len(address)} device(s)"
        log.info("notification.console", channel=self.name, kind=message.kind, to=to,
                 title=text.title, body=body, notification_id=str(message.id))
        return Sent(f"console-{message.id}")

    async def close(self) -> None:
        return None
