"""Reporting's domain: facts (what an event says), the read-model rows built from them, and the
audit entries. Plain Python: every rule here is order-independent and idempotent."""
