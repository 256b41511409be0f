"""Per-service database roles: each service's schema is owned by its own login role, which has
no rights on any other service's schema: each service owns its data, and others learn of it
only through events (docs/architecture.md).

Run once per service with an administrator's connection (compose's one-shot job, the local
runner, tests)::

    python -m hms_platform.provision --admin-url postgresql://postgres@db/hms \\
        --service auth --role hms_auth --password "$AUTH_DB_PASSWORD"
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re

import asyncpg

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return f'"{name}"'


async def provision_service(
    conn: asyncpg.Connection,
    *,
    schema: str,
    role: str,
    password: str | None,
    extensions: tuple[str, ...] = (),
) -> None:
    """Create (or update) ``role`` and make it the owner of ``schema``; idempotent.

    ``extensions`` (e.g. ``btree_gist`` for exclusion constraints) are created by the
    administrator in ``public``, since the service role may not create them itself; a
    migration's ``CREATE EXTENSION IF NOT EXISTS`` then finds them there.
    """
    r, s = _ident(role), _ident(schema)
    async with conn.transaction():
        for extension in extensions:
            await conn.execute(f"CREATE EXTENSION IF NOT EXISTS {_ident(extension)} SCHEMA public")
        # Serialise concurrent provisioning of the same role (CREATE ROLE has no IF NOT EXISTS).
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", role)
        exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
        if not exists:
            await conn.execute(f"CREATE ROLE {r} LOGIN")
        if password is not None:
            # Parameters can't be bound in utility statements; quote_literal does the escaping.
            literal = await conn.fetchval("SELECT quote_literal($1)", password)
            await conn.execute(f"ALTER ROLE {r} PASSWORD {literal}")
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {s} AUTHORIZATION {r}")
        await conn.execute(f"ALTER SCHEMA {s} OWNER TO {r}")
        await conn.execute(f"REVOKE ALL ON SCHEMA {s} FROM PUBLIC")
        await conn.execute(f"ALTER ROLE {r} SET search_path = {s}")
        # PostgreSQL 15 already revokes this by default; older servers do not.
        await conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")


async def _main(args: argparse.Namespace) -> None:
    conn = await asyncpg.connect(args.admin_url)
    try:
        await provision_service(conn, schema=args.service, role=args.role or f"hms_{args.service}",
                                password=args.password or os.environ.get("HMS_DB_PASSWORD"),
                                extensions=tuple(args.extension))
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--admin-url", required=True)
    parser.add_argument("--service", required=True, help="the service's schema, e.g. auth")
    parser.add_argument("--role", help="default: hms_<service>")
    parser.add_argument("--password", help="default: $HMS_DB_PASSWORD")
    parser.add_argument("--extension", action="append", default=[],
                        help="an extension the service's migrations need, e.g. btree_gist")
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
