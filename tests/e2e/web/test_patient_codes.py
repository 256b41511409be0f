"""The patient app's one-time codes at a phone's size, against `make run`: a walk-in that
reception registered activates with the SMS code (a wrong code first, said plainly, then the
limit on tries); a forgotten password is reset with the code reception sends, and by a patient
at home who asks for a code by SMS (the test reads the SMS the clinic sent, as its SMS sender
does: the code sealed in notifications' row, opened with the run's code key; the old password
works until the code is used; a number no account uses gets the same answer)."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import asyncpg
import pytest
from playwright.sync_api import expect

from hms_platform.sealing import Sealer
from hms_platform.testing.modules import load_beside
from hms_platform.testing.polling import until

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")
P = load_beside(__file__, "patient.py", "hms_e2e_web_patient")


def test_activate_a_walk_in_and_reset_a_password(phone: Any, clinic: Any, PS: Any) -> None:
    walker = P.walk_in(clinic, "Juma Walker")
    assert re.fullmatch(r"\w{5}-\w{5}", walker["activation_code"])
    page = phone().page()
    page.goto("/patient/")
    page.get_by_role("link", name=PS("account.signIn.activate")).click()
    expect(page.get_by_role("heading", level=1, name=PS("account.activate.heading"))
           ).to_be_visible()
    PAGES.screen_checked(page, "patient-activate")
    wrong = "22222-33333" if walker["activation_code"] != "22222-33333" else "44444-55555"
    P.fill_code_form(page, PS, "activate", walker["phone_number"], wrong, "walker password 1")
    expect(page.get_by_role("alert")).to_have_text(PS("account.activate.wrong"))
    P.fill_code_form(page, PS, "activate", walker["phone_number"], walker["activation_code"],
                   "walker password 1")
    P.at_home(page, PS)
    assert P.me(clinic, walker["phone_number"], "walker password 1")["activated"] is True

    # The limit on tries: wrong codes for one account, until auth says to wait (429).
    locked = P.walk_in(clinic, "Baraka Locked")
    page = phone().page()
    page.goto("/patient/activate")
    statuses: list[int] = []
    for _ in range(8):
        with page.expect_response(lambda r: r.url.endswith("/api/auth/patients/activate")) as got:
            P.fill_code_form(page, PS, "activate", locked["phone_number"], wrong,
                             "baraka password 1")
        statuses.append(got.value.status)
        if got.value.status == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}, statuses
    expect(page.get_by_role("alert")).to_have_text(PAGES.pattern(PS("account.activate.locked")))

    # A forgotten password: reception sends a reset code (for a walk-in who never set a
    # password the desk is shown it; anyone else gets it by SMS only).
    second = P.walk_in(clinic, "Zuhura Reset")
    issued = clinic.call("receptionist", "POST", f"/auth/users/{second['id']}/password-reset")
    assert issued.status_code == 201, issued.text
    code = issued.json()["code"]
    assert code
    page = phone().page()
    page.goto("/patient/")
    page.get_by_role("link", name=PS("account.signIn.reset")).click()
    expect(page.get_by_role("heading", level=1, name=PS("account.reset.heading"))).to_be_visible()
    page.get_by_role("button", name=PS("account.reset.haveCode")).click()  # reception sent it
    expect(page.get_by_text(PS("account.reset.intro"))).to_be_visible()
    PAGES.screen_checked(page, "patient-reset")
    P.fill_code_form(page, PS, "reset", second["phone_number"], wrong, "zuhura password 1")
    expect(page.get_by_role("alert")).to_have_text(PS("account.reset.wrong"))
    P.fill_code_form(page, PS, "reset", second["phone_number"], code, "zuhura password 1")
    P.at_home(page, PS)
    assert P.me(clinic, second["phone_number"], "zuhura password 1")["id"] == second["id"]


def sms_codes(clinic: Any, user_id: str) -> list[str]:
    """The reset codes the clinic has sent this user by SMS (notifications' rows, the code
    sealed in each), opened with the run's code key as the SMS sender opens them. (Read on a
    thread of its own: Playwright's sync API keeps an event loop running on this one.)"""
    pid = (clinic.data / "pgdata" / "postmaster.pid").read_text().splitlines()
    port, socket_dir = int(pid[3]), pid[4]

    async def rows() -> list[Any]:
        conn = await asyncpg.connect(host=socket_dir, port=port, user="postgres", database="hms")
        try:
            return list(await conn.fetch(
                "SELECT params FROM notifications.messages WHERE recipient_id = $1 AND "
                "kind = 'password_reset_code' AND channel = 'sms' AND status IN ('sent', "
                "'delivered') ORDER BY created_at", uuid.UUID(user_id)))
        finally:
            await conn.close()

    sealer = Sealer.from_base64((clinic.data / "code-encryption-key").read_text().strip())
    return [sealer.open(json.loads(row["params"])["sealed_code"], f"password_reset:{user_id}")
            for row in ThreadPoolExecutor(1).submit(asyncio.run, rows()).result()]


