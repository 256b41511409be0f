"""signing_key_ids: auth's signing key ids as its rotations announced them, so that the API
refuses a retired key at once (hms_platform.revocation)

Revision ID: 0002
Revises: 0001
"""

from hms_platform.migrations import signing_key_ids

revision, down_revision = "0002", "0001"
upgrade, downgrade = signing_key_ids("reporting")
