"""The doctor's console with `make seed`'s clinic: the doctor sees their line, calls the next
patient (the one checked in for today's appointment), serves them and completes the visit with
a diagnosis and a treatment; today's appointments then show it completed, and the weekly hours
are there to read."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from hms_platform.testing.modules import load_beside

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")


def test_the_doctor_calls_serves_and_completes_a_visit(signed_in: Any, clinic: Any,
                                                       S: Any) -> None:
    waiting = clinic.line("doctor")["waiting"]
    assert waiting, "the seed checks one patient in for each doctor"
    first = waiting[0]
    page = signed_in("doctor")
    expect(page.get_by_role("heading", level=1)).to_contain_text(S("doctor.heading"))
    line = page.get_by_role("region", name=S("doctor.lineHeading"))
    expect(line.get_by_role("cell", name=first["label"], exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=S("doctor.todayHeading"))).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=S("doctor.hoursHeading"))).to_be_visible()
    PAGES.screen_checked(page, "doctor")

    page.get_by_role("button", name=S("doctor.callNext")).click()
    expect(page.get_by_text(S("doctor.calledDone", label=first["label"]))).to_be_visible()
    expect(line.get_by_role("heading", name=S("doctor.nowSeeing"))).to_be_visible()
    PAGES.screen_checked(page, "doctor-calling")

    page.get_by_role("button", name=S("doctor.serve"), exact=True).click()
    visit = page.get_by_role("region", name=re.compile(
        re.escape(S("doctor.visitHeading", name="@")).replace("@", ".+")))
    expect(visit).to_be_visible()
    expect(visit.get_by_label(S("doctor.diagnosis"))).to_be_focused()
    visit.get_by_label(S("doctor.diagnosis")).fill("Acute pharyngitis")
    visit.get_by_label(S("doctor.treatment")).fill("Paracetamol 1 g three times a day, 3 days")
    PAGES.screen_checked(page, "doctor-visit")
    visit.get_by_role("button", name=S("doctor.saveVisit")).click()
    expect(visit).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text=re.compile(
        re.escape(S("doctor.visitSaved", name="@")).replace("@", ".+")))).to_be_visible()
    today = page.get_by_role("region", name=S("doctor.todayHeading"))
    expect(today.get_by_role("cell", name=S("doctor.status.completed"), exact=True)).to_be_visible()
    served = clinic.call("doctor", "GET", f"/queue/tickets/{first['id']}").json()
    assert served["status"] == "served"


def test_calling_next_on_an_empty_line_says_so(signed_in: Any, clinic: Any, S: Any) -> None:
    """After the visit above, nobody waits for the first doctor: a call says so plainly."""
    if clinic.line("doctor")["waiting"]:
        pytest.skip("the first doctor's line is not empty")
    page = signed_in("doctor")
    page.get_by_role("button", name=S("doctor.callNext")).click()
    expect(page.get_by_role("alert")).to_have_text(S("doctor.nobodyWaiting"))
