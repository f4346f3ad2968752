"""One store, several processes: a second writer of a directory is refused
(`cimi.StoreError`, kind `store_locked`), followers opened with
`read_only=True` see every operation after `refresh()`, killing the writer
frees the directory; and a PostgreSQL store (`CIMI_TEST_POSTGRES_URL`,
started by scripts/test.sh) that several processes write at once."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cimi
from conftest import ENDS, NOW, STARTS, person

# A writer in another process: opens the store, schedules an event, then
# registers one person per line read on stdin, answering each line once the
# operation is durable; "stop" ends it.
WRITER = r"""
import sys, cimi, datetime as dt
store = cimi.Store.open(sys.argv[1], **({} if len(sys.argv) < 3 else {"schema": sys.argv[2]}))
now = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)
starts = dt.datetime(2026, 12, 12, 11, 30, tzinfo=dt.timezone.utc)
ends = dt.datetime(2026, 12, 12, 13, 30, tzinfo=dt.timezone.utc)
ev = store.execute("writer", lambda c: c.schedule_event("miditech", "Partage", starts, ends, 3, at=now))
print("READY", ev, flush=True)
for line in sys.stdin:
    email = line.strip()
    if email == "stop":
        break
    r = store.execute("writer", lambda c: c.register(ev, email=email, family_name="Nom", given_name="Prénom",
        service="DNUM", grade="attaché", function="chef de projet", acknowledged=True, at=now))
    print("ACK", r.id, r.status, flush=True)
