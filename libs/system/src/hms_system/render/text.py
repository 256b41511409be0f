"""Small helpers the text renderers share: YAML scalars and comment blocks."""

from __future__ import annotations

import json
import re
import textwrap

# A plain YAML scalar that reads back as the same string: no leading indicator, no ": " or
# " #", not a number, boolean or null.
_PLAIN = re.compile(r"^[A-Za-z0-9_./$][^#]*$")
_NOT_STRINGS = re.compile(
    r"^([-+]?[0-9][0-9_.:eE+-]*|true|false|yes|no|on|off|null|~)$", re.IGNORECASE)


def scalar(value: str) -> str:
    if _PLAIN.match(value) and ": " not in value and not _NOT_STRINGS.match(value) \
            and not value.endswith(":"):
        return value
    return json.dumps(value)


def comment(text: str, indent: str = "") -> list[str]:
    """``# ...`` lines, one per line of ``text``."""
    return [f"{indent}# {line}" for line in text.splitlines()] if text else []


def wrapped(text: str, indent: str = "", width: int = 100) -> list[str]:
    """``# ...`` lines of ``text`` wrapped at ``width`` characters."""
    return [f"{indent}# {line}" for line in textwrap.wrap(text, width - len(indent) - 2)]
