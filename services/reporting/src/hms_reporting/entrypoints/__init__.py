"""Processes: api (HTTP), consumer (every event), cli (migrate, replay, and the others)."""
