"""field_times on queue.tickets: per field, when it was last written and whether by staff, for
offline writes' last-write-wins (hms_platform.migrations.field_times)

Revision ID: 0006
Revises: 0005
"""

from hms_platform.migrations import field_times

revision, down_revision = "0006", "0005"
upgrade, downgrade = field_times("queue", "tickets")
