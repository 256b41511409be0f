"""signing_key_ids: auth's signing key ids as its rotations announced them, so that the API
refuses a retired key at once (hms_platform.revocation)

Revision ID: 0004
Revises: 0003
"""

from hms_platform.migrations import signing_key_ids

revision, down_revision = "0004", "0003"
upgrade, downgrade = signing_key_ids("appointments")
