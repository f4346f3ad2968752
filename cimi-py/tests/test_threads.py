"""Threads registering and cancelling on one shared community.

Eight threads register (one at a time and in batches, which run without the
GIL), cancel and read on the same event while a ninth checks consistent
snapshots; the switch interval is made tiny so that the threads interleave
as much as the GIL allows. The invariants are checked through the public API
(never over capacity or quota, no person twice, no free seat while an
eligible registration waits) and by `Community.check_invariants()`, during
the run and at the end. The number of operations is printed at the end of
the pytest run.
"""

from __future__ import annotations

import random
import sys
import threading
from collections import Counter
from typing import Any, Iterator

import pytest

import cimi
from conftest import ENDS, NOW, STARTS, person, report

THREADS = 8
OPERATIONS_PER_THREAD = 1000
CAPACITY = 30
QUOTAS = {"interieur": 18, "other_ministries": 15}


@pytest.fixture
def tiny_switch_interval() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def emails() -> list[str]:
    pool = [f"agent{i}@interieur.gouv.fr" for i in range(40)]
    pool += [f"agent{i}@agri.gouv.fr" for i in range(30)]
    pool += [f"Agent{i}@DNUM.INTERIEUR.GOUV.FR" for i in range(10)]  # the same people, other case
    pool += ["outsider@gmail.com", "not an address"]
    return pool


def violations(community: cimi.Community, event: int) -> list[str]:
    """What is wrong with the event, read from a snapshot through the public API."""
    snapshot = community.copy()  # one consistent state
    found = []
    if snapshot.check_invariants() is not None:
        found.append(f"check_invariants: {snapshot.check_invariants()}")
    occupancy = snapshot.occupancy(event)
    if occupancy["on_site"] > CAPACITY:
        found.append(f"over capacity: {occupancy}")
    by_audience = occupancy["on_site_by_audience"]
    for audience, quota in QUOTAS.items():
        if by_audience.get(audience, 0) > quota:
            found.append(f"over the {audience} quota: {occupancy}")
    live = [r for r in snapshot.registrations(event) if r.is_live]
    twice = [m for m, n in Counter(r.member_id for r in live).items() if n > 1]
    if twice:
        found.append(f"members registered twice: {twice}")
    seated = Counter(r.audience for r in live if r.holds_seat)
    if sum(seated.values()) != occupancy["on_site"]:
        found.append(f"seats {sum(seated.values())} but occupancy says {occupancy['on_site']}")
    for rid in snapshot.waiting_list(event):
        waiting = snapshot.registration(rid)
        quota = QUOTAS.get(waiting.audience) if waiting.audience else None
        room = sum(seated.values()) < CAPACITY and (quota is None or seated[waiting.audience] < quota)
        if room:
            found.append(f"registration {rid} ({waiting.audience}) waits while a seat is free: {occupancy}")
    return found


def test_threads_register_and_cancel_on_one_event(tiny_switch_interval: None) -> None:
    community = cimi.Community.cimi()
    event = community.schedule_event("miditech", "Threads", STARTS, ENDS, CAPACITY, quotas=QUOTAS, at=NOW)
    pool = emails()
    counts: Counter[str] = Counter()
    counts_lock = threading.Lock()
    problems: list[str] = []
    errors: list[BaseException] = []
    done = threading.Event()
    start = threading.Barrier(THREADS + 1)

    def worker(seed: int) -> None:
        rnd = random.Random(seed)
        mine: Counter[str] = Counter()
        ids: list[int] = []
        try:
            start.wait()
            for _ in range(OPERATIONS_PER_THREAD):
                roll = rnd.random()
                if roll < 0.40:
                    try:
                        reg = community.register(event, **person(rnd.choice(pool)), at=NOW)
                        ids.append(reg.id)
                        mine["register"] += 1
                    except cimi.RegistrationRefused:
                        mine["refused"] += 1
                elif roll < 0.55:
                    batch = [person(rnd.choice(pool)) for _ in range(rnd.randint(1, 12))]
                    outcomes = community.register_many(event, batch, at=NOW, detailed=True)
                    ids += [o.id for o in outcomes if isinstance(o, cimi.Registration)]
                    mine["register_many"] += 1
                    mine["batched requests"] += len(batch)
                elif roll < 0.85:
                    if ids:
                        community.cancel(ids.pop(rnd.randrange(len(ids))), at=NOW)
                        mine["cancel"] += 1
                else:
                    community.occupancy(event)
                    community.waiting_list(event)
                    community.registrations_table(event)
                    mine["read"] += 1
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)
        with counts_lock:
            counts.update(mine)

    def checker() -> None:
        try:
            start.wait()
            while not done.is_set():
                problems.extend(violations(community, event))
                with counts_lock:
                    counts["snapshot checks"] += 1
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    watcher = threading.Thread(target=checker)
    for t in threads:
        t.start()
    watcher.start()
    for t in threads:
        t.join(timeout=300)
    done.set()
    watcher.join(timeout=60)
    assert not any(t.is_alive() for t in [*threads, watcher]), "a thread is stuck (deadlock?)"
    assert not errors, errors[:3]
    assert not problems, problems[:5]
    assert violations(community, event) == []
    operations = sum(v for k, v in counts.items() if k not in ("batched requests", "snapshot checks"))
    assert counts["cancel"] > 0 and counts["register"] > 0 and counts["register_many"] > 0
    summary: dict[str, Any] = dict(sorted(counts.items()))
    report(f"threads: {THREADS} threads, {operations} operations on one event, {summary}")
