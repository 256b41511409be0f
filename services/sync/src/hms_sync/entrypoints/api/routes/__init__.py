"""The routes: sync.py (push and pull)."""
