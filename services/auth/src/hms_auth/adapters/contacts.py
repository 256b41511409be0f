"""Phone numbers (libphonenumber, to E.164) and email addresses (email-validator)."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from hms_auth.domain.errors import InvalidEmail, InvalidPhoneNumber


class PhoneEmailValidator:
    def __init__(self, default_region: str) -> None:
        self.default_region = default_region.upper()  # for numbers written without "+country"

    def phone(self, raw: str) -> str:
        number = self.maybe_phone(raw)
        if number is None:
            raise InvalidPhoneNumber()
        return number

    def maybe_phone(self, raw: str) -> str | None:
        try:
            parsed = phonenumbers.parse(raw, self.default_region)
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_valid_number(parsed):
            return None
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    def email(self, raw: str) -> str:
        try:
            # No DNS: registration must not depend on, or leak timing through, the resolver.
            return validate_email(raw, check_deliverability=False).normalized
        except (EmailNotValidError, UnicodeError, ValueError):
            raise InvalidEmail() from None
