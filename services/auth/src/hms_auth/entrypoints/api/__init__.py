"""The HTTP API, under the gateway's path for this service."""

PREFIX = "/api/auth"
