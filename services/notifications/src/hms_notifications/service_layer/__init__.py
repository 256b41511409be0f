"""Commands, handlers, ports."""
