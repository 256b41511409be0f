"""Processes: api, consumer, relay, sender (the scheduler of due messages), cli."""
