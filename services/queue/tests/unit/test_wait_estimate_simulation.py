"""A simulated clinic day (seeded random arrivals and visit lengths, a FakeClock) through the
real handlers: how far the estimate given at issue is from the real wait, for the EWMA of the
doctor's visits against the naive "slot length x people ahead". The doctor's visits average
about 10 minutes against 15-minute slots, as when a schedule is padded."""

from __future__ import annotations

import random
from datetime import timedelta
from types import SimpleNamespace

from hms_queue.service_layer import commands as c

SLOT = 15


async def simulate_day(w: SimpleNamespace, seed: int,
                       weights: list[int]) -> tuple[float, float, int]:
    rng = random.Random(seed)
    doctor = w.person("doctor", slot_minutes=SLOT)
    me, start = w.doctor_actor(doctor), w.clock.now()
    arrivals, t = [], 0.0
    while t < 8 * 60:  # one arrival every 11 minutes on average, for eight hours
        t += rng.expovariate(1 / 11)
        arrivals.append((t, rng.choices([1, 2, 3, 4, 5], weights)[0]))
    issued: dict[object, tuple[float, int, int]] = {}  # ticket -> (arrival, ewma, naive)
    waits: dict[object, float] = {}
    busy_until, serving = 0.0, None
    i = 0
    while i < len(arrivals) or serving is not None or len(waits) < len(issued):
        next_arrival = arrivals[i][0] if i < len(arrivals) else float("inf")
        if serving is not None and busy_until <= next_arrival:
            w.clock.set(start + timedelta(minutes=busy_until))
            await w.bus.handle(c.ServeTicket(me, serving))
            serving = None
        elif serving is None and len(waits) < len(issued) and (
                busy_until <= next_arrival or next_arrival == float("inf")):
            now = max(busy_until, (w.clock.now() - start).total_seconds() / 60)
            w.clock.set(start + timedelta(minutes=now))
            ticket = await w.bus.handle(c.CallNext(me, doctor))
            waits[ticket.id] = now - issued[ticket.id][0]
            serving, busy_until = ticket.id, now + rng.lognormvariate(2.2, 0.45)
        else:
            at, urgency = arrivals[i]
            i += 1
            w.clock.set(start + timedelta(minutes=at))
            view = await w.bus.handle(c.IssueTicket(w.desk, w.person("patient"), doctor,
                                                    urgency))
            issued[view.ticket.id] = (at, view.eta_minutes, SLOT * view.people_ahead)
    ewma = sum(abs(issued[k][1] - waits[k]) for k in waits) / len(waits)
    naive = sum(abs(issued[k][2] - waits[k]) for k in waits) / len(waits)
    return ewma, naive, len(waits)


FIFO = [0, 0, 0, 1, 0]  # everyone routine: the line is first come, first served
TRIAGE = [1, 2, 4, 6, 8]  # a mix: later urgent arrivals overtake


async def pooled(world_factory, weights: list[int]) -> tuple[float, float, int, int]:
    days = [await simulate_day(world_factory(), seed, weights) for seed in range(20)]
    patients = sum(n for _, _, n in days)
    ewma = sum(e * n for e, _, n in days) / patients
    naive = sum(v * n for _, v, n in days) / patients
    assert all(n > 25 for _, _, n in days)
    return ewma, naive, patients, sum(e < v for e, v, _ in days)


async def test_ewma_estimate_against_slot_times_people_ahead(world_factory, capsys) -> None:
    """Twenty seeded days per scenario, pooled. In first-come-first-served lines the EWMA
    (learning that visits are shorter than slots, and counting the visit in progress) is
    closer. With a triage mix both estimates given at issue miss the urgent patients who
    arrive later and overtake; the slot's padding then partly offsets that, so the two come
    out close: printed, not claimed."""
    fifo = await pooled(world_factory, FIFO)
    triage = await pooled(world_factory, TRIAGE)
    with capsys.disabled():
        for name, (ewma, naive, patients, wins) in (("fifo", fifo), ("triage", triage)):
            print(f"\n{name}: {patients} patients over 20 days, mean absolute error "
                  f"EWMA {ewma:.2f} min, naive {naive:.2f} min, EWMA closer on {wins} days")
    assert fifo[0] < 0.8 * fifo[1]
    assert fifo[3] >= 12
