"""The patient app's account screens at a phone's size, against `make run`: a patient registers
through the app and lands signed in, signs out, mistypes the password (said plainly) and signs
in again; a session ended elsewhere is said on the next load; a taken phone number is said
with the ways on. In Me: the profile changed online, the password changed (this phone signed in
again, the old password refused), phone notifications refused by the browser (the app says SMS
is used instead), and a profile change made offline: waiting, then applied through /api/sync
once the network is back, and the server has it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from hms_platform.testing.modules import load_beside

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")
P = load_beside(__file__, "patient.py", "hms_e2e_web_patient")


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
    number, password = P.new_phone(), "a good password 1"
    page.get_by_label(PS("account.common.phone"), exact=True).fill(number)
    page.get_by_label(PS("account.common.fullName"), exact=True).fill("Neema Achieng")
    page.get_by_label(PS("account.common.password"), exact=True).fill(password)
    page.get_by_label(PS("account.common.confirm"), exact=True).fill("a good password 2")
    page.get_by_role("button", name=PS("account.register.submit")).click()
    expect(page.get_by_role("alert")).to_have_text(PS("account.common.mismatch"))  # caught here
    page.get_by_label(PS("account.common.confirm"), exact=True).fill(password)
    page.get_by_label(PS("account.common.confirm"), exact=True).press("Enter")  # Enter acts
    P.at_home(page, PS)
    assert P.me(clinic, number, password)["full_name"] == "Neema Achieng"

    page.get_by_role("button", name=PS("shell.signOut")).click()
    expect(page.get_by_role("heading", level=1, name=PS("account.signIn.heading"))).to_be_visible()
    P.sign_in(page, PS, number, "not the password")
    expect(page.get_by_role("alert")).to_have_text(PS("account.signIn.failed"))
    P.sign_in(page, PS, number, password)
    P.at_home(page, PS)

    # The session ends elsewhere (every session revoked): the app says so and asks again.
    access = P.token(clinic, number, password).json()["access_token"]
    ended = httpx.post(f"{clinic.base}/api/auth/logout", timeout=30, json={},
                       headers={"Authorization": f"Bearer {access}"})
    assert ended.status_code in (200, 204), ended.text
    page.reload()
    expect(page.get_by_text(PS("account.signIn.expired"))).to_be_visible()
    expect(page.get_by_label(PS("account.signIn.phone"), exact=True)).to_have_value(number)
    page.get_by_label(PS("account.signIn.password"), exact=True).fill(password)
    page.get_by_label(PS("account.signIn.password"), exact=True).press("Enter")
    P.at_home(page, PS)

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


def test_me_profile_password_push_and_offline(phone: Any, clinic: Any, PS: Any) -> None:
    patient = clinic.new_patient("Imani Profile")
    seen = phone()
    page = seen.page()
    page.goto("/patient/")
    P.sign_in(page, PS, patient["username"], patient["password"])
    P.at_home(page, PS)
    page.get_by_role("link", name=PS("shell.nav.me")).click()
    expect(page.get_by_role("heading", level=1, name=PS("account.me.heading"))).to_be_visible()
    name = page.get_by_label(PS("account.common.fullName"), exact=True)
    expect(name).to_have_value("Imani Profile")
    PAGES.screen_checked(page, "patient-me")

    # the profile, online
    name.fill("Imani W. Profile")
    page.get_by_role("button", name=PS("account.profile.save")).click()
    expect(page.get_by_text(PS("account.profile.saved"))).to_be_visible()
    assert P.me(clinic, patient["username"], patient["password"])["full_name"] == "Imani W. Profile"

    # how the clinic tells me, online: email too, quiet hours at night
    prefs = page.get_by_role("region", name=PS("account.prefs.heading"))
    prefs.get_by_label(PS("account.prefs.email"), exact=True).check()
    prefs.get_by_label(PS("account.prefs.quietOn"), exact=True).check()
    prefs.get_by_label(PS("account.prefs.quietStart"), exact=True).fill("22:00")
    prefs.get_by_label(PS("account.prefs.quietEnd"), exact=True).fill("06:30")
    prefs.get_by_role("button", name=PS("account.prefs.save")).click()
    expect(prefs.get_by_text(PS("account.prefs.saved"), exact=True)).to_be_visible()
    saved = P.as_patient(clinic, patient["username"], patient["password"],
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
    assert P.token(clinic, patient["username"], patient["password"]).status_code == 401
    assert P.me(clinic, patient["username"], new_password)["full_name"] == "Imani W. Profile"

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
    assert P.me(clinic, patient["username"], new_password)["full_name"] == "Imani Offline"
    now = P.as_patient(clinic, patient["username"], new_password, "/notifications/preferences")
    assert "email" not in now["channels"]
    assert now["quiet_hours"] == {"start": "22:00", "end": "06:30"}
    sent = [op for batch in syncs for op in batch["operations"]]
    assert [(op["entity"], op["action"], op["fields"]) for op in sent] == [
        ("patient", "update", {"full_name": "Imani Offline"}),
        ("preferences", "update", {"channels": [c for c in saved["channels"] if c != "email"],
                                   "quiet_hours": {"start": "22:00", "end": "06:30"}})]
