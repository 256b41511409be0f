"""The HTTP API. Health, metrics and docs live under PREFIX (like every service); the reports and
the audit trail at the paths of the design's API: /api/reports/... and /api/audit."""

PREFIX = "/api/reporting"
REPORTS = "/api/reports"
AUDIT = "/api/audit"
