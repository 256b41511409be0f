"""The patient app's account screens at a phone's size, against `make run`: a patient registers
through the app and lands signed in, signs out, mistypes the password (said plainly) and signs
in again; a session ended elsewhere is said on the next load; a taken phone number is said
with the ways on. A walk-in that reception registered
activates with the SMS code (a wrong code first, said plainly); a forgotten password is reset
with the code reception sends. In Me: the profile changed online, the password changed (this
phone signed in again, the old password refused), phone notifications refused by the browser
(the app says SMS is used instead), and a profile change made offline: waiting, then applied
through /api/sync once the network is back, and the server has it. The service worker shows a
push as a notification (delivered through the DevTools protocol), a repeat replacing the first."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from hms_platform.testing.modules import load_beside

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")


def new_phone() -> str:
    return "+2547" + "".join(secrets.choice("0123456789") for _ in range(8))


def token(clinic: Any, username: str, password: str) -> httpx.Response:
    return httpx.post(f"{clinic.base}/api/auth/token", timeout=30,
                      data={"username": username, "password": password})


def as_patient(clinic: Any, username: str, password: str, path: str) -> dict[str, Any]:
    """GET ``path`` (under /api) as this patient."""
    answer = token(clinic, username, password)
    assert answer.status_code == 200, answer.text
    got = httpx.get(f"{clinic.base}/api{path}", timeout=30,
                    headers={"Authorization": f"Bearer {answer.json()['access_token']}"})
    assert got.status_code == 200, got.text
    return dict(got.json())


def me(clinic: Any, username: str, password: str) -> dict[str, Any]:
    return as_patient(clinic, username, password, "/auth/me")


def sign_in(page: Page, PS: Any, login: str, password: str) -> None:
    page.get_by_label(PS("account.signIn.phone"), exact=True).fill(login)
    page.get_by_label(PS("account.signIn.password"), exact=True).fill(password)
    page.get_by_role("button", name=PS("account.signIn.submit"), exact=True).click()


def at_home(page: Page, PS: Any) -> None:
    """Signed in: the tabs are there and the app is on the visits."""
    expect(page.get_by_role("navigation", name=PS("shell.nav.label"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/patient/$"))


def fill_code_form(page: Page, PS: Any, kind: str, phone: str, code: str, password: str) -> None:
    page.get_by_label(PS("account.common.phone"), exact=True).fill(phone)
    page.get_by_label(PS(f"account.{kind}.code"), exact=True).fill(code)
    page.get_by_label(PS("account.common.newPassword"), exact=True).fill(password)
    page.get_by_label(PS("account.common.confirm"), exact=True).fill(password)
    page.get_by_role("button", name=PS(f"account.{kind}.submit")).click()


def walk_in(clinic: Any, name: str) -> dict[str, Any]:
    """Reception registers a patient without a password (the answer has the activation code)."""
    answer = clinic.call("receptionist", "POST", "/auth/patients",
                         json={"phone_number": new_phone(), "full_name": name})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_register_sign_out_and_in_again(phone: Any, clinic: Any, PS: Any) -> None:
    page = phone().page()
    page.goto("/patient/")
    expect(page.get_by_role("heading", level=1, name=PS("account.signIn.heading"))).to_be_visible()
    expect(page.get_by_label(PS("account.signIn.phone"), exact=True)).to_be_focused()
    PAGES.screen_checked(page, "patient-signin")

    page.get_by_role("link", name=PS("account.signIn.register")).click()
    expect(page.get_by_role("heading", level=1, name=PS("account.register.heading"))
           ).to_be_visible()
    PAGES.screen_checked(page, "patient-register")
    number, password = new_phone(), "a good password 1"
    page.get_by_label(PS("account.common.phone"), exact=True).fill(number)
    page.get_by_label(PS("account.common.fullName"), exact=True).fill("Neema Achieng")
    page.get_by_label(PS("account.common.password"), exact=True).fill(password)
    page.get_by_label(PS("account.common.confirm"), exact=True).fill("a good password 2")
    page.get_by_role("button", name=PS("account.register.submit")).click()
    expect(page.get_by_role("alert")).to_have_text(PS("account.common.mismatch"))  # caught here
    page.get_by_label(PS("account.common.confirm"), exact=True).fill(password)
    page.get_by_label(PS("account.common.confirm"), exact=True).press("Enter")  # Enter acts
    at_home(page, PS)
    assert me(clinic, number, password)["full_name"] == "Neema Achieng"

    page.get_by_role("button", name=PS("shell.signOut")).click()
    expect(page.get_by_role("heading", level=1, name=PS("account.signIn.heading"))).to_be_visible()
    sign_in(page, PS, number, "not the password")
    expect(page.get_by_role("alert")).to_have_text(PS("account.signIn.failed"))
    sign_in(page, PS, number, password)
    at_home(page, PS)

    # The session ends elsewhere (every session revoked): the app says so and asks again.
    access = token(clinic, number, password).json()["access_token"]
    ended = httpx.post(f"{clinic.base}/api/auth/logout", timeout=30, json={},
                       headers={"Authorization": f"Bearer {access}"})
    assert ended.status_code in (200, 204), ended.text
    page.reload()
    expect(page.get_by_text(PS("account.signIn.expired"))).to_be_visible()
    expect(page.get_by_label(PS("account.signIn.phone"), exact=True)).to_have_value(number)
    page.get_by_label(PS("account.signIn.password"), exact=True).fill(password)
    page.get_by_label(PS("account.signIn.password"), exact=True).press("Enter")
    at_home(page, PS)

    other = phone().page()  # someone registering the same number: said, with the ways on
    other.goto("/patient/register")
    other.get_by_label(PS("account.common.phone"), exact=True).fill(number)
    other.get_by_label(PS("account.common.fullName"), exact=True).fill("Someone Else")
    other.get_by_label(PS("account.common.password"), exact=True).fill(password)
    other.get_by_label(PS("account.common.confirm"), exact=True).fill(password)
    other.get_by_role("button", name=PS("account.register.submit")).click()
    alert = other.get_by_role("alert")
    expect(alert).to_contain_text(PS("account.register.phoneTaken"))
    expect(alert.get_by_role("link", name=PS("account.register.takenReset"))).to_be_visible()


def test_activate_a_walk_in_and_reset_a_password(phone: Any, clinic: Any, PS: Any) -> None:
    walker = walk_in(clinic, "Juma Walker")
    assert re.fullmatch(r"\w{5}-\w{5}", walker["activation_code"])
    page = phone().page()
    page.goto("/patient/")
    page.get_by_role("link", name=PS("account.signIn.activate")).click()
    expect(page.get_by_role("heading", level=1, name=PS("account.activate.heading"))
           ).to_be_visible()
    PAGES.screen_checked(page, "patient-activate")
    wrong = "22222-33333" if walker["activation_code"] != "22222-33333" else "44444-55555"
    fill_code_form(page, PS, "activate", walker["phone_number"], wrong, "walker password 1")
    expect(page.get_by_role("alert")).to_have_text(PS("account.activate.wrong"))
    fill_code_form(page, PS, "activate", walker["phone_number"], walker["activation_code"],
                   "walker password 1")
    at_home(page, PS)
    assert me(clinic, walker["phone_number"], "walker password 1")["activated"] is True

    # The limit on tries: wrong codes for one account, until auth says to wait (429).
    locked = walk_in(clinic, "Baraka Locked")
    page = phone().page()
    page.goto("/patient/activate")
    statuses: list[int] = []
    for _ in range(8):
        with page.expect_response(lambda r: r.url.endswith("/api/auth/patients/activate")) as got:
            fill_code_form(page, PS, "activate", locked["phone_number"], wrong, "baraka password 1")
        statuses.append(got.value.status)
        if got.value.status == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}, statuses
    expect(page.get_by_role("alert")).to_have_text(PAGES.pattern(PS("account.activate.locked")))

    # A forgotten password: reception sends a reset code (for a walk-in who never set a
    # password the desk is shown it; anyone else gets it by SMS only).
    second = walk_in(clinic, "Zuhura Reset")
    issued = clinic.call("receptionist", "POST", f"/auth/users/{second['id']}/password-reset")
    assert issued.status_code == 201, issued.text
    code = issued.json()["code"]
    assert code
    page = phone().page()
    page.goto("/patient/")
    page.get_by_role("link", name=PS("account.signIn.reset")).click()
    expect(page.get_by_role("heading", level=1, name=PS("account.reset.heading"))).to_be_visible()
    expect(page.get_by_text(PS("account.reset.intro"))).to_be_visible()  # ask reception
    PAGES.screen_checked(page, "patient-reset")
    fill_code_form(page, PS, "reset", second["phone_number"], wrong, "zuhura password 1")
    expect(page.get_by_role("alert")).to_have_text(PS("account.reset.wrong"))
    fill_code_form(page, PS, "reset", second["phone_number"], code, "zuhura password 1")
    at_home(page, PS)
    assert me(clinic, second["phone_number"], "zuhura password 1")["id"] == second["id"]


def test_me_profile_password_push_and_offline(phone: Any, clinic: Any, PS: Any) -> None:
    patient = clinic.new_patient("Imani Profile")
    seen = phone()
    page = seen.page()
    page.goto("/patient/")
    sign_in(page, PS, patient["username"], patient["password"])
    at_home(page, PS)
    page.get_by_role("link", name=PS("shell.nav.me")).click()
    expect(page.get_by_role("heading", level=1, name=PS("account.me.heading"))).to_be_visible()
    name = page.get_by_label(PS("account.common.fullName"), exact=True)
    expect(name).to_have_value("Imani Profile")
    PAGES.screen_checked(page, "patient-me")

    # the profile, online
    name.fill("Imani W. Profile")
    page.get_by_role("button", name=PS("account.profile.save")).click()
    expect(page.get_by_text(PS("account.profile.saved"))).to_be_visible()
    assert me(clinic, patient["username"], patient["password"])["full_name"] == "Imani W. Profile"

    # how the clinic tells me, online: email too, quiet hours at night
    prefs = page.get_by_role("region", name=PS("account.prefs.heading"))
    prefs.get_by_label(PS("account.prefs.email"), exact=True).check()
    prefs.get_by_label(PS("account.prefs.quietOn"), exact=True).check()
    prefs.get_by_label(PS("account.prefs.quietStart"), exact=True).fill("22:00")
    prefs.get_by_label(PS("account.prefs.quietEnd"), exact=True).fill("06:30")
    prefs.get_by_role("button", name=PS("account.prefs.save")).click()
    expect(prefs.get_by_text(PS("account.prefs.saved"), exact=True)).to_be_visible()
    saved = as_patient(clinic, patient["username"], patient["password"],
                       "/notifications/preferences")
    assert "email" in saved["channels"]
    assert saved["quiet_hours"] == {"start": "22:00", "end": "06:30"}

    # the password: every session ends; this phone is signed in again with the new one
    new_password = "imani new password 1"
    page.get_by_label(PS("account.password.current"), exact=True).fill(patient["password"])
    card = page.get_by_role("region", name=PS("account.password.heading"))
    card.get_by_label(PS("account.common.newPassword"), exact=True).fill(new_password)
    card.get_by_label(PS("account.common.confirm"), exact=True).fill(new_password)
    card.get_by_role("button", name=PS("account.password.submit")).click()
    expect(card.get_by_text(PS("account.password.done"))).to_be_visible()
    assert token(clinic, patient["username"], patient["password"]).status_code == 401
    assert me(clinic, patient["username"], new_password)["full_name"] == "Imani W. Profile"

    # phone notifications: the browser refuses them -> SMS instead, said plainly
    push = page.get_by_role("region", name=PS("account.push.heading"))
    expect(push.get_by_role("status")).to_have_text(PS("account.push.off"))
    push.get_by_role("button", name=PS("account.push.turnOn")).click()
    expect(push.get_by_role("status")).to_have_text(PS("account.push.denied"))
    assert "SMS instead" in PS("account.push.denied")

    # offline: the change waits on the phone, then goes through /api/sync when back online
    syncs: list[Any] = []
    seen.context.on("request", lambda r: syncs.append(r.post_data_json) if r.method == "POST"
                    and r.url.endswith("/api/sync") else None)
    seen.context.set_offline(True)
    expect(page.get_by_text(PS("account.me.offline"))).to_be_visible()
    name.fill("Imani Offline")
    page.get_by_role("button", name=PS("account.profile.save")).click()
    expect(page.get_by_text(PS("account.profile.queued")).first).to_be_visible()
    prefs.get_by_label(PS("account.prefs.email"), exact=True).uncheck()
    prefs.get_by_role("button", name=PS("account.prefs.save")).click()
    expect(prefs.get_by_text(PS("account.prefs.queued"), exact=True)).to_be_visible()
    changes = page.get_by_role("region", name=PS("account.changes.heading"))
    expect(changes.get_by_role("listitem")).to_have_count(2)
    for item in changes.get_by_role("listitem").all():
        expect(item).to_contain_text(PS("account.changes.state.pending"))
    PAGES.no_serious_violations(page, "patient-me-offline")

    seen.context.set_offline(False)
    for item in changes.get_by_role("listitem").all():
        expect(item).to_contain_text(PS("account.changes.state.applied"))
    expect(name).to_have_value("Imani Offline")
    assert me(clinic, patient["username"], new_password)["full_name"] == "Imani Offline"
    now = as_patient(clinic, patient["username"], new_password, "/notifications/preferences")
    assert "email" not in now["channels"]
    assert now["quiet_hours"] == {"start": "22:00", "end": "06:30"}
    sent = [op for batch in syncs for op in batch["operations"]]
    assert [(op["entity"], op["action"], op["fields"]) for op in sent] == [
        ("patient", "update", {"full_name": "Imani Offline"}),
        ("preferences", "update", {"channels": [c for c in saved["channels"] if c != "email"],
                                   "quiet_hours": {"start": "22:00", "end": "06:30"}})]


NOTIFICATIONS = """async (tag) => {
  const registration = await navigator.serviceWorker.ready;
  for (let i = 0; i < 200; i += 1) {
    const shown = await registration.getNotifications();
    if (shown.some((n) => n.tag === tag)) {
      return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag,
                                 url: n.data && n.data.url }));
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  return null;
}"""


def test_the_service_worker_shows_a_push_once(phone: Any, clinic: Any) -> None:
    seen = phone(permissions=["notifications"])
    page = seen.page()
    page.goto("/patient/")
    assert page.evaluate("async () => (await navigator.serviceWorker.ready).scope").endswith(
        "/patient/")
    cdp = seen.context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(200):  # the enable's events arrive while the page runs
        if registrations:
            break
        page.wait_for_timeout(50)
    ours = [r for r in registrations if r["scopeURL"].endswith("/patient/") and not r["isDeleted"]]
    assert ours, registrations

    def deliver(payload: dict[str, str]) -> None:
        cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": clinic.base, "registrationId": ours[0]["registrationId"],
            "data": json.dumps(payload)})

    turn = {"title": "It's your turn", "body": "Go to room 5.", "kind": "turn_now",
            "notification_id": "n-1", "url": "/patient/ticket"}
    deliver(turn)
    deliver(turn)  # the same message again (a retry): replaces, never a second notification
    deliver({"title": "Booked", "body": "Tomorrow 09:00", "kind": "booking_confirmed",
             "notification_id": "n-2", "url": "https://elsewhere.example/phish"})
    shown = page.evaluate(NOTIFICATIONS, "n-2")
    assert shown is not None
    assert sorted(shown, key=lambda n: n["tag"]) == [
        {"title": "It's your turn", "body": "Go to room 5.", "tag": "n-1",
         "url": "/patient/ticket"},
        {"title": "Booked", "body": "Tomorrow 09:00", "tag": "n-2",
         "url": "https://elsewhere.example/phish"}]
