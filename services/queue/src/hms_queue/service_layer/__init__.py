"""Use cases: commands, handlers, ports."""