def test_a_patient_at_home_asks_for_a_reset_code_by_sms(phone: Any, clinic: Any,
                                                          PS: Any) -> None:
    patient = clinic.new_patient("Amani Forgot")
    number, old = patient["username"], patient["password"]
    page = phone().page()
    page.goto("/patient/")
    page.get_by_role("link", name=PS("account.signIn.reset")).click()
    expect(page.get_by_role("heading", level=1, name=PS("account.reset.heading"))).to_be_visible()
    expect(page.get_by_text(PS("account.reset.askIntro"))).to_be_visible()
    PAGES.screen_checked(page, "patient-reset-ask")
    ask = page.get_by_role("button", name=PS("account.reset.askSubmit"))
    page.get_by_label(PS("account.common.phone"), exact=True).fill("not a number")
    ask.click()
    expect(page.get_by_role("alert")).to_have_text(PS("account.common.badPhone"))
    page.get_by_label(PS("account.common.phone"), exact=True).fill(number)
    with page.expect_response(lambda r: r.url.endswith("/password-reset/request")) as sent:
        ask.click()
    assert sent.value.status == 202
    expect(page.get_by_role("status")).to_have_text(PS("account.reset.sent"))
    expect(page.get_by_label(PS("account.common.phone"), exact=True)).to_have_value(number)
    expect(page.get_by_label(PS("account.reset.code"), exact=True)).to_be_focused()
    PAGES.screen_checked(page, "patient-reset-code")
    assert P.token(clinic, number, old).status_code == 200  # asking locked nobody out
    until(lambda: len(sms_codes(clinic, patient["id"])) == 1, timeout=30, interval=0.2)
    [code] = sms_codes(clinic, patient["id"])  # one SMS for one request
    new = "amani new password 1"
    page.get_by_label(PS("account.reset.code"), exact=True).fill(code)
    page.get_by_label(PS("account.common.newPassword"), exact=True).fill(new)
    page.get_by_label(PS("account.common.confirm"), exact=True).fill(new)
    page.get_by_role("button", name=PS("account.reset.submit")).click()
    P.at_home(page, PS)
    assert P.token(clinic, number, old).status_code == 401
    assert P.me(clinic, number, new)["id"] == patient["id"]

    # A number no account uses: the same answer and the same next step, and no SMS.
    page = phone().page()
    page.goto("/patient/reset")
    page.get_by_label(PS("account.common.phone"), exact=True).fill(P.new_phone())
    page.get_by_role("button", name=PS("account.reset.askSubmit")).click()
    expect(page.get_by_role("status")).to_have_text(PS("account.reset.sent"))
    page.get_by_role("button", name=PS("account.reset.again")).click()
    expect(page.get_by_role("button", name=PS("account.reset.askSubmit"))).to_be_visible()
