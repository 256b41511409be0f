"""idempotency_keys: the first response to each keyed write, per caller and key, kept with the
write's effect (hms_platform.idempotency)

Revision ID: 0003
Revises: 0002
"""

from hms_platform.migrations import idempotency_keys

revision, down_revision = "0003", "0002"
upgrade, downgrade = idempotency_keys("reporting")
