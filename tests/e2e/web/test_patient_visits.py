"""The patient app's visits on a phone: a new patient signs in through the app's form, books a
slot and sees it on Home; a slot taken between seeing and booking it is refused in plain words
and the free times are read again; the network dropping mid-booking is retried with the same
Idempotency-Key (one appointment, the second answer a replay); a visit moved and cancelled, a
past one with its notes; a refused booking said plainly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from hms_platform.testing.modules import load_beside

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")
P = load_beside(__file__, "patient.py", "hms_e2e_web_patient")


def test_book_a_visit_and_a_slot_taken_meanwhile(phone: Any, clinic: Any, PS: Any) -> None:
    patient = clinic.new_patient("Wanjiru Kamau")
    page = P.signed_in(phone(), patient, PS)
    expect(page.get_by_text(PS("visits.home.empty"))).to_be_visible()
    PAGES.no_serious_violations(page, "patient home, empty")
    page.get_by_role("link", name=PS("visits.home.bookButton")).first.click()
    expect(page.get_by_role("heading", level=1, name=PS("visits.book.heading"))).to_be_visible()
    doctor = P.choose_doctor(page, clinic, PS, "doctor2")
    slots = page.get_by_role("group", name=PS("visits.book.slots"))
    first = slots.get_by_role("radio").first
    expect(first).to_be_visible()
    chosen = first.get_attribute("value")
    first.check()
    page.get_by_label(PS("visits.book.reason")).fill("A cough for a week")
    PAGES.screen_checked(page, "patient-book")
    page.get_by_role("button", name=PS("visits.book.submit")).click()
    expect(page.get_by_text(PS("visits.book.booked"))).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=PS("visits.visit.heading"))).to_be_visible()
    expect(page.get_by_text(doctor["name"])).to_be_visible()
    PAGES.no_serious_violations(page, "patient visit")

    page.get_by_role("link", name=PS("shell.nav.home"), exact=True).click()
    upcoming = page.get_by_role("list", name=PS("visits.home.upcoming"))
    expect(upcoming.get_by_role("link")).to_have_count(1)
    expect(upcoming).to_contain_text(doctor["name"])
    expect(upcoming).to_contain_text(PS("visits.room", room=doctor["room"]))
    expect(upcoming).to_contain_text(PS("visits.status.booked"))
    token = P.patient_token(clinic, patient)
    booked = P.mine(clinic, token, "/appointments")["items"]
    assert len(booked) == 1, booked
    assert datetime.fromisoformat(booked[0]["start"]) == datetime.fromisoformat(str(chosen))
    assert booked[0]["reason"] == "A cough for a week"

    # a slot taken by someone else between seeing it and booking it: 409, the list read again
    page.get_by_role("link", name=PS("shell.nav.book"), exact=True).click()
    P.choose_doctor(page, clinic, PS, "doctor3")
    slots = page.get_by_role("group", name=PS("visits.book.slots"))
    expect(slots.get_by_role("radio").first).to_be_visible()
    target = slots.get_by_role("radio").first
    start = target.get_attribute("value")
    target.check()
    other = clinic.new_patient("Otieno Were")
    P.book_at(clinic, other, "doctor3", str(start))  # someone else takes it meanwhile
    page.get_by_role("button", name=PS("visits.book.submit")).click()
    expect(page.get_by_role("alert").filter(has_text=PS("visits.book.taken"))).to_be_visible()
    expect(slots.locator(f'input[value="{start}"]')).to_have_count(0)  # no longer offered
    expect(slots.get_by_role("radio").first).to_be_visible()
    assert len(P.mine(clinic, token, "/appointments")["items"]) == 1


def test_the_network_drops_mid_booking_and_try_again_books_once(phone: Any, clinic: Any,
                                                                   PS: Any) -> None:
    patient = clinic.new_patient("Achieng Atieno")
    page = P.signed_in(phone(), patient, PS)
    keys: list[str | None] = []
    replayed: list[str | None] = []

    def drop_first_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # it reaches the clinic and is booked...
            route.abort()  # ...but the answer never arrives
        else:
            answer = route.fetch()
            replayed.append(answer.headers.get("idempotent-replayed"))
            route.fulfill(response=answer)

    page.route("**/api/appointments", drop_first_answer)
    page.goto("/patient/book")
    P.choose_doctor(page, clinic, PS, "doctor2")
    slots = page.get_by_role("group", name=PS("visits.book.slots"))
    slots.get_by_role("radio").first.check()
    page.get_by_role("button", name=PS("visits.book.submit")).click()
    failed = page.get_by_role("alert").filter(has_text=PS("visits.book.unconfirmed"))
    expect(failed).to_be_visible()
    PAGES.no_serious_violations(page, "patient booking unconfirmed")
    failed.get_by_role("button", name=PS("visits.book.tryAgain")).click()
    expect(page.get_by_text(PS("visits.book.booked"))).to_be_visible()
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1], keys
    assert replayed == ["true"], replayed  # the second answer was the first one's replay
    items = P.mine(clinic, P.patient_token(clinic, patient), "/appointments")["items"]
    assert len(items) == 1, items


def test_a_visit_moved_cancelled_and_a_past_one_with_its_notes(phone: Any, clinic: Any,
                                                               PS: Any) -> None:
    patient = clinic.new_patient("Halima Yusuf")
    later = P.book_for(clinic, patient, "doctor2", days=(1, 2, 3, 4))
    today = P.book_for(clinic, patient, "doctor2", days=(0,))
    checked = clinic.call("receptionist", "POST", f"/appointments/{today['id']}/check-in")
    assert checked.status_code == 200, checked.text
    done = clinic.call("doctor2", "POST", f"/appointments/{today['id']}/complete",
                       json={"diagnosis": "Mild asthma", "treatment": "Inhaler twice a day"})
    assert done.status_code == 200, done.text
    page = P.signed_in(phone(), patient, PS)

    past = page.get_by_role("list", name=PS("visits.home.past"))
    expect(past).to_contain_text(PS("visits.status.completed"))
    past.get_by_role("link").first.click()
    expect(page.get_by_text("Mild asthma")).to_be_visible()  # the patient's own notes
    expect(page.get_by_text("Inhaler twice a day")).to_be_visible()
    expect(page.get_by_role("button", name=PS("visits.visit.cancel"))).to_have_count(0)

    page.get_by_role("link", name=PS("shell.nav.home"), exact=True).click()
    upcoming = page.get_by_role("list", name=PS("visits.home.upcoming"))
    upcoming.get_by_role("link").first.click()
    page.get_by_role("button", name=PS("visits.visit.reschedule")).click()
    slots = page.get_by_role("group", name=PS("visits.book.slots"))
    expect(slots.get_by_role("radio").first).to_be_visible()
    moved_to = None
    for radio in slots.get_by_role("radio").all():
        value = str(radio.get_attribute("value"))
        if datetime.fromisoformat(value) != datetime.fromisoformat(later["start"]):
            radio.check()
            moved_to = value
            break
    assert moved_to, "another free time that day"
    PAGES.no_serious_violations(page, "patient visit, moving")
    page.get_by_role("button", name=PS("visits.visit.rescheduleSubmit")).click()
    expect(page.get_by_text(PS("visits.visit.rescheduled"))).to_be_visible()
    now = clinic.call("receptionist", "GET", f"/appointments/{later['id']}").json()
    assert datetime.fromisoformat(now["start"]) == datetime.fromisoformat(moved_to), now

    page.get_by_role("button", name=PS("visits.visit.cancel")).click()
    page.get_by_label(PS("visits.visit.cancelReason")).fill("Travelling")
    page.get_by_role("button", name=PS("visits.visit.cancelYes")).click()
    expect(page.get_by_text(PS("visits.visit.cancelled"))).to_be_visible()
    expect(page.get_by_text(PS("visits.status.cancelled"), exact=True)).to_be_visible()
    now = clinic.call("receptionist", "GET", f"/appointments/{later['id']}").json()
    assert now["status"] == "cancelled" and now["cancel_reason"] == "Travelling", now


def test_a_refused_booking_says_why(phone: Any, clinic: Any, PS: Any) -> None:
    patient = clinic.new_patient("Juma Odede")
    held: tuple[str, ...] = ()
    for role in ("doctor", "doctor2", "doctor3"):  # the most a patient may hold (3)
        held += (P.book_for(clinic, patient, role, days=(1, 2, 3, 4, 5), avoid=held)["start"],)
    page = P.signed_in(phone(), patient, PS)
    page.get_by_role("link", name=PS("shell.nav.book"), exact=True).click()
    P.choose_doctor(page, clinic, PS, "doctor")
    slots = page.get_by_role("group", name=PS("visits.book.slots"))
    slots.get_by_role("radio").first.check()
    page.get_by_role("button", name=PS("visits.book.submit")).click()
    refused = page.get_by_role("alert").filter(has_text=PS("visits.book.cap", active=3, limit=3))
    expect(refused).to_be_visible()
    PAGES.no_serious_violations(page, "patient booking refused")
    items = P.mine(clinic, P.patient_token(clinic, patient), "/appointments")["items"]
    assert len(items) == 3, items
