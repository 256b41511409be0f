"""SQL repositories and the channels (one adapter per provider)."""
