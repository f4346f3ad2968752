"""Every call whose work grows with the data lets other Python threads run.

A ticker thread records the time every 0.2 ms. During a measurement the
switch interval is a minute, so a thread holding the GIL keeps it: the
ticker can record a time inside the call's window only if the call releases
the GIL (`py.detach`). Short calls are repeated for a few milliseconds (a
loop of calls that all keep the GIL gives the ticker no chance either). The
control calls, which keep the GIL, show the measurement can fail: they get
no tick at all. No duration is asserted.
"""

from __future__ import annotations

import bisect
import datetime as dt
import pathlib
import pickle
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

import polars as pl
import pytest

import cimi
from conftest import NOW, STARTS, person

MEMBERS = 20_000
EVENTS = 200
MAIL = pathlib.Path(__file__).parents[2] / "tests" / "data" / "mail" / "01_plain_fr_accents.eml"


@dataclass
class World:
    """A community big enough that each call has work to do."""

    community: cimi.Community
    events: list[int]
    registration: int
    member: int
    help_request: int
    document: str
    csv: str
    mail: bytes
    requests: list[dict[str, Any]]
    store: cimi.Store


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    c = cimi.Community.cimi()
    events = [
        c.schedule_event("miditech", f"Miditech {k}", STARTS + dt.timedelta(days=k),
                         STARTS + dt.timedelta(days=k, hours=2), 150, at=NOW)
        for k in range(EVENTS)
    ]
    for k, ev in enumerate(events):
        c.register_many(ev, [person(f"p{(k * 97 + i) % MEMBERS}@interieur.gouv.fr") for i in range(200)], at=NOW)
    c.import_members(
        [{"email": f"m{i}@agri.gouv.fr", "skills": ["rust", f"s{i % 50}"], "affiliation": ["Agriculture", "SG"]}
         for i in range(MEMBERS)],
        at=NOW,
    )
    for i in range(2_000):
        h = c.ask_help(f"m{i}@agri.gouv.fr", "Rust", "FFI ?", skills=["rust", f"s{i % 50}"], at=NOW)
        w = c.share_watch_item(f"Item {i}", f"https://example.invalid/{i}", scope="external",
                               shared_by=f"m{i}@agri.gouv.fr", tags=["rust"], help_request_id=h, at=NOW)
        c.publish_watch_item(w, "forum", at=NOW)
    c.set_bureau_role(1, "président", at=NOW)
    store = cimi.Store.open(str(tmp_path_factory.mktemp("store") / "journal"), durable=False)
    store.execute("setup", lambda s: s.import_members(c.members_table(at=NOW), at=NOW))
    # A registration e-mail padded to most of the 1 MiB a message may be.
    mail = MAIL.read_bytes() + b"\n" + b"Bonjour, je souhaite participer. " * 25_000
    yield World(
        community=c,
        events=events,
        registration=c.registrations(events[0])[0].id,
        member=1,
        help_request=1,
        document=c.to_json(),
        csv=c.directory_csv(at=NOW).replace("@agri.gouv.fr", "@culture.gouv.fr"),
        mail=mail,
        requests=[person(f"q{i}@interieur.gouv.fr") for i in range(20_000)],
        store=store,
    )
    store.close()


@dataclass
class Call:
    """A call measured on the world: `setup` runs outside the window."""

    name: str
    call: Callable[[World, Any], Any]
    setup: Optional[Callable[[World], Any]] = None
    repeat: bool = True  # repeated for a few milliseconds (calls that change nothing)


def copy_of(w: World) -> cimi.Community:
    return w.community.copy()


def recording(w: World) -> cimi.Community:
    c = cimi.Community.cimi()
    c.set_recording(True)
    c.import_members(w.community.members_table(at=NOW), at=NOW)
    return c


