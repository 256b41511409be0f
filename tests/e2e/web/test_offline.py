"""The reception desk through a network outage, in a real browser: the network goes, a reload
still loads the app (its shell from the service worker, the session from IndexedDB); the
receptionist registers a walk-in, issues its ticket and changes its urgency, and the banner
says three operations wait; a reload keeps them. The network comes back: they go through
/api/sync once, each shows `applied`, the doctor's line shows the walk-in with its urgency, and
the same batch sent again changes nothing. Then a ticket the desk marked missed while offline
is served by the doctor meanwhile: its operation shows `rejected` with the server's reason."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hms_platform.testing.modules import load_beside

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")
WALK_IN = "Baraka Omondi"


def banner(page: Page, text: str) -> Any:
    return page.get_by_role("status").filter(has_text=text)


def operation(page: Page, S: Any, label: str) -> Any:
    ops = page.get_by_role("region", name=S("desk.opsHeading"))
    return ops.get_by_role("row").filter(has_text=label)


def test_the_desk_works_offline_and_syncs_once(contexts: Any, signed_in: Any, clinic: Any,
                                                S: Any) -> None:
    seen = contexts()
    page = signed_in("receptionist", seen)
    doctor = clinic.login("doctor3")
    line = PAGES.choose_doctor(page, S, doctor)
    expect(line.get_by_text(S("desk.live"), exact=True)).to_be_visible()
    # The service worker has the shell cached (it takes the page over at the next load).
    assert page.evaluate("async () => (await navigator.serviceWorker.ready).active !== null")
    batches: list[list[dict[str, Any]]] = []
    seen.context.on("request", lambda r: batches.append(r.post_data_json["operations"])
                    if r.method == "POST" and r.url.endswith("/api/sync") else None)

    seen.context.set_offline(True)
    page.reload()  # the shell loads with no network, still signed in
    expect(page.get_by_role("heading", level=1, name=S("desk.heading"))).to_be_visible()
    expect(banner(page, S("desk.offlineBanner", count=0))).to_be_visible()
    line = PAGES.choose_doctor(page, S, doctor)

    page.get_by_role("button", name=S("desk.registerWalkIn")).click()
    dialog = page.get_by_role("dialog", name=S("desk.walkInHeading"))
    dialog.get_by_label(S("desk.fullName")).fill(WALK_IN)
    dialog.get_by_label(S("desk.phone")).fill("+254700000301")
    dialog.get_by_role("button", name=S("desk.register"), exact=True).click()
    expect(dialog).to_contain_text(S("desk.registeredOffline", name=WALK_IN))
    page.keyboard.press("Escape")
    expect(page.get_by_text(S("desk.selected", name=WALK_IN)).first).to_be_visible()

    line.get_by_label(S("desk.urgency"), exact=True).select_option(
        label=PAGES.urgency_level(S, 4))
    line.get_by_role("button", name=S("desk.issue")).click()
    row = line.get_by_role("row").filter(has_text=WALK_IN)
    expect(row).to_contain_text(S("desk.pending"))
    row.get_by_role("button", name=S("desk.changeUrgency")).click()
    urgency = page.get_by_role("dialog", name=PAGES.pattern(S("desk.urgencyHeading")))
    urgency.get_by_label(S("desk.urgency"), exact=True).select_option(
        label=PAGES.urgency_level(S, 2))
    urgency.get_by_role("button", name=S("desk.saveUrgency")).click()
    expect(urgency).to_be_hidden()
    expect(row.get_by_role("cell").nth(2)).to_have_text("2")  # applied locally at once

    labels = [S("desk.labels.register", name=WALK_IN),
              S("desk.labels.issue", name=WALK_IN, urgency=4),
              S("desk.labels.urgency", urgency=2, label=S("desk.newTicket"))]
    expect(banner(page, S("desk.offlineBanner", count=3))).to_be_visible()
    for label in labels:
        expect(operation(page, S, label)).to_contain_text(S("desk.outcome.pending"))
    PAGES.screen_checked(page, "desk-offline")
    page.reload()  # still offline: nothing pending is lost
    expect(banner(page, S("desk.offlineBanner", count=3))).to_be_visible()
    assert batches == []
    line = PAGES.choose_doctor(page, S, doctor)

    seen.context.set_offline(False)  # back: they go through /api/sync, once
    expect(banner(page, S("desk.onlineAllSent"))).to_be_visible(timeout=30_000)
    for label in labels:
        expect(operation(page, S, label)).to_contain_text(S("desk.outcome.applied"))
    assert len(batches) == 1 and len(batches[0]) == 3, batches
    assert [(o["entity"], o["action"]) for o in batches[0]] == [
        ("patient", "register"), ("ticket", "issue"), ("ticket", "update")]
    PAGES.screen_checked(page, "desk-synced")

    mine = [t for t in clinic.line("doctor3")["waiting"] if t.get("patient_name") == WALK_IN]
    assert [t["urgency"] for t in mine] == [2], mine
    console = signed_in("doctor3")  # the doctor's line shows them
    doctors_row = console.get_by_role("region", name=S("doctor.lineHeading")).get_by_role(
        "row").filter(has_text=mine[0]["label"])
    expect(doctors_row).to_contain_text(WALK_IN)
    expect(doctors_row.get_by_role("cell").nth(2)).to_have_text("2")

    again = clinic.call("receptionist", "POST", "/sync", json={"operations": batches[0]})
    assert [r["outcome"] for r in again.json()["results"]] == ["duplicate"] * 3  # changes nothing
    assert [t for t in clinic.line("doctor3")["waiting"]
            if t.get("patient_name") == WALK_IN] == mine
    found = clinic.call("receptionist", "GET", "/auth/patients", params={"q": WALK_IN}).json()
    assert found["total"] == 1

    # Served meanwhile: the desk marks the called ticket missed while offline, the doctor
    # serves it online; once back, the desk's operation is rejected with the queue's reason.
    doctor_id = clinic.user_id("doctor3")
    called = clinic.call("doctor3", "POST", f"/queue/doctors/{doctor_id}/call-next").json()
    expect(line.get_by_text(PAGES.pattern(S("desk.beingSeen"), label=called["label"]))
           ).to_be_visible()
    seen.context.set_offline(True)
    expect(banner(page, S("desk.offlineBanner", count=0))).to_be_visible()
    called_row = line.get_by_role("row").filter(has_text=called["label"])
    called_row.get_by_role("button", name=S("desk.markMissed")).click()
    expect(banner(page, S("desk.offlineBanner", count=1))).to_be_visible()
    served = clinic.call("doctor3", "POST", f"/queue/tickets/{called['id']}/serve", json={})
    assert served.status_code == 200, served.text
    seen.context.set_offline(False)
    missed = operation(page, S, S("desk.labels.miss", label=called["label"]))
    expect(missed).to_contain_text(S("desk.outcome.rejected"), timeout=30_000)
    reason = re.escape(S("desk.rejectedBecause", reason="@")).replace("@", r"\S.*")
    expect(missed).to_contain_text(re.compile(reason))  # the queue's reason, in words
    assert len(batches) == 2 and len(batches[1]) == 1
    # the view pulls what changed: the served ticket leaves the desk's line
    expect(line.get_by_role("row").filter(has_text=called["label"])).to_have_count(0)
    PAGES.screen_checked(page, "desk-sync-rejected")
