"""Use cases: push (each operation to its owner, in order), pull (the caller's changes since a
cursor) and the projection of events into the feed."""
