"""What the patient app's browser tests share (loaded with ``load_beside``): a new phone number,
signing in through the form, being at home, the code forms, a walk-in registered by reception,
the API as a patient, choosing a doctor and booking through reception."""

from __future__ import annotations

import re
import secrets
import time
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Page, expect


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


CONTROLLED = """async () => {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((done) =>
      navigator.serviceWorker.addEventListener("controllerchange", done, { once: true }));
  }
  return navigator.serviceWorker.controller !== null;
}"""
DEPARTMENTS = {"doctor": "General medicine", "doctor2": "Paediatrics", "doctor3": "Dental"}


def signed_in(seen: Any, patient: dict[str, str], PS: Any) -> Page:
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