CALLS = [
    # tables
    Call("members_table", lambda w, _: w.community.members_table(at=NOW)),
    Call("events_table", lambda w, _: w.community.events_table()),
    Call("registrations_table", lambda w, _: w.community.registrations_table()),
    Call("registrations_table(event)", lambda w, _: w.community.registrations_table(w.events[0])),
    Call("help_requests_table", lambda w, _: w.community.help_requests_table()),
    Call("watch_items_table", lambda w, _: w.community.watch_items_table()),
    Call("event_stats", lambda w, _: w.community.event_stats()),
    Call("events_held_per_year_and_kind", lambda w, _: w.community.events_held_per_year_and_kind()),
    Call("member_groups", lambda w, _: w.community.member_groups(at=NOW)),
    Call("members_joined_per_month", lambda w, _: w.community.members_joined_per_month()),
    # CSV and iCalendar
    Call("directory_csv", lambda w, _: w.community.directory_csv(at=NOW)),
    Call("attendees_csv", lambda w, _: w.community.attendees_csv(w.events[0])),
    Call("import_members_csv", lambda w, c: c.import_members_csv(w.csv, at=NOW), copy_of, repeat=False),
    Call("calendar_ical", lambda w, _: w.community.calendar_ical(at=NOW)),
    Call("event_ical", lambda w, _: w.community.event_ical(w.events[0], at=NOW)),
    Call("invitation_ical", lambda w, _: w.community.invitation_ical(w.registration, "cimi@interieur.gouv.fr", at=NOW)),
    Call("calendar_ical(reminder)", lambda w, _: w.community.calendar_ical(at=NOW, reminder=dt.timedelta(minutes=30))),
    Call("report_attendees", lambda w, _: w.community.report_attendees(w.events[0], at=NOW)),
    # e-mail
    Call("read_registration_email", lambda w, _: w.community.read_registration_email(w.mail, at=NOW)),
    Call("register_from_email", lambda w, c: c.register_from_email(w.mail, at=NOW), copy_of, repeat=False),
    # digests, suggestions, lists of records
    Call("digest", lambda w, _: w.community.digest("forum", NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1), at=NOW)),
    Call("suggest_for_skills", lambda w, _: w.community.suggest_for_skills(["rust", "s3"], k=50, at=NOW)),
    Call("suggest_helpers", lambda w, _: w.community.suggest_helpers(w.help_request, k=50, at=NOW)),
    Call("mailing_list_recipients", lambda w, _: w.community.mailing_list_recipients(at=NOW)),
    Call("members", lambda w, _: w.community.members()),
    Call("events", lambda w, _: w.community.events()),
    Call("registrations", lambda w, _: w.community.registrations()),
    Call("waiting_list", lambda w, _: w.community.waiting_list(w.events[0])),
    Call("confirmed", lambda w, _: w.community.confirmed(w.events[0])),
    Call("help_requests", lambda w, _: w.community.help_requests()),
    Call("watch_items", lambda w, _: w.community.watch_items()),
    Call("bureau", lambda w, _: w.community.bureau()),
    Call("subject_access", lambda w, _: w.community.subject_access(w.member, at=NOW)),
    Call("retention_candidates", lambda w, _: w.community.retention_candidates(at=NOW)),
    Call("check_invariants", lambda w, _: w.community.check_invariants()),
    Call("expire_offers", lambda w, _: w.community.expire_offers(at=NOW)),  # every event's offers
    Call("repr", lambda w, _: repr(w.community)),
    # JSON, copies, the journal
    Call("to_json", lambda w, _: w.community.to_json()),
    Call("from_json", lambda w, _: cimi.Community.from_json(w.document)),
    Call("pickle", lambda w, _: pickle.dumps(w.community)),
    Call("copy", lambda w, _: w.community.copy()),
    Call("==", lambda w, c: w.community == c, copy_of),
    Call("drain_changes", lambda w, c: c.drain_changes(), recording, repeat=False),
    # batches
    Call("register_many(dicts)", lambda w, c: c.register_many(w.events[1], w.requests, at=NOW), copy_of, repeat=False),
    Call("register_many(polars)", lambda w, a: a[0].register_many(w.events[1], a[1], at=NOW),
         lambda w: (w.community.copy(), pl.DataFrame(w.requests)), repeat=False),
    Call("import_members(table)", lambda w, a: a[0].import_members(a[1], at=NOW),
         lambda w: (cimi.Community.cimi(), w.community.members_table(at=NOW)), repeat=False),
    Call("import_members(dicts)", lambda w, a: a[0].import_members(a[1], at=NOW),
         lambda w: (cimi.Community.cimi(), w.community.members_table(at=NOW).to_pylist()), repeat=False),
    # the store
    Call("Store.in_memory", lambda w, _: cimi.Store.in_memory(w.community)),
    Call("Store.community", lambda w, _: w.store.community),
    Call("Store.snapshot", lambda w, _: w.store.snapshot(), repeat=False),
    Call("Store.history", lambda w, _: w.store.history(member_id=1)),
    Call("Store.subject_access", lambda w, _: w.store.subject_access("m1@agri.gouv.fr", at=NOW)),
    Call("Store.compact", lambda w, _: w.store.compact(), repeat=False),
]

