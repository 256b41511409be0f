from hms_platform.outbox.relay import OutboxRelay
from hms_platform.outbox.tables import OutboxTables

__all__ = ["OutboxRelay", "OutboxTables"]
