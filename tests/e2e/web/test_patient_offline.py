"""The patient app through a network outage, on a phone: signed in, the visits and the ticket
show; the network goes and a reload still loads the app (its shell from the service worker)
with the appointments and the ticket as last known, with their "as of" time. A visit cancelled
offline is applied at once, marked "waiting to be sent", and survives another offline reload;
back online it goes through /api/sync exactly once, the app shows it applied and the API has
the appointment cancelled."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from hms_platform.testing.modules import load_beside

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")
P = load_beside(__file__, "patient.py", "hms_e2e_web_patient")


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(text)}$")


def test_visits_and_ticket_offline_and_a_cancellation_synced_once(phone: Any, clinic: Any,
                                                                   PS: Any) -> None:
    patient = clinic.new_patient("Amani Chebet")
    today = P.book_for(clinic, patient, "doctor", days=(0,))
    later = P.book_for(clinic, patient, "doctor2", days=(1, 2, 3, 4))
    checked = clinic.call("receptionist", "POST", f"/appointments/{today['id']}/check-in")
    assert checked.status_code == 200, checked.text
    token = P.patient_token(clinic, patient)
    seen = phone()
    page = P.signed_in(seen, patient, PS)
    upcoming = page.get_by_role("list", name=PS("visits.home.upcoming"))
    expect(upcoming.get_by_role("link")).to_have_count(2)
    ticket = P.mine(clinic, token, "/queue/tickets/mine")
    assert ticket, "the check-in made a ticket"
    card = page.get_by_role("region", name=PS("visits.home.ticketHeading"))
    expect(card).to_contain_text(ticket[0]["label"])
    assert page.evaluate("async () => (await navigator.serviceWorker.ready).active !== null")
    syncs: list[Any] = []
    seen.context.on("request", lambda r: syncs.append(r.post_data_json)
                    if r.method == "POST" and r.url.endswith("/api/sync") else None)

    seen.context.set_offline(True)
    page.reload()  # the shell from the service worker, the visits from IndexedDB
    expect(page.get_by_role("heading", level=1, name=PS("visits.home.heading"))).to_be_visible()
    as_of = re.compile(re.escape(PS("visits.offline.bar")).replace(r"\{time\}", r"\d\d:\d\d"))
    expect(page.get_by_role("status").filter(has_text=as_of)).to_be_visible()
    home_as_of = re.compile(re.escape(PS("visits.home.asOf")).replace(r"\{time\}", r"\d\d:\d\d"))
    expect(page.get_by_text(home_as_of)).to_be_visible()
    expect(upcoming.get_by_role("link")).to_have_count(2)
    expect(card).to_contain_text(ticket[0]["label"])
    PAGES.no_serious_violations(page, "patient home offline")
    page.get_by_role("link", name=PS("shell.nav.turn"), exact=True).click()
    turn = page.get_by_role("region", name=PS("visits.turn.ticket"))
    expect(turn).to_contain_text(ticket[0]["label"])
    turn_as_of = re.compile(re.escape(PS("visits.turn.asOf")).replace(r"\{time\}", r"\d\d:\d\d"))
    expect(page.get_by_text(turn_as_of)).to_be_visible()

    page.get_by_role("link", name=PS("shell.nav.home"), exact=True).click()
    upcoming.get_by_role("link").filter(has_text=clinic.login("doctor2")["name"]).click()
    expect(page.get_by_role("heading", level=1, name=PS("visits.visit.heading"))).to_be_visible()
    page.get_by_role("button", name=PS("visits.visit.cancel")).click()
    page.get_by_label(PS("visits.visit.cancelReason")).fill("Feeling better")
    page.get_by_role("button", name=PS("visits.visit.cancelYes")).click()
    expect(page.get_by_text(PS("visits.visit.cancelledOffline"))).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=exactly(PS("visits.waitingToSend")))).to_be_visible()
    expect(page.get_by_text(PS("visits.status.cancelled"), exact=True)).to_be_visible()
    expect(page.get_by_text(PS("visits.offline.waiting", count=1))).to_be_visible()
    PAGES.screen_checked(page, "patient-offline-cancel")

    page.reload()  # still offline: the cancellation is kept
    expect(page.get_by_role("status").filter(has_text=exactly(PS("visits.waitingToSend")))).to_be_visible()
    expect(page.get_by_text(PS("visits.offline.waiting", count=1))).to_be_visible()
    assert syncs == []
    still = clinic.call("receptionist", "GET", f"/appointments/{later['id']}").json()
    assert still["status"] == "booked"

    seen.context.set_offline(False)  # back: sent once through /api/sync, its result shown
    expect(page.get_by_role("status").filter(has_text=exactly(PS("visits.visit.opApplied")))).to_be_visible(
        timeout=30_000)
    expect(page.get_by_text(PS("visits.status.cancelled"), exact=True)).to_be_visible()
    assert len(syncs) == 1, syncs
    operations = syncs[0]["operations"]
    assert [(o["entity"], o["action"], o["id"]) for o in operations] == [
        ("appointment", "cancel", later["id"])], operations
    assert operations[0]["fields"] == {"reason": "Feeling better"}
    after = clinic.call("receptionist", "GET", f"/appointments/{later['id']}").json()
    assert after["status"] == "cancelled", after
    expect(page.get_by_text(PS("visits.offline.waiting", count=1))).to_have_count(0)
    assert len(syncs) == 1, syncs