"""


def spawn_writer(location: str, *extra: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, location, *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    ready = child.stdout.readline().split()
    assert ready and ready[0] == "READY", ready
    return child


def ask(child: subprocess.Popen[str], email: str) -> list[str]:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(email + "\n")
    child.stdin.flush()
    return child.stdout.readline().split()


def test_a_second_writer_process_is_refused_and_a_follower_follows(tmp_path: pathlib.Path) -> None:
    location = str(tmp_path / "store")
    writer = spawn_writer(location)
    try:
        assert ask(writer, "ada@interieur.gouv.fr")[0] == "ACK"
        before = {p.name: p.read_bytes() for p in (tmp_path / "store").iterdir()}
        with pytest.raises(cimi.StoreError) as refused:
            cimi.Store.open(location)
        assert refused.value.kind == "store_locked"
        assert location in str(refused.value)
        after = {p.name: p.read_bytes() for p in (tmp_path / "store").iterdir()}
        assert after == before, "the refused writer wrote something"

        with cimi.Store.open(location, read_only=True) as follower:
            assert follower.read_only and follower.backend == "file"
            assert follower.community.member_by_email("ada@interieur.gouv.fr") is not None
            emails = [f"agent{i}@interieur.gouv.fr" for i in range(6)]
            acks = [ask(writer, e) for e in emails]
            assert [a[2] for a in acks] == ["confirmed"] * 2 + ["waitlisted"] * 4
            assert follower.community.member_by_email(emails[-1]) is None
            assert follower.refresh() >= 6
            community = follower.community
            for email in emails:
                assert community.member_by_email(email) is not None
            with pytest.raises(cimi.StoreError) as read_only:
                follower.execute("x", lambda c: c.add_member("z@interieur.gouv.fr", at=NOW))
            assert read_only.value.kind == "store_read_only"
            assert follower.refresh() == 0
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    # Killed, the writer no longer holds the directory.
    with cimi.Store.open(location) as store:
        assert store.community.member_by_email("agent5@interieur.gouv.fr") is not None
    closed = cimi.Store.open(location)
    closed.close()
    assert closed.closed
    with pytest.raises(cimi.StoreError) as gone:
        closed.seq
    assert gone.value.kind == "store_closed"
    with pytest.raises(cimi.StoreError) as missing:
        cimi.Store.open(str(tmp_path / "nothing"), read_only=True)
    assert missing.value.kind == "store_not_found"


def postgres_url() -> str:
    url = os.environ.get("CIMI_TEST_POSTGRES_URL", "")
    if not url:
        if os.environ.get("CIMI_REQUIRE_POSTGRES"):
            raise AssertionError("CIMI_REQUIRE_POSTGRES is set but CIMI_TEST_POSTGRES_URL is not")
        pytest.skip("CIMI_TEST_POSTGRES_URL is not set")
    return url


def test_postgres_writers_in_two_processes_never_overbook() -> None:
    url = postgres_url()
    schema = "py_" + uuid.uuid4().hex[:12]
    first = spawn_writer(url, schema)
    second = spawn_writer(url, schema)
    try:
        statuses = []
        for i in range(10):
            child = first if i % 2 == 0 else second
            ack = ask(child, f"agent{i}@interieur.gouv.fr")
            assert ack[0] == "ACK", ack
            statuses.append(ack[2])
        # Two events were scheduled (one per process), each of 3 seats; every
        # process decided on the latest state: 3 confirmed in all, for the
        # event the processes registered into.
        with cimi.Store.open(url, schema=schema, read_only=True) as follower:
            assert follower.backend == "postgres" and follower.read_only
            community = follower.community
            assert community.check_invariants() is None
            for event in community.events():
                assert community.occupancy(event.id)["on_site"] <= 3
            confirmed = [s for s in statuses if s == "confirmed"]
            assert len(confirmed) == 6  # 3 seats in each process's own event
            with pytest.raises(cimi.StoreError) as read_only:
                follower.execute("x", lambda c: c.add_member("z@interieur.gouv.fr", at=NOW))
            assert read_only.value.kind == "store_read_only"
            before = follower.seq
            assert ask(first, "late@interieur.gouv.fr")[2] == "waitlisted"
            assert follower.refresh() > 0 and follower.seq > before
    finally:
        for child in (first, second):
            child.kill()
            child.wait()


def test_postgres_store_in_process() -> None:
    url = postgres_url()
    schema = "py_" + uuid.uuid4().hex[:12]
    with cimi.Store.open(url, schema=schema, lock_timeout=5) as store:
        assert store.backend == "postgres" and not store.read_only
        assert store.location is not None and store.location.startswith("postgresql://")

        def schedule(c: cimi.Community) -> int:
            return c.schedule_event("miditech", "Base", STARTS, ENDS, 1, at=NOW)

        ev = store.execute("organiser", schedule)
        store.execute("organiser", lambda c: c.register(ev, **person("ada@interieur.gouv.fr"), at=NOW))
        with cimi.Store.open(url, schema=schema) as other:
            assert other.community.occupancy(ev)["on_site"] == 1
            assert "postgres" in other.snapshot() or "snapshots" in other.snapshot()
        access = store.subject_access("ada@interieur.gouv.fr", at=NOW)
        assert access["member"]["email"] == "ada@interieur.gouv.fr"
        assert store.history(event_id=ev)
    with pytest.raises(cimi.StoreError) as bad:
        cimi.Store.open(url, schema="Bad Schema")
    assert bad.value.kind == "invalid_location"


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["register", "cancel", "refresh", "snapshot"]), st.integers(0, 7)),
        max_size=30,
    )
)
def test_a_follower_always_catches_up_with_the_writer(ops: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as d, cimi.Store.open(d, durable=False) as writer:
        ev = writer.execute("organiser", lambda c: c.schedule_event("miditech", "Suivi", STARTS, ENDS, 2, at=NOW))
        with cimi.Store.open(d, read_only=True) as follower:
            for op, i in ops:
                email = f"agent{i}@interieur.gouv.fr"
                if op == "register":
                    writer.execute("organiser", lambda c: c.register(ev, **person(email), at=NOW))
                elif op == "cancel":
                    live = [
                        r.id
                        for r in writer.community.registrations(ev)
                        if r.status != "cancelled" and writer.community.member(r.member_id).email == email
                    ]
                    if live:
                        writer.execute("organiser", lambda c: c.cancel(live[0], at=NOW))
                elif op == "snapshot":
                    writer.compact() if i % 2 else writer.snapshot()
                else:
                    follower.refresh()
                    assert follower.seq <= writer.seq
            follower.refresh()
            assert follower.seq == writer.seq
            assert follower.community == writer.community
            assert follower.community.check_invariants() is None


# Holds a PostgreSQL community's lock for a while: an operation that sleeps.
HOLDER = r"""
import sys, time, cimi
store = cimi.Store.open(sys.argv[1], schema=sys.argv[2])
def hold(c):
    print("HOLDING", flush=True)
    time.sleep(1.5)
store.execute("holder", hold)
"""


def test_a_writer_waiting_for_other_writers_lets_other_threads_run() -> None:
    url = postgres_url()
    schema = "py_" + uuid.uuid4().hex[:12]
    with cimi.Store.open(url, schema=schema) as store:
        ev = store.execute("organiser", lambda c: c.schedule_event("miditech", "Attente", STARTS, ENDS, 5, at=NOW))
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, url, schema], stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "HOLDING"
            done: list[object] = []

            def register() -> None:
                done.append(store.execute("me", lambda c: c.register(ev, **person("ada@interieur.gouv.fr"), at=NOW)))

            started = time.monotonic()
            waiter = threading.Thread(target=register)
            waiter.start()
            progress = 0
            while waiter.is_alive():
                progress += 1
            waited = time.monotonic() - started
            waiter.join()
            assert holder.wait(timeout=30) == 0
        finally:
            if holder.poll() is None:
                holder.kill()
        assert done and waited > 0.5, waited
        # The other thread ran all along the wait for the lock.
        assert progress > 10_000, progress
