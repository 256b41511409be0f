"""People's names in a doctor's line over HTTP on the real database: staff and that doctor read
them, a name change reaches the line, and the waiting-room screen carries no patient's name."""

from __future__ import annotations

import asyncio

import httpx

from hms_contracts.auth import UserUpdated
from hms_contracts.envelope import Envelope
from hms_platform.testing.sse import next_event


async def test_staff_and_the_doctor_read_names_and_screens_never_show_patients(
        api, serving) -> None:
    ids = api.ids
    await api.ticket("called")
    await api.ticket("waiting", patient="other_patient")
    patient_name = f"patient {str(ids['patient'])[:4]}"  # as the fixtures register them
    other_name = f"patient {str(ids['other_patient'])[:4]}"
    for who in ("receptionist", "admin", "doctor"):
        line = await api.call(who, "GET", f"/doctors/{ids['doctor']}")
        assert line.status_code == 200, line.text
        body = line.json()
        assert body["doctor_name"] == f"doctor {str(ids['doctor'])[:4]}"
        assert body["called"]["patient_name"] == patient_name
        assert [w["patient_name"] for w in body["waiting"]] == [other_name]
    for who in ("patient", "other_doctor"):
        assert (await api.call(who, "GET", f"/doctors/{ids['doctor']}")).status_code == 403
    # ticket answers elsewhere stay as they were (no names)
    mine = await api.call("patient", "GET", "/tickets/mine")
    assert mine.status_code == 200 and "patient_name" not in mine.text

    await api.world.consumer(Envelope.of(UserUpdated(
        user_id=ids["patient"], changed=["full_name"], full_name="Achieng Otieno")))
    line = await api.call("receptionist", "GET", f"/doctors/{ids['doctor']}")
    assert line.json()["called"]["patient_name"] == "Achieng Otieno"

    made = await api.call("admin", "POST", "/displays",
                          json={"doctor_ids": [str(ids["doctor"])], "hours": 2})
    assert made.status_code == 201, made.text
    page = await api.client.get(made.json()["url"])
    async with serving(api.app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client:
        stream_url = made.json()["url"].replace("/display?", "/display/stream?")
        async with asyncio.timeout(30), client.stream("GET", stream_url) as stream:
            assert stream.status_code == 200
            first = await next_event(stream.aiter_lines())
    for shown in (page.text, repr(first)):
        for name in ("Achieng Otieno", patient_name, other_name):
            assert name not in shown
    assert "A-001" in repr(first)  # the screen did show the line
