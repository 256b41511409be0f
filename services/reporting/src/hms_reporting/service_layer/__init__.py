"""Reporting's use cases: recording events (store, read models, audit), replay, the reports."""
