"""The patient app's visits and turn on a phone: a new patient signs in through the app's form,
books a slot and sees it on Home; a slot taken between seeing and booking it is refused in
plain words and the free times are read again; the network dropping mid-booking is retried
with the same Idempotency-Key (one appointment, the second answer a replay); checked in by
reception, the ticket shows number, place and estimate, follows the doctor's line live and says
"It's your turn: room N" when called; the app passes Chromium's installability check."""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from hms_platform.testing.modules import load_beside

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")
HARNESS = load_beside(__file__, "harness.py", "hms_e2e_web_harness")
CONTROLLED = """async () => {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((done) =>
      navigator.serviceWorker.addEventListener("controllerchange", done, { once: true }));
  }
  return navigator.serviceWorker.controller !== null;
}"""
DEPARTMENTS = {"doctor": "General medicine", "doctor2": "Paediatrics", "doctor3": "Dental"}


def sign_in(seen: Any, patient: dict[str, str], PS: Any) -> Page:
    """A page of ``seen`` signed in through the app's own form, at Home."""
    page: Page = seen.page()
    page.goto("/patient/")
    page.get_by_label(PS("account.signIn.phone")).fill(patient["username"])
    page.get_by_label(PS("account.signIn.password"), exact=True).fill(patient["password"])
    page.get_by_role("button", name=PS("account.signIn.submit"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=PS("visits.home.heading"))).to_be_visible()
    return page


def choose_doctor(page: Page, clinic: Any, PS: Any, role: str) -> dict[str, Any]:
    doctor = clinic.login(role)
    page.get_by_label(PS("visits.book.department"), exact=True).select_option(
        label=DEPARTMENTS[role])
    page.get_by_label(PS("visits.book.doctor"), exact=True).select_option(
        label=PS("visits.book.doctorOption", name=doctor["name"], room=doctor["room"]))
    return dict(doctor)


def free_slots(clinic: Any, role: str, day: date) -> list[str]:
    doctor_id = clinic.user_id(role)
    slots = clinic.call("receptionist", "GET", f"/appointments/doctors/{doctor_id}/slots",
                        params={"date": day.isoformat()}).json()["slots"]
    now = datetime.now().astimezone()
    return [s["start"] for s in slots
            if s["available"] and datetime.fromisoformat(s["start"]) > now]