#: Calls that keep the GIL: converting to Python objects, one record.
CONTROLS = [
    Call("Table.to_pydict", lambda w, t: t.to_pydict(), lambda w: w.community.registrations_table()),
    Call("member", lambda w, _: w.community.member(w.member)),
    Call("occupancy", lambda w, _: w.community.occupancy(w.events[0])),
]


class Ticker:
    """A thread recording the time every 0.2 ms, when it gets the GIL."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append(time.perf_counter())
            time.sleep(0.0002)

    def ticks_during(self, run: Callable[[], None]) -> int:
        """The ticks recorded while `run` runs with a switch interval of a
        minute (the GIL changes hands only when released)."""
        interval = sys.getswitchinterval()
        # The interval is set before the pause: a thread that began waiting
        # for the GIL under the old interval (5 ms) would ask for it after
        # 5 ms whatever the new one says. During the pause the GIL is free,
        # so every wait of the ticker's that ends in the window began under
        # the new interval.
        sys.setswitchinterval(60)
        try:
            time.sleep(0.005)
            t0 = time.perf_counter()
            run()
            t1 = time.perf_counter()
        finally:
            sys.setswitchinterval(interval)
        return bisect.bisect_left(self.samples, t1) - bisect.bisect_right(self.samples, t0)


@pytest.fixture(scope="module")
def ticker() -> Iterator[Ticker]:
    t = Ticker()
    t.thread.start()
    yield t
    t.stop.set()
    t.thread.join()


def measure(ticker: Ticker, world: World, case: Call) -> int:
    state = case.setup(world) if case.setup else None

    def run() -> None:
        if not case.repeat:
            case.call(world, state)
            return
        start = time.perf_counter()
        while True:  # a few milliseconds of calls, at least one
            case.call(world, state)
            if time.perf_counter() - start > 0.02:
                return

    return ticker.ticks_during(run)


@pytest.mark.parametrize("case", CALLS, ids=[c.name for c in CALLS])
def test_another_thread_runs_during_the_call(ticker: Ticker, world: World, case: Call) -> None:
    # The OS may schedule the ticker late on a busy machine: a call gets
    # three tries (a call that keeps the GIL gets no tick on any).
    ticks = [measure(ticker, world, case) for _ in range(1)]
    while ticks[-1] == 0 and len(ticks) < 3:
        ticks.append(measure(ticker, world, case))
    assert ticks[-1] > 0, f"{case.name}: the ticker never ran during the call ({ticks})"


@pytest.mark.parametrize("case", CONTROLS, ids=[c.name for c in CONTROLS])
def test_a_call_that_keeps_the_gil_gets_no_tick(ticker: Ticker, world: World, case: Call) -> None:
    assert measure(ticker, world, case) == 0
