"""Processes: api, consumer, relay, cli."""
