"""format=csv: what Python's csv module reads back is the JSON answer, cell for cell (text that
a spreadsheet would run as a formula neutralised with a leading apostrophe)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from hms_reporting.entrypoints.api.output import cell

REPORTS = ["appointments?group_by=day", "appointments?group_by=doctor",
           "appointments?group_by=status", "no-shows?group_by=doctor",
           "no-shows?group_by=patient", "no-shows?group_by=day", "penalties?group_by=patient",
           "penalties?group_by=doctor", "queue?", "notifications?"]


def expected_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    text = str(value)
    return "'" + text if isinstance(value, str) and text[:1] in "=+-@" else text


async def seeded(api, producer, scenario) -> str:
    for envelope in scenario.envelopes:
        await producer.deliver(envelope)
    return f"from={scenario.day}&to={scenario.day}"


@pytest.mark.parametrize("report", REPORTS)
async def test_csv_reads_back_as_the_json(api, producer, scenario, report: str) -> None:
    period = await seeded(api, producer, scenario)
    admin = api.headers["admin"]
    url = f"/api/reports/{report}&{period}"
    rows = (await api.client.get(url, headers=admin)).json()["rows"]
    answer = await api.client.get(f"{url}&format=csv", headers=admin)
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.content.startswith(b"\xef\xbb\xbf")  # the BOM: spreadsheets read UTF-8
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows and table[0] == list(rows[0])
    assert table[1:] == [[expected_cell(v) for v in row.values()] for row in rows]


async def test_names_that_look_like_formulas_are_neutralised(api, producer, scenario) -> None:
    period = await seeded(api, producer, scenario)
    answer = await api.client.get(f"/api/reports/no-shows?group_by=patient&{period}&format=csv",
                                  headers=api.headers["admin"])
    names = {row["patient_name"] for row in
             csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")))}
    assert names and all(n.startswith("'=Patient ") for n in names)


async def test_the_audit_trail_as_csv(api, producer, scenario) -> None:
    period = await seeded(api, producer, scenario)
    admin = api.headers["admin"]
    body = (await api.client.get(f"/api/audit?{period}&limit=10", headers=admin)).json()
    answer = await api.client.get(f"/api/audit?{period}&limit=10&format=csv", headers=admin)
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table[1:] == [[expected_cell(v) for v in item.values()] for item in body["items"]]
    assert answer.headers["x-next-cursor"] == body["next_cursor"]


def test_cells() -> None:
    assert [cell("=1+1"), cell("+1"), cell("-1"), cell("@SUM"), cell(-1), cell(None)] == [
        "'=1+1", "'+1", "'-1", "'@SUM", "-1", ""]


async def test_an_empty_report_still_has_its_header_row(api) -> None:
    answer = await api.client.get("/api/reports/queue?format=csv", headers=api.headers["admin"])
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table == [["doctor_id", "doctor_name", "day", "served", "missed", "cancelled",
                      "wait_minutes_mean", "wait_minutes_p50", "wait_minutes_p90",
                      "service_minutes_mean", "service_minutes_p50", "service_minutes_p90"]]
