"""A report's answer: JSON, or CSV a spreadsheet opens as it is (UTF-8 with a BOM, a header
row, ISO dates, and text that a spreadsheet would run as a formula neutralised)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi import Response
from fastapi.responses import JSONResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain(value: Any) -> Any:
    """A JSON value: ids as text, dates and times in ISO 8601, decimals as numbers."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def cell(value: Any) -> str:
    """One CSV cell; text starting like a formula gets a leading apostrophe."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True)
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return "\ufeff" + out.getvalue()


def respond(body: dict[str, Any], rows_key: str, fmt: str, filename: str,
            columns: list[str] | None = None, headers: dict[str, str] | None = None) -> Response:
    rows = body[rows_key]
    if fmt != "csv":
        return JSONResponse(plain(body), headers=headers)
    columns = columns or (list(rows[0]) if rows else [])
    return Response(to_csv(rows, columns), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}.csv"', **(headers or {})})
