"""Sync's rules in plain Python: which operation goes to which owner's route and what its
answer means (operations.py, outcomes.py), what each event changes in the feed (changes.py)
and the pull's cursor (cursor.py)."""
