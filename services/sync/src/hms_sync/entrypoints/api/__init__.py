"""The HTTP API: push (``POST /api/sync``) and pull (``GET /api/sync/changes``); health,
metrics and docs under the same prefix, like every service."""

PREFIX = "/api/sync"
