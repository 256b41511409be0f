"""The patient app's service worker shows a Web Push as a notification (delivered through the
DevTools protocol, as a push service would), a repeat of the same message replacing the first
rather than ringing twice."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


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
