"""The patient app's ticket on a phone: checked in by reception, it shows number, place and
estimate, follows the doctor's line live without a reload and says "It's your turn: room N"
(focused, in large type) when called."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from hms_platform.testing.modules import load_beside

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")
P = load_beside(__file__, "patient.py", "hms_e2e_web_patient")


def test_my_turn_follows_the_line_live_until_called(phone: Any, clinic: Any, PS: Any) -> None:
    role = "doctor3"
    doctor_id = clinic.user_id(role)
    ahead = clinic.new_patient("Baraka Mutua")
    patient = clinic.new_patient("Njeri Wambui")
    first = P.book_for(clinic, ahead, role, days=(0,))
    visit = P.book_for(clinic, patient, role, days=(0,))
    P.book_for(clinic, patient, "doctor2", days=(1, 2, 3))  # a visit still to come, for Home
    for appointment in (first, visit):
        answer = clinic.call("receptionist", "POST", f"/appointments/{appointment['id']}/check-in")
        assert answer.status_code == 200, answer.text
    token = P.patient_token(clinic, patient)

    def my_ticket() -> dict[str, Any]:
        for _ in range(100):  # the queue makes the ticket from the check-in event
            tickets = P.mine(clinic, token, "/queue/tickets/mine")
            if tickets:
                return dict(tickets[0])
            page.wait_for_timeout(200)
        raise AssertionError("no ticket")

    page = P.signed_in(phone(), patient, PS)
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
