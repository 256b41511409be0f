"""Email over SMTP (aiosmtplib), STARTTLS when configured."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from hms_notifications.domain.delivery import Failed, Outcome, Retry, Sent
from hms_notifications.domain.model import Message
from hms_notifications.domain.templates import Rendered


class SmtpChannel:
    name = "email"

    def __init__(self, host: str, port: int, *, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False,
                 timeout: float = 10) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._username, self._password = username, password
        self._starttls, self._timeout = starttls, timeout

    async def send(self, address: str | tuple[str, ...], text: Rendered,
                   message: Message) -> Outcome:
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = self._sender, str(address), text.title
        email["Message-ID"] = msgid = make_msgid(idstring=message.id.hex, domain="hms.local")
        email.set_content(text.body)
        try:
            await aiosmtplib.send(
                email, hostname=self._host, port=self._port, username=self._username,
                password=self._password, start_tls=self._starttls,
                timeout=self._timeout)
        except aiosmtplib.SMTPRecipientsRefused:
            return Failed("smtp: recipient refused")
        except aiosmtplib.SMTPResponseException as error:
            if error.code >= 500:
                return Failed(f"smtp {error.code}")
            return Retry(f"smtp {error.code}")
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            return Retry(f"smtp: {type(error).__name__}")
        return Sent(msgid)

    async def close(self) -> None:
        return None
