"""PostgreSQL URLs: the services' SQLAlchemy URLs (``postgresql+asyncpg://``) as plain libpq."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import URL, make_url


def libpq_url(url: str | URL, **changes: Any) -> str:
    """``url`` as plain libpq (for ``asyncpg.connect``, LISTEN, admin work), with ``changes``
    (``database=``, ``username=``, ``password=``...) applied."""
    return make_url(url).set(drivername="postgresql", **changes).render_as_string(
        hide_password=False)