def book_at(clinic: Any, patient: dict[str, str], role: str, start: str) -> dict[str, Any]:
    """Reception books ``start`` with ``role`` for ``patient``."""
    body = {"doctor_id": clinic.user_id(role), "start": start, "patient_id": patient["id"]}
    for _ in range(100):  # the appointments service hears of a new patient by an event
        answer = clinic.call("receptionist", "POST", "/appointments", json=body)
        if answer.status_code != 404:
            break
        time.sleep(0.1)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def book_for(clinic: Any, patient: dict[str, str], role: str,
             days: tuple[int, ...] = (0, 1), avoid: tuple[str, ...] = ()) -> dict[str, Any]:
    """An appointment booked by reception for ``patient`` with ``role``: a free slot in the
    middle of the first of ``days`` (from today) that has one, not at a time in ``avoid``."""
    today = datetime.now(tz=_zone(clinic)).date()
    held = {datetime.fromisoformat(a) for a in avoid}
    for ahead in days:
        free = [s for s in free_slots(clinic, role, today + timedelta(days=ahead))
                if datetime.fromisoformat(s) not in held]
        if free:
            return book_at(clinic, patient, role, free[len(free) // 2])
    raise AssertionError(f"no free slot for {role}")


def _zone(clinic: Any) -> ZoneInfo:
    return ZoneInfo(clinic.timezone)


def patient_token(clinic: Any, patient: dict[str, str]) -> str:
    answer = httpx.post(f"{clinic.base}/api/auth/token", timeout=30, data={
        "username": patient["username"], "password": patient["password"]})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def mine(clinic: Any, token: str, path: str) -> Any:
    answer = httpx.get(f"{clinic.base}/api{path}", timeout=30,
                       headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_book_a_visit_and_a_slot_taken_meanwhile(phone: Any, clinic: Any, PS: Any) -> None:
    patient = clinic.new_patient("Wanjiru Kamau")
    page = sign_in(phone(), patient, PS)
    expect(page.get_by_text(PS("visits.home.empty"))).to_be_visible()
    PAGES.no_serious_violations(page, "patient home, empty")
    page.get_by_role("link", name=PS("visits.home.bookButton")).first.click()
    expect(page.get_by_role("heading", level=1, name=PS("visits.book.heading"))).to_be_visible()
    doctor = choose_doctor(page, clinic, PS, "doctor2")
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
    token = patient_token(clinic, patient)
    booked = mine(clinic, token, "/appointments")["items"]
    assert len(booked) == 1, booked
    assert datetime.fromisoformat(booked[0]["start"]) == datetime.fromisoformat(str(chosen))
    assert booked[0]["reason"] == "A cough for a week"

    # a slot taken by someone else between seeing it and booking it: 409, the list read again
    page.get_by_role("link", name=PS("shell.nav.book"), exact=True).click()
    choose_doctor(page, clinic, PS, "doctor3")
    slots = page.get_by_role("group", name=PS("visits.book.slots"))
    expect(slots.get_by_role("radio").first).to_be_visible()
    target = slots.get_by_role("radio").first
    start = target.get_attribute("value")
    target.check()
    other = clinic.new_patient("Otieno Were")
    book_at(clinic, other, "doctor3", str(start))  # someone else takes it meanwhile
    page.get_by_role("button", name=PS("visits.book.submit")).click()
    expect(page.get_by_role("alert").filter(has_text=PS("visits.book.taken"))).to_be_visible()
    expect(slots.locator(f'input[value="{start}"]')).to_have_count(0)  # no longer offered
    expect(slots.get_by_role("radio").first).to_be_visible()
    assert len(mine(clinic, token, "/appointments")["items"]) == 1


def test_the_network_drops_mid_booking_and_try_again_books_once(phone: Any, clinic: Any,
                                                                   PS: Any) -> None:
    patient = clinic.new_patient("Achieng Atieno")
    page = sign_in(phone(), patient, PS)
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
    choose_doctor(page, clinic, PS, "doctor2")
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
    items = mine(clinic, patient_token(clinic, patient), "/appointments")["items"]
    assert len(items) == 1, items


def test_my_turn_follows_the_line_live_until_called(phone: Any, clinic: Any, PS: Any) -> None:
    role = "doctor3"
    doctor_id = clinic.user_id(role)
    ahead = clinic.new_patient("Baraka Mutua")
    patient = clinic.new_patient("Njeri Wambui")
    first = book_for(clinic, ahead, role, days=(0,))
    visit = book_for(clinic, patient, role, days=(0,))
    book_for(clinic, patient, "doctor2", days=(1, 2, 3))  # a visit still to come, for Home
    for appointment in (first, visit):
        answer = clinic.call("receptionist", "POST", f"/appointments/{appointment['id']}/check-in")
        assert answer.status_code == 200, answer.text
    token = patient_token(clinic, patient)

    def my_ticket() -> dict[str, Any]:
        for _ in range(100):  # the queue makes the ticket from the check-in event
            tickets = mine(clinic, token, "/queue/tickets/mine")
            if tickets:
                return dict(tickets[0])
            page.wait_for_timeout(200)
        raise AssertionError("no ticket")

    page = sign_in(phone(), patient, PS)
    ticket = my_ticket()
    assert ticket["people_ahead"] and ticket["people_ahead"] >= 1, ticket
    card = page.get_by_role("region", name=PS("visits.home.ticketHeading"))
    expect(card).to_contain_text(ticket["label"])
    upcoming = page.get_by_role("list", name=PS("visits.home.upcoming"))
    expect(upcoming.get_by_role("link")).to_have_count(2)
    PAGES.no_serious_violations(page, "patient home")
    PAGES.shoot(page, "patient")
    page.get_by_role("link", name=PS("shell.nav.turn"), exact=True).click()
    facts = page.get_by_role("region", name=PS("visits.turn.ticket"))
    expect(facts).to_contain_text(ticket["label"])
    expect(facts).to_contain_text(PS("visits.turn.live"))

    def shown(term: str) -> Any:
        return facts.locator("dt", has_text=re.compile(f"^{re.escape(PS(term))}$")).locator(
            "xpath=following-sibling::dd[1]")

    expect(shown("visits.turn.position")).to_have_text(str(ticket["position"]))
    expect(shown("visits.turn.ahead")).to_have_text(str(ticket["people_ahead"]))
    wait = PS("visits.turn.waitUnknown") if ticket["eta_minutes"] is None else PS(
        "visits.turn.minutes", minutes=ticket["eta_minutes"])
    expect(shown("visits.turn.wait")).to_have_text(wait)
    PAGES.screen_checked(page, "patient-ticket")
    page.evaluate("window.__stillTheSamePage = true")

    def call_next() -> dict[str, Any]:
        called = clinic.line(role)["called"]
        if called:
            served = clinic.call(role, "POST", f"/queue/tickets/{called['id']}/serve", json={})
            assert served.status_code == 200, served.text
        answer = clinic.call(role, "POST", f"/queue/doctors/{doctor_id}/call-next")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    before = ticket["people_ahead"]
    called = call_next()
    assert called["id"] != ticket["id"]
    now = my_ticket()
    assert now["people_ahead"] < before, (now, before)
    expect(shown("visits.turn.ahead")).to_have_text(str(now["people_ahead"]))  # live, no reload
    expect(shown("visits.turn.position")).to_have_text(str(now["position"]))
    for _ in range(50):
        if call_next()["id"] == ticket["id"]:
            break
    else:
        raise AssertionError("never called")
    turn = page.get_by_role("alert").filter(
        has_text=PS("visits.turn.yourTurn", room=clinic.login(role)["room"]))
    expect(turn).to_be_visible()
    expect(turn).to_be_focused()
    assert page.evaluate("window.__stillTheSamePage === true")
    PAGES.screen_checked(page, "patient-your-turn")


def test_a_visit_moved_cancelled_and_a_past_one_with_its_notes(phone: Any, clinic: Any,
                                                               PS: Any) -> None:
    patient = clinic.new_patient("Halima Yusuf")
    later = book_for(clinic, patient, "doctor2", days=(1, 2, 3, 4))
    today = book_for(clinic, patient, "doctor2", days=(0,))
    checked = clinic.call("receptionist", "POST", f"/appointments/{today['id']}/check-in")
    assert checked.status_code == 200, checked.text
    done = clinic.call("doctor2", "POST", f"/appointments/{today['id']}/complete",
                       json={"diagnosis": "Mild asthma", "treatment": "Inhaler twice a day"})
    assert done.status_code == 200, done.text
    page = sign_in(phone(), patient, PS)

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
        held += (book_for(clinic, patient, role, days=(1, 2, 3, 4, 5), avoid=held)["start"],)
    page = sign_in(phone(), patient, PS)
    page.get_by_role("link", name=PS("shell.nav.book"), exact=True).click()
    choose_doctor(page, clinic, PS, "doctor")
    slots = page.get_by_role("group", name=PS("visits.book.slots"))
    slots.get_by_role("radio").first.check()
    page.get_by_role("button", name=PS("visits.book.submit")).click()
    refused = page.get_by_role("alert").filter(has_text=PS("visits.book.cap", active=3, limit=3))
    expect(refused).to_be_visible()
    PAGES.no_serious_violations(page, "patient booking refused")
    items = mine(clinic, patient_token(clinic, patient), "/appointments")["items"]
    assert len(items) == 3, items


def test_installable(browser: Browser, clinic: Any, tmp_path: Path) -> None:
    """Chromium's own installability check, read through the DevTools protocol. A profile on
    disk (a persistent context): Chromium never offers to install from an incognito one, which
    every other context of these tests is."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=HARNESS.chromium(), headless=True,
        args=["--no-sandbox", "--disable-gpu"], base_url=clinic.base, **PAGES.PHONE)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/patient/")  # signed out
        assert page.evaluate(CONTROLLED)  # the service worker controls the page
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")
        assert errors.get("installabilityErrors") == [], errors
        manifest = cdp.send("Page.getAppManifest")
        assert manifest.get("errors") == [], manifest.get("errors")
        assert manifest["url"].endswith("/patient/manifest.webmanifest"), manifest["url"]
        data = json.loads(manifest.get("data") or "{}")
        assert data["name"] and data["display"] == "standalone", data
        assert data["start_url"] == "/patient/", data
        png = [int(icon["sizes"].split("x")[0]) for icon in data["icons"]
               if icon.get("type") == "image/png" and "x" in icon.get("sizes", "")]
        assert png and max(png) >= 192, data["icons"]
    finally:
        context.close()
