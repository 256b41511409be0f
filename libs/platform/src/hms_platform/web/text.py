"""Text a request may carry into Postgres: its `text` cannot hold NUL, and a lone surrogate
cannot be encoded as UTF-8 (either would be a 500 from the database instead of a 422)."""

from __future__ import annotations

from pydantic import AfterValidator


def encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return encodable(value)


Encodable = AfterValidator(encodable)  # e.g. a password: hashed, never stored as it is
Storable = AfterValidator(storable)
