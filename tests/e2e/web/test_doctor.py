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


def served_all(clinic: Any, role: str) -> None:
    """Whoever still waits for the doctor is called and served through the API."""
    doctor = clinic.user_id(role)
    for _ in range(20):
        if not clinic.line(role)["waiting"]:
            return
        called = clinic.call(role, "POST", f"/queue/doctors/{doctor}/call-next")
        assert called.status_code == 200, called.text
        served = clinic.call(role, "POST", f"/queue/tickets/{called.json()['id']}/serve")
        assert served.status_code == 200, served.text
    raise AssertionError(f"the line still has people waiting: {clinic.line(role)}")


def test_calling_next_on_an_empty_line_says_so(signed_in: Any, clinic: Any, S: Any) -> None:
    """Once nobody waits for the first doctor, a call says so plainly."""
    served_all(clinic, "doctor")
    page = signed_in("doctor")
    page.get_by_role("button", name=S("doctor.callNext")).click()
    expect(page.get_by_role("alert")).to_have_text(S("doctor.nobodyWaiting"))
