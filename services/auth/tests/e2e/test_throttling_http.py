"""Throttling as a client sees it: 429 with Retry-After, per account and per address."""

from __future__ import annotations


async def test_an_account_locks_after_five_failures_unknown_or_not(client, api) -> None:
    user = await api.register_patient(password="the-password")
    answers = []
    for username in (user["username"], "no.such.user"):
        for _ in range(5):
            assert (await api.sign_in(username, "wrong-password")).status_code == 401
        blocked = await api.sign_in(username, "the-password")
        assert blocked.status_code == 429
        assert blocked.headers["content-type"] == "application/problem+json"
        answers.append((blocked.json()["detail"], blocked.headers["retry-after"]))
    assert answers[0] == answers[1] and 0 < int(answers[0][1]) <= 900


async def test_an_address_locks_across_accounts_and_others_are_unaffected(make_client) -> None:
    client = await make_client(throttle_address_failures=3)  # gateway (127.0.0.1) trusted
    attacker = {"X-Forwarded-For": "203.0.113.7"}
    for n in range(3):
        response = await client.post("/api/auth/token", headers=attacker,
                                     data={"username": f"guess{n}", "password": "password-1"})
        assert response.status_code == 401
    blocked = await client.post("/api/auth/token", headers=attacker,
                                data={"username": "admin", "password": "admin-password-1"})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    fine = await client.post("/api/auth/token", headers={"X-Forwarded-For": "198.51.100.8"},
                             data={"username": "admin", "password": "admin-password-1"})
    assert fine.status_code == 200


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(make_client) -> None:
    client = await make_client(throttle_address_failures=3, trusted_proxies=[])
    for n in range(3):  # every attempt claims another address; all count against the peer
        response = await client.post("/api/auth/token", headers={"X-Forwarded-For": f"1.1.1.{n}"},
                                     data={"username": f"guess{n}", "password": "password-1"})
        assert response.status_code == 401
    blocked = await client.post("/api/auth/token", headers={"X-Forwarded-For": "9.9.9.9"},
                                data={"username": "admin", "password": "admin-password-1"})
    assert blocked.status_code == 429


async def test_activation_guesses_are_throttled(client, api) -> None:
    created = await client.post("/api/auth/patients", headers=await api.admin(),
                                json={"phone_number": api.new_phone(), "full_name": "W"})
    phone, code = created.json()["phone_number"], created.json()["activation_code"]
    for _ in range(5):
        wrong = await client.post("/api/auth/patients/activate", json={
            "phone_number": phone, "activation_code": "AAAAA-AAAAA", "password": "password-1"})
        assert wrong.status_code == 401
    right = await client.post("/api/auth/patients/activate", json={
        "phone_number": phone, "activation_code": code, "password": "password-1"})
    assert right.status_code == 429 and "retry-after" in right.headers
