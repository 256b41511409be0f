"""The tables the platform owns in a service's schema, declared in one call on its MetaData:
the outbox and inbox (hms_platform.outbox), the keyed writes' first responses
(hms_platform.idempotency), and the revoked tokens and auth's signing key ids
(hms_platform.revocation). auth declares its own (it keeps no revocations and has a key
store), the other services ``platform_tables(metadata, SCHEMA)``."""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa

from hms_platform.idempotency import idempotency_table
from hms_platform.outbox.tables import OutboxTables
from hms_platform.revocation import revocation_table, signing_key_table


class PlatformTables(NamedTuple):
    outbox: OutboxTables  # events out (the relay) and in (the consumer's inbox)
    idempotency: sa.Table  # keyed writes' first responses
    revocations: sa.Table  # access tokens revoked by auth
    signing_keys: sa.Table  # auth's key ids, retired ones refused


def platform_tables(metadata: sa.MetaData, schema: str) -> PlatformTables:
    return PlatformTables(
        OutboxTables(metadata, schema), idempotency_table(metadata, schema),
        revocation_table(metadata, schema), signing_key_table(metadata, schema))
