"""Several processes write one PostgreSQL community at once: two Python
writers (the `cimi` module), one plain-Java writer (the FFI jar,
`fr.cimi.consumer.RegistrationWriter`) and two Rust writers
(`crash_worker`) register people into two small events, one with a quota,
and cancel some. Afterwards: confirmed seats never exceed capacity or quota,
every acknowledged registration is there exactly once and is the person's,
every acknowledged cancellation holds, nobody holds two live registrations
for an event, the engine's invariants hold (promotion in waiting order, no
free seat while an eligible request waits), and every writer's view after
catching up is the checker's.

Run by scripts/test.sh after the FFI's Maven build, with the throw-away
server's URL in CIMI_TEST_POSTGRES_URL:

    .venv/bin/python tests/multiprocess/several_writers.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pathlib
import subprocess
import sys
import threading
import time
import uuid

import cimi

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Every writer registers at 2026-03-01 09:00 UTC (the Rust writer's instant),
# into events scheduled before and held after.
NOW = dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.timezone.utc)
STARTS = dt.datetime(2026, 6, 12, 10, 30, tzinfo=dt.timezone.utc)
ENDS = dt.datetime(2026, 6, 12, 12, 30, tzinfo=dt.timezone.utc)
PER_WRITER = int(os.environ.get("CIMI_FOUR_WRITERS_PEOPLE", "150"))

FOUR_WRITER = r"""
import hashlib, sys, time, cimi, datetime as dt
url, schema, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
events = [int(e) for e in sys.argv[5].split(",")]
now = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
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
        store.execute("py-%d" % first, lambda c: c.cancel(victim, at=now))
        print("CANCELLED", victim, flush=True)
print("DONE", flush=True)
sys.stdin.readline()
store.refresh()
print("VIEW", store.seq, hashlib.sha256(store.community.to_json().encode()).hexdigest(), flush=True)
"""


def java_command() -> list[str]:
    consumer = ROOT / "cimi-ffi" / "jvm" / "java-consumer" / "target"
    classpath = (consumer / "classpath.txt").read_text().strip()
    return ["java", "-cp", f"{consumer / 'classes'}{os.pathsep}{classpath}", "fr.cimi.consumer.RegistrationWriter"]


def main() -> None:
    url = os.environ["CIMI_TEST_POSTGRES_URL"]
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    worker = target / "debug" / "crash_worker"
    if not worker.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "cimi-integration", "--bin", "crash_worker"], cwd=ROOT, check=True)
    schema = "four_" + uuid.uuid4().hex[:12]
    with cimi.Store.open(url, schema=schema) as store:
        def setup(c: cimi.Community) -> list[int]:
            a = c.schedule_event("miditech", "Rush A", STARTS, ENDS, 6, at=NOW)
            b = c.schedule_event("workshop", "Rush B", STARTS, ENDS, 4, at=NOW)
            c.set_quota(a, "interieur", 3, at=NOW)
            return [a, b]
        events = store.execute("organiser", setup)
    event_list = ",".join(map(str, events))
    pipes = dict(stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    # The Rust writers register into the first event until they are killed;
    # they start first, and the others once both have written.
    rust = [
        subprocess.Popen([str(worker), url, str(start), schema], stdout=subprocess.PIPE, text=True)
        for start in (100_000, 200_000)
    ]
    rust_lines: list[list[str]] = [[] for _ in rust]

    def drain(p: subprocess.Popen[str], into: list[str]) -> None:
        assert p.stdout is not None
        for line in p.stdout:
            into.append(line)

    drains = [threading.Thread(target=drain, args=(p, lines), daemon=True) for p, lines in zip(rust, rust_lines)]
    for t in drains:
        t.start()
    deadline = time.monotonic() + 120
    while not all(rust_lines) and time.monotonic() < deadline and all(p.poll() is None for p in rust):
        time.sleep(0.05)
    assert all(rust_lines), "a Rust writer wrote nothing"
    finishing = [
        subprocess.Popen([sys.executable, "-c", FOUR_WRITER, url, schema, str(first), str(PER_WRITER), event_list], **pipes)
        for first in (0, 10_000)
    ]
    finishing.append(subprocess.Popen(java_command() + [url, schema, "20000", str(PER_WRITER), event_list], **pipes))
    try:
        run(finishing, rust, rust_lines, drains, url, schema, events)
    finally:
        for p in finishing + rust:
            if p.poll() is None:
                p.kill()
                p.wait()


def run(finishing: list[subprocess.Popen[str]], rust: list[subprocess.Popen[str]], rust_lines: list[list[str]],
        drains: list[threading.Thread], url: str, schema: str, events: list[int]) -> None:
    outputs: list[str] = []
    for p in finishing:
        assert p.stdout is not None
        lines = []
        for line in p.stdout:
            lines.append(line)
            if line.startswith("DONE"):
                break
        else:
            raise AssertionError(f"a writer stopped early: {''.join(lines)[-2000:]}")
        outputs.append("".join(lines))
    for p in rust:
        p.kill()
        p.wait()
    for t in drains:
        t.join()
    outputs += ["".join(lines) for lines in rust_lines]
    views: list[str] = []
    for p in finishing:
        out = p.communicate("view\n", timeout=300)[0]
        assert p.returncode == 0, out[-2000:]
        lines = out.splitlines()
        for k, line in enumerate(lines):
            if line.startswith("VIEW") and len(line.split()) == 3 and not line.split()[2].isdigit():
                views.append(line.split()[2])
            elif line.startswith("VIEW"):
                views.append(hashlib.sha256(lines[k + 1].encode()).hexdigest())
    acked: dict[int, str] = {}
    cancelled: set[int] = set()
    for out in outputs:
        complete = out[: out.rfind("\n") + 1]
        for line in complete.splitlines():
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "ACK":
                acked.setdefault(int(parts[1]), parts[3] if len(parts) == 4 else "")
            elif parts[0] == "CANCELLED":
                cancelled.add(int(parts[1]))
    assert len(acked) >= 3 * PER_WRITER, len(acked)
    with cimi.Store.open(url, schema=schema, read_only=True) as checker:
        c = checker.community
        problem = c.check_invariants()
        assert problem is None, problem
        for ev in events:
            assert c.occupancy(ev)["on_site"] <= c.event(ev).capacity
        assert c.occupancy(events[0])["on_site_by_audience"].get("interieur", 0) <= 3
        registrations = c.registrations()
        ids = [r.id for r in registrations]
        assert len(ids) == len(set(ids))
        for rid, email in acked.items():
            r = c.registration(rid)
            if email:
                member = c.member_by_email(email)
                assert member is not None and r.member_id == member.id, (rid, email)
        for rid in cancelled:
            assert c.registration(rid).status == "cancelled", rid
        live: set[tuple[int, int]] = set()
        for r in registrations:
            if r.status != "cancelled":
                assert (r.event_id, r.member_id) not in live
                live.add((r.event_id, r.member_id))
        digest = hashlib.sha256(c.to_json().encode()).hexdigest()
        assert views == [digest] * 3, (views, digest)
        confirmed = sum(1 for r in registrations if r.status == "confirmed")
        waiting = sum(1 for r in registrations if r.status == "waitlisted")
    rust_acks = sum(1 for lines in rust_lines for line in lines if line.startswith("ACK"))
    assert rust_acks > 0
    print(
        f"five writers (2 Python, 1 Java, 2 Rust): {len(acked)} acknowledged registrations "
        f"({rust_acks} by the Rust writers), "
        f"{len(cancelled)} cancellations; {confirmed} confirmed, {waiting} waiting; every view identical"
    )


if __name__ == "__main__":
    main()
