"""signing_key_ids: auth's signing key ids as its rotations announced them, so that the API
refuses a retired key at once (hms_platform.revocation)

Revision ID: 0003
Revises: 0002
"""

from hms_platform.migrations import signing_key_ids

revision, down_revision = "0003", "0002"
upgrade, downgrade = signing_key_ids("notifications")
