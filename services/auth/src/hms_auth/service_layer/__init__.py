"""Use cases: commands, their handlers, the ports they need and the unit of work."""
