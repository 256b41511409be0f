"""Before a reclaimed message goes out again: did the provider already take it? A sender killed
after the provider took a message and before it recorded so leaves the row ``sending``; the
sender that claims it once the lease ended asks the provider (only where the provider can be
asked: Twilio's Messages list) and records what it finds instead of sending a second copy.
Anything uncertain sends: a lost message is worse than a double."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import structlog

from hms_notifications.domain import model as m
from hms_notifications.domain.delivery import Sent
from hms_notifications.domain.templates import Rendered
from hms_notifications.service_layer.ports import Channel, Traceable, UnitOfWork

log = structlog.get_logger(__name__)

# The provider's clock against ours, and its times to the second (Twilio's date_created).
CLOCK_SLACK = timedelta(seconds=2)


async def taken_already(msg: m.Message, channel: Channel, address: str | tuple[str, ...],
                        text: Rendered, new_uow: Callable[[], UnitOfWork],
                        found_in_batch: set[str]) -> Sent | None:
    """The provider's record of ``msg`` (a reclaimed message), or None: send it.

    Looked for since the message was due (no attempt since then ended in a recorded outcome,
    so any copy the provider took since is this message's), with exactly its text, to its
    address. A copy already recorded for another message of the log (the same text to the
    same person, say two tickets' "2 people ahead"), or already claimed by another message of
    this batch, is not this one's."""
    if not msg.reclaimed or not isinstance(channel, Traceable) or not isinstance(address, str):
        return None
    try:
        candidates = await channel.sent_since(address, text, msg.due_at - CLOCK_SLACK)
        if not candidates:
            log.info("notification.not_at_provider", notification_id=str(msg.id),
                     channel=msg.channel)
            return None
        async with new_uow() as uow:
            recorded = await uow.messages.provider_ids_taken(candidates)
    except Exception as error:  # the provider or the database cannot tell: send
        log.warning("notification.lookup_failed", notification_id=str(msg.id),
                    channel=msg.channel, error=type(error).__name__)
        return None
    free = [sid for sid in candidates if sid not in recorded and sid not in found_in_batch]
    if not free:
        return None
    found_in_batch.add(free[0])  # no await since the check: no other task took it meanwhile
    log.info("notification.found_at_provider", notification_id=str(msg.id),
             channel=msg.channel, provider_id=free[0])
    return Sent(free[0])
