"""sync schema: messaging, token revocations and signing key ids, idempotency keys, and the
feed (one row per record, with the transaction that last wrote it for the pull's cursor)

Revision ID: 0001
"""

from alembic import op

from hms_platform.migrations import (
    create_messaging_tables,
    create_revocation_table,
    create_signing_key_table,
    idempotency_keys,
)
from hms_sync.adapters import orm

revision = "0001"
down_revision = None
S = "sync"
_keys_up, _keys_down = idempotency_keys(S)


def upgrade() -> None:
    create_messaging_tables(S)
    create_revocation_table(S)
    create_signing_key_table(S)
    _keys_up()
    orm.SEQ.create(op.get_bind())
    orm.metadata.create_all(op.get_bind(), tables=[orm.changes])


def downgrade() -> None:
    op.drop_table("changes", schema=S)
    orm.SEQ.drop(op.get_bind())
    _keys_down()
    for table in ("signing_key_ids", "token_revocations", "inbox", "outbox"):
        op.drop_table(table, schema=S)
