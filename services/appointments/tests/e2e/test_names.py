"""People's names in the appointments' answers over HTTP on the real database: staff and the
doctor read them, a patient their own and their doctor's only, and a name change shows."""

from __future__ import annotations

from hms_contracts.auth import UserUpdated
from hms_contracts.envelope import Envelope


async def test_names_for_staff_and_the_doctor_and_never_another_patients(api) -> None:
    mine = await api.book("09:00", who="patient")
    theirs = await api.book("10:00", patient="other_patient")
    # A change answers with the ids only (the caller has just named the people); reads name them.
    assert (mine["patient_name"], mine["doctor_name"]) == (None, None)
    mine_read = (await api.call("patient", "GET", f"/{mine['id']}")).json()
    assert (mine_read["patient_name"], mine_read["doctor_name"]) == ("Alice", "Dr Daudi")
    for who in ("receptionist", "admin", "doctor"):
        listed = await api.call(who, "GET", "")
        assert listed.status_code == 200, listed.text
        assert [(a["patient_name"], a["doctor_name"]) for a in listed.json()["items"]] == [
            ("Alice", "Dr Daudi"), ("Bob", "Dr Daudi")]
        one = (await api.call(who, "GET", f"/{theirs['id']}")).json()
        assert (one["patient_name"], one["doctor_name"]) == ("Bob", "Dr Daudi")
    own = await api.call("patient", "GET", "")
    assert [(a["patient_name"], a["doctor_name"]) for a in own.json()["items"]] == [
        ("Alice", "Dr Daudi")]
    assert "Bob" not in own.text and "Bob" not in (await api.call(
        "patient", "GET", f"/{mine['id']}")).text
    assert "Bob" not in (await api.call("patient", "GET", f"/{theirs['id']}")).text  # a 404

    await api.world.consumer(Envelope.of(UserUpdated(
        user_id=api.ids["patient"], changed=["full_name"], full_name="Alice Wanjiru")))
    again = (await api.call("receptionist", "GET", f"/{mine['id']}")).json()
    assert again["patient_name"] == "Alice Wanjiru"
