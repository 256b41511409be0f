"""Messages name a ticket by its label ("B-002", as the screen and the printed ticket show
it; an event from before labels, by its number), every kind's texts read well, and the log
keeps each text as sent with a one-time code masked, never the code."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hms_contracts.auth import ActivationCodeIssued, PasswordResetIssued
from hms_contracts.queue import PatientCalled
from hms_notifications.domain import model as m
from hms_notifications.domain.rules import Rules
from hms_notifications.domain.templates import CODE_MASK, TEMPLATES, as_logged, render
from hms_notifications.service_layer import commands as c

TZ = ZoneInfo("Africa/Nairobi")
NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
CODE = "QWERT-YUIOP"
EXPIRES = (NOW + timedelta(hours=1)).isoformat()


def test_turn_now_names_the_ticket_by_its_label() -> None:
    params = Rules(clinic_tz=TZ).turn_now(uuid.uuid4(), uuid.uuid4(), 2, "12", NOW, NOW,
                                          "B-002")[0].params
    assert params == {"number": 2, "room": "12", "label": "B-002"}
    assert render("turn_now", "sms", params, TZ).body == (
        "HMS: ticket B-002, it is your turn. Please go to room 12 now.")
    assert render("turn_now", "push", params, TZ).body == "Ticket B-002: please go to room 12 now."


def test_a_row_planned_from_an_event_without_label_falls_back_to_the_number() -> None:
    params = Rules(clinic_tz=TZ).turn_now(uuid.uuid4(), uuid.uuid4(), 2, "12", NOW, NOW)[0].params
    assert params == {"number": 2, "room": "12"}  # as rows already in the log are
    assert "ticket 2, it is your turn" in render("turn_now", "sms", params, TZ).body


def test_a_doctor_without_a_room_is_not_an_empty_room() -> None:
    body = render("turn_now", "sms", {"number": 2, "label": "B-002", "room": ""}, TZ).body
    assert body == "HMS: ticket B-002, it is your turn. Please go in now."


@pytest.mark.parametrize(("ahead", "eta", "said"), [
    (0, 0, "you are next (any minute now)"),
    (1, 5, "1 person is ahead of you (about 5 min)"),
    (3, 25, "3 people are ahead of you (about 25 min)"),
])
def test_turn_approaching_counts_people_in_words(ahead: int, eta: int, said: str) -> None:
    params = {"people_ahead": ahead, "eta_minutes": eta}
    assert said in render("turn_approaching", "sms", params, TZ).body
    assert render("turn_approaching", "push", params, TZ).body == said[0].upper() + said[1:] + "."


def test_reminders_and_activation_codes_read_as_sentences() -> None:
    start = datetime(2026, 3, 4, 7, 30, tzinfo=UTC).isoformat()
    reminder = render("appointment_reminder", "sms", {"start": start, "lead_minutes": 120,
                                                      "ref": "abcdef12"}, TZ).body
    assert reminder == ("HMS reminder: your appointment is on Wed 04 Mar 10:30 (in 2 h). "
                        "Ref ABCDEF12.")
    activation = render("activation_code", "sms", {"expires_at": EXPIRES}, TZ, code=CODE).body
    assert activation == (f"HMS: your activation code is {CODE}. Use it with your phone number "
                          "to set your password. It expires Mon 02 Mar 09:00. Do not share it.")


@pytest.mark.parametrize(("kind", "channel"),
                         [(k, ch) for k, by in TEMPLATES.items() for ch in by])
def test_the_logged_text_is_the_sent_text_with_any_code_masked(kind: str, channel: str) -> None:
    params = {"start": NOW.isoformat(), "ref": "abcdef12", "expires_at": EXPIRES,
              "number": 2, "label": "B-002", "room": "12", "people_ahead": 1, "eta_minutes": 5,
              "active": 1, "limit": 3, "window_days": 90, "lead_minutes": 120,
              "sealed_code": "v1.sealed"}
    sent = render(kind, channel, params, TZ, name="Amina", code=CODE)
    logged = as_logged(kind, channel, params, TZ, name="Amina")
    assert CODE not in logged.title + logged.body
    assert (logged.title, logged.body) == (
        sent.title, sent.body.replace(CODE, CODE_MASK))
    assert (CODE_MASK in logged.body) == (kind in m.CODE_KINDS)


async def test_the_sender_sends_the_label_and_logs_the_text(fake) -> None:  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    for number, label in ((2, "B-002"), (7, None)):
        event = PatientCalled(ticket_id=uuid.uuid4(), number=number, patient_id=fake.patient,
                              doctor_id=uuid.uuid4(), room="12", called_at=fake.clock.now(),
                              label=label)
        if label is None:  # as a queue from before labels published it
            payload = event.model_dump(mode="json")
            del payload["label"]
            event = PatientCalled.model_validate(payload)
        await fake.bus.handle(event, uow=fake.uow())
    await fake.bus.handle(c.SendDue())
    bodies = sorted(text.body for _, text, _ in fake.channels["sms"].sent)
    assert bodies == ["HMS: ticket 7, it is your turn. Please go to room 12 now.",
                      "HMS: ticket B-002, it is your turn. Please go to room 12 now."]
    assert sorted((x.subject, x.body) for x in fake.store.of()) == [(None, b) for b in bodies]


@pytest.mark.parametrize("kind", ["password_reset_code", "activation_code"])
async def test_a_code_is_sent_but_the_log_keeps_it_masked(fake, kind: str) -> None:  # type: ignore[no-untyped-def]
    purpose = m.CODE_PURPOSES[kind]
    sealed = fake.sealer.seal(CODE, f"{purpose}:{fake.patient}")
    expires = fake.clock.now() + timedelta(hours=1)
    event = (PasswordResetIssued(user_id=fake.patient, issued_by=uuid.uuid4(),
                                 sealed_code=sealed, expires_at=expires)
             if kind == "password_reset_code"
             else ActivationCodeIssued(user_id=fake.patient, sealed_code=sealed,
                                       expires_at=expires))
    await fake.bus.handle(event, uow=fake.uow())
    await fake.bus.handle(c.SendDue())
    [(_, sent, _)] = fake.channels["sms"].sent
    assert CODE in sent.body
    [row] = fake.store.of()
    assert row.status == m.SENT and row.body == sent.body.replace(CODE, CODE_MASK)
    assert CODE not in repr(row)


async def test_a_message_never_rendered_has_no_text(fake) -> None:  # type: ignore[no-untyped-def]
    await fake.bus.handle(PatientCalled(
        ticket_id=uuid.uuid4(), number=2, patient_id=fake.patient, doctor_id=uuid.uuid4(),
        room="12", called_at=fake.clock.now(), label="B-002"), uow=fake.uow())
    assert {x.body for x in fake.store.of()} == {None}  # planned, not yet sent
    fake.store.contacts[fake.patient] = m.Contact(fake.patient, active=False)
    await fake.bus.handle(c.SendDue())
    assert {(x.status, x.subject, x.body) for x in fake.store.of()} == {(m.SKIPPED, None, None)}
