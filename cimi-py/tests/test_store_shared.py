"""One store, several processes: a second writer of a directory is refused
(`cimi.StoreError`, kind `store_locked`), followers opened with
`read_only=True` see every operation after `refresh()`, killing the writer
frees the directory; and a PostgreSQL store (`CIMI_TEST_POSTGRES_URL`,
started by scripts/test.sh) that several processes write at once."""

from __future__ import annotations

import hashlib
import os
import pathlib
import signal
import subprocess
import sys
import uuid

import pytest

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


# A Python writer of the four-writer test: registers people from its range
# into the two events in turn, cancels every fourth registration it got, and
# logs each acknowledged operation; then, told to on stdin (once every other
# writer has stopped), it catches up and prints a digest of what it sees.
FOUR_WRITER = r"""
import hashlib, sys, time, cimi, datetime as dt
url, schema, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
events = [int(e) for e in sys.argv[5].split(",")]
now = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)
store = cimi.Store.open(url, schema=schema, lock_timeout=60)
mine = []
for i in range(first, first + count):
    domain = "interieur.gouv.fr" if i % 3 else "finances.gouv.fr"
    email = f"p{i}@{domain}"
    ev = events[i % len(events)]
    r = store.execute("py-%d" % first, lambda c: c.register(ev, email=email, family_name="Nom", given_name="Prénom",
        service="DNUM", grade="attaché", function="chef de projet", acknowledged=True, at=now))
    print("ACK", r.id, ev, email, flush=True)
    mine.append(r.id)
    if len(mine) % 4 == 0:
        victim = mine[-2]
        store.execute("py-%d" % first, lambda c: c.cancel_registration(victim, at=now))
        print("CANCELLED", victim, flush=True)
print("DONE", flush=True)
sys.stdin.readline()
store.refresh()
print("VIEW", store.seq, hashlib.sha256(store.community.to_json().encode()).hexdigest(), flush=True)
"""


def test_postgres_four_writers_python_and_rust_never_overbook() -> None:
    """Four processes (two Python, two Rust) register into two small events
    with a quota at once and cancel some: never over capacity or quota, every
    acknowledged registration there once, promotion in waiting order (the
    engine's invariants), and the same view everywhere after catching up."""
    url = postgres_url()
    root = pathlib.Path(__file__).resolve().parents[2]
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", root / "target"))
    worker = target / "debug" / "crash_worker"
    if not worker.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "cimi-integration", "--bin", "crash_worker"], cwd=root, check=True)
    schema = "four_" + uuid.uuid4().hex[:12]
    with cimi.Store.open(url, schema=schema) as store:
        def setup(c: cimi.Community) -> list[int]:
            a = c.schedule_event("miditech", "Rush A", STARTS, ENDS, 6, at=NOW)
            b = c.schedule_event("workshop", "Rush B", STARTS, ENDS, 4, at=NOW)
            c.set_quota(a, "interieur", 3, at=NOW)
            return [a, b]
        events = store.execute("organiser", setup)
    python = [
        subprocess.Popen([sys.executable, "-c", FOUR_WRITER, url, schema, str(first), "60", ",".join(map(str, events))],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for first in (0, 1000)
    ]
    rust = [
        subprocess.Popen([str(worker), url, str(start), schema], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for start in (100_000, 200_000)
    ]
    outputs = []
    for p in python:
        assert p.stdout is not None
        lines = []
        for line in p.stdout:
            lines.append(line)
            if line.startswith("DONE"):
                break
        outputs.append("".join(lines))
    for p in rust:
        p.kill()
    outputs += [p.communicate()[0] for p in rust]
    for p in python:
        outputs.append(p.communicate("view\n", timeout=120)[0])
        assert p.returncode == 0
    acked: dict[int, str] = {}
    cancelled: set[int] = set()
    views = []
    for out in outputs:
        complete = out[: out.rfind("\n") + 1]
        for line in complete.splitlines():
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "ACK" and len(parts) == 5:
                acked.setdefault(int(parts[1]), parts[4])
            elif parts[0] == "ACK":
                acked.setdefault(int(parts[1]), "")
            elif parts[0] == "CANCELLED":
                cancelled.add(int(parts[1]))
            elif parts[0] == "VIEW":
                views.append(parts[2])
    assert len(acked) >= 120
    with cimi.Store.open(url, schema=schema, read_only=True) as checker:
        c = checker.community
        assert c.check_invariants() is None
        for ev in events:
            event = c.event(ev)
            assert event is not None and c.occupancy(ev)["on_site"] <= event.capacity
        assert c.occupancy(events[0])["on_site_by_audience"].get("interieur", 0) <= 3
        ids = [r.id for r in c.registrations()]
        assert len(ids) == len(set(ids))
        for rid, email in acked.items():
            r = c.registration(rid)
            assert r is not None, f"acknowledged registration {rid} lost"
            if email:
                member = c.member_by_email(email)
                assert member is not None and r.member_id == member.id
        for rid in cancelled:
            gone = c.registration(rid)
            assert gone is not None and gone.status == "cancelled"
        live: set[tuple[int, int]] = set()
        for r in c.registrations():
            if r.status != "cancelled":
                assert (r.event_id, r.member_id) not in live
                live.add((r.event_id, r.member_id))
        # The two Python writers, caught up, saw what the checker sees (the
        # Rust writers were killed; they wrote nothing after).
        digest = hashlib.sha256(c.to_json().encode()).hexdigest()
        assert views == [digest, digest]
