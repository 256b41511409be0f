"""reporting schema: messaging, token revocations, the event store (by event id), the read
models (appointments, tickets, penalties, notifications, people) with their report indexes,
and the append-only audit log (no UPDATE, DELETE or TRUNCATE for the role that owns it)

Revision ID: 0001
"""

from alembic import op

from hms_platform.migrations import create_messaging_tables, create_revocation_table
from hms_reporting.adapters import orm

revision = "0001"
down_revision = None
S = "reporting"
# The first revision creates the tables as orm.py defines them; later changes to orm.py come
# with their own revision.
CREATED = (orm.events, *orm.READ_MODELS, orm.audit_log)


def upgrade() -> None:
    create_messaging_tables(S)
    create_revocation_table(S)
    orm.metadata.create_all(op.get_bind(), tables=list(CREATED))
    # The owner (the service's role, which runs this) gives up changing the audit log; a
    # trigger also refuses UPDATE and DELETE to anyone who still holds the privilege.
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {S}.audit_log FROM CURRENT_USER")
    op.execute(f"""
        CREATE FUNCTION {S}.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute(f"""
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON {S}.audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION {S}.audit_log_append_only()""")


def downgrade() -> None:
    for table in reversed(CREATED):
        op.drop_table(table.name, schema=S)
    op.execute(f"DROP FUNCTION {S}.audit_log_append_only()")
    for table in ("token_revocations", "inbox", "outbox"):
        op.drop_table(table, schema=S)
