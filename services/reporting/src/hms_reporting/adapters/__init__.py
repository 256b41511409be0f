"""SQL adapters: tables, the event store, the read models, the reports, the audit trail."""
