"""Adapters: the tables, the feed's SQL, the owners over HTTP, the unit of work."""
