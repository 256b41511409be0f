"""The HTTP API under /api/auth."""
