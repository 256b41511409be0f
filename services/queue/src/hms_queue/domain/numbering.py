"""Ticket numbers: a letter per line (its order of opening that clinic day: A, B, ...) and a
counter per line, shown as ``A-012``. Unique for the line and the day."""

from __future__ import annotations

import string


def line_letter(lines_opened_before: int) -> str:
    return string.ascii_uppercase[lines_opened_before % 26]


def label(letter: str, number: int) -> str:
    return f"{letter}-{number:03d}"
