"""The routes: reports (admin, read-only) and the audit trail."""
