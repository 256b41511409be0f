"""field_times on auth.users: per field, when it was last written and whether by staff, for
offline writes' last-write-wins (hms_platform.migrations.field_times)

Revision ID: 0005
Revises: 0004
"""

from hms_platform.migrations import field_times

revision, down_revision = "0005", "0004"
upgrade, downgrade = field_times("auth", "users")
