"""The HTTP API. Health, metrics and docs live under PREFIX (like every service); the reports and
the audit trail at the paths docs/api.md lists: /api/reports/... and /api/audit."""

PREFIX = "/api/reporting"
REPORTS = "/api/reports"
AUDIT = "/api/audit"
