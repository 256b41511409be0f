"""The reception desk with `make seed`'s clinic, keyboard first: the search field has the focus,
Enter searches, Escape closes a dialog. The receptionist finds a patient, issues a walk-in
ticket with an urgency (for one already in the line: the queue's 409 in words) and changes it,
registers a walk-in (the activation code shown once), checks an appointment in and books one
(a slot taken meanwhile: the 409 in words, what was typed kept); and the desk's line follows
the doctor's console live: the doctor calls the next patient in a second browser and the desk
shows who is being seen, without a reload."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from hms_platform.testing.modules import load_beside

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")


def test_the_desk_finds_issues_changes_and_registers(signed_in: Any, clinic: Any,
                                                     S: Any) -> None:
    page = signed_in("receptionist")
    expect(page.get_by_role("heading", level=1, name=S("desk.heading"))).to_be_visible()
    expect(page.get_by_label(S("desk.searchLabel"))).to_be_focused()  # keyboard first
    doctor = clinic.login("doctor2")
    line = PAGES.choose_doctor(page, S, doctor)
    expect(line.get_by_text(S("desk.live"), exact=True)).to_be_visible()
    PAGES.screen_checked(page, "desk")

    PAGES.find_and_select(page, S, "Brian Kiprop")  # checked in by the seed: in the line
    issue = line.get_by_role("button", name=S("desk.issue"))
    issue.click()
    expect(page.get_by_role("alert")).to_contain_text("already")  # the 409's reason
    PAGES.find_and_select(page, S, "Kevin Ochieng")
    line.get_by_label(S("desk.urgency"), exact=True).select_option(
        label=PAGES.urgency_level(S, 2))
    issue.click()
    expect(page.get_by_role("status").filter(has_text=PAGES.pattern(
        S("desk.issued"), name="Kevin Ochieng"))).to_be_visible()
    row = line.get_by_role("row").filter(has_text="Kevin Ochieng")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(2)).to_have_text("2")

    row.get_by_role("button", name=S("desk.changeUrgency")).click()
    dialog = page.get_by_role("dialog", name=PAGES.pattern(S("desk.urgencyHeading")))
    expect(dialog).to_be_visible()
    dialog.get_by_label(S("desk.urgency"), exact=True).select_option(
        label=PAGES.urgency_level(S, 1))
    PAGES.screen_checked(page, "desk-urgency")
    dialog.get_by_role("button", name=S("desk.saveUrgency")).click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text(PAGES.pattern(S("desk.urgencyChanged"), urgency=1))).to_be_visible()
    expect(row.get_by_role("cell").nth(2)).to_have_text("1")
    tickets = [t for t in clinic.line("doctor2")["waiting"] if t.get("patient_name") ==
               "Kevin Ochieng"]
    assert [t["urgency"] for t in tickets] == [1]

    page.get_by_role("button", name=S("desk.registerWalkIn")).click()
    dialog = page.get_by_role("dialog", name=S("desk.walkInHeading"))
    expect(dialog.get_by_label(S("desk.fullName"))).to_be_focused()
    page.keyboard.press("Escape")  # Escape closes
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name=S("desk.registerWalkIn")).click()
    dialog.get_by_label(S("desk.fullName")).fill("Zawadi Mutua")
    dialog.get_by_label(S("desk.phone")).fill("+254700000201")
    dialog.get_by_label(S("desk.phone")).press("Enter")  # Enter acts
    code = page.get_by_role("dialog", name=S("desk.activationHeading", name="Zawadi Mutua"))
    expect(code).to_contain_text(S("desk.activationOnce"))
    expect(code.locator("strong")).to_have_text(re.compile(r"\S{4,}"))
    PAGES.screen_checked(page, "desk-activation-code")
    page.keyboard.press("Escape")
    expect(code).to_be_hidden()
    expect(page.get_by_text(S("desk.selected", name="Zawadi Mutua")).first).to_be_visible()
    found = clinic.call("receptionist", "GET", "/auth/patients", params={"q": "Zawadi"}).json()
    assert [p["full_name"] for p in found["items"]] == ["Zawadi Mutua"]


def test_the_desk_checks_in_and_books_and_a_taken_slot_says_why(signed_in: Any, clinic: Any,
                                                                  S: Any) -> None:
    """The seed books six patients and checks the first three in: Grace Njeri's appointment
    with the second doctor is still booked. A slot taken by someone else meanwhile is a 409
    shown with the server's reason, the dialog kept open; another slot books."""
    page = signed_in("receptionist")
    doctor = clinic.login("doctor2")
    PAGES.choose_doctor(page, S, doctor)
    today = page.get_by_role("region", name=S("desk.apptHeading"))
    row = today.get_by_role("row").filter(has_text="Grace Njeri")
    expect(row).to_contain_text(S("desk.status.booked"))
    PAGES.screen_checked(page, "desk-appointments")
    row.get_by_role("button", name=S("desk.checkIn")).click()
    expect(page.get_by_text(S("desk.checkedIn", name="Grace Njeri"))).to_be_visible()
    expect(row).to_contain_text(S("desk.status.checked_in"))

    PAGES.find_and_select(page, S, "Amina Otieno")
    today.get_by_role("button", name=S("desk.book")).click()
    dialog = page.get_by_role("dialog", name=S("desk.bookHeading", name="Amina Otieno"))
    slots = dialog.get_by_role("group", name=S("desk.slots")).get_by_role("radio")
    expect(slots.nth(1)).to_be_visible()
    taken = slots.nth(0)
    taken.check()
    start = taken.get_attribute("value")
    doctor_id = clinic.user_id("doctor2")
    patients = clinic.call("receptionist", "GET", "/auth/patients", params={"q": "Omar"}).json()
    meanwhile = clinic.call("receptionist", "POST", "/appointments", json={
        "doctor_id": doctor_id, "patient_id": patients["items"][0]["id"], "start": start})
    assert meanwhile.status_code == 201, meanwhile.text
    dialog.get_by_label(S("desk.reason")).fill("Follow-up")
    dialog.get_by_role("button", name=S("desk.confirmBook"), exact=True).click()
    alert = dialog.get_by_role("alert")
    expect(alert).to_be_visible()
    assert alert.inner_text().strip(), "the server's reason"
    expect(dialog.get_by_label(S("desk.reason"))).to_have_value("Follow-up")  # kept
    PAGES.screen_checked(page, "desk-slot-taken")
    slots.nth(1).check()
    dialog.get_by_role("button", name=S("desk.confirmBook"), exact=True).click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text(PAGES.pattern(S("desk.booked"), name="Amina Otieno"))).to_be_visible()
    expect(today.get_by_role("row").filter(has_text="Amina Otieno")).not_to_have_count(0)


def test_the_desk_line_follows_the_doctor_live(signed_in: Any, clinic: Any, S: Any) -> None:
    desk = signed_in("receptionist")
    line = PAGES.choose_doctor(desk, S, clinic.login("doctor2"))
    expect(line.get_by_text(S("desk.live"), exact=True)).to_be_visible()
    expect(line.get_by_text(S("desk.nobodySeen"))).to_be_visible()
    desk.evaluate("() => { window.sameLoad = true; }")  # gone if the page reloads

    console = signed_in("doctor2")  # a second browser: the doctor's own
    console.get_by_role("button", name=S("doctor.callNext")).click()
    called = console.get_by_text(PAGES.pattern(S("doctor.calledDone")))
    expect(called).to_be_visible()
    label = re.search(r"[A-Z]-\d+", called.inner_text())
    assert label, called.inner_text()
    being_seen = PAGES.pattern(S("desk.beingSeen"), label=label.group(0))
    expect(line.get_by_text(being_seen)).to_be_visible()
    expect(line.get_by_role("row").filter(has_text=label.group(0))).to_contain_text(
        S("desk.status.called"))
    assert desk.evaluate("() => window.sameLoad") is True
    PAGES.screen_checked(desk, "desk-live")
