"""idempotency_keys: the first response to each keyed write, per caller and key, kept with the
write's effect (hms_platform.idempotency)

Revision ID: 0005
Revises: 0004
"""

from hms_platform.migrations import idempotency_keys

revision, down_revision = "0005", "0004"
upgrade, downgrade = idempotency_keys("appointments")
