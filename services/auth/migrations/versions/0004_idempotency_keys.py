"""idempotency_keys: the first response to each keyed write, per caller and key, kept with the
write's effect (hms_platform.idempotency)

Revision ID: 0004
Revises: 0003
"""

from hms_platform.migrations import idempotency_keys

revision, down_revision = "0004", "0003"
upgrade, downgrade = idempotency_keys("auth")
