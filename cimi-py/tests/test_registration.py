"""The registration engine through Python: statuses, every refusal kind,
idempotence, waiting list and quotas, batches."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time

import pytest

import cimi
from conftest import ENDS, NOW, STARTS, UTC, person


def test_confirmed_then_waitlisted(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "PostgreSQL", STARTS, ENDS, 1, at=NOW)
    first = community.register(ev, **person("alice@interieur.gouv.fr"), at=NOW)
    second = community.register(ev, **person("bob@agri.gouv.fr"), at=NOW)
    assert first.status == "confirmed" and first.seat == "on_site"
    assert second.status == "waitlisted" and second.seat is None
    assert first.audience == "interieur" and second.audience == "other_ministries"
    assert community.waiting_list(ev) == [second.id]
    assert first.requested_at == NOW and first.requested_at.tzinfo is not None


def test_register_defaults_to_now(community: cimi.Community, event: int) -> None:
    before = dt.datetime.now(UTC)
    reg = community.register(event, **person("alice@interieur.gouv.fr"), at=None)
    after = dt.datetime.now(UTC)
    assert before <= reg.requested_at <= after


def test_idempotent_registration(community: cimi.Community, event: int) -> None:
    first = community.register(event, **person("Alice@Interieur.gouv.fr"), at=NOW)
    again = community.register(event, **person("alice@INTERIEUR.GOUV.FR"), at=NOW)
    assert again.id == first.id and again.already_registered and not first.already_registered
    assert len(community.registrations(event)) == 1


def test_cancel_promotes_the_earliest_waiting(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "Cartographie", STARTS, ENDS, 1, at=NOW)
    a = community.register(ev, **person("a@interieur.gouv.fr"), at=NOW)
    b = community.register(ev, **person("b@interieur.gouv.fr"), at=NOW)
    c = community.register(ev, **person("c@interieur.gouv.fr"), at=NOW)
    done = community.cancel(a.id, at=NOW + dt.timedelta(hours=1))
    assert done.registration.status == "cancelled"
    assert done.promoted == [b.id]
    assert community.registration(b.id).status == "confirmed"
    assert community.registration(b.id).promoted_at == NOW + dt.timedelta(hours=1)
    assert community.waiting_list(ev) == [c.id]
    # Cancelling twice changes nothing.
    assert community.cancel(a.id, at=NOW).promoted == []


def test_quota_per_audience(community: cimi.Community) -> None:
    ev = community.schedule_event(
        "conference", "Rencontres numériques", STARTS, ENDS, 3, quotas={"interieur": 1}, at=NOW
    )
    assert community.event(ev).quotas == {"interieur": 1}
    home = [community.register(ev, **person(f"p{i}@interieur.gouv.fr"), at=NOW) for i in range(2)]
    other = community.register(ev, **person("q@agri.gouv.fr"), at=NOW)
    assert [r.status for r in home] == ["confirmed", "waitlisted"]
    assert other.status == "confirmed"
    occupancy = community.occupancy(ev)
    assert occupancy["on_site"] == 2 and occupancy["waiting"] == 1
    assert occupancy["on_site_by_audience"] == {"interieur": 1, "other_ministries": 1}
    # Raising the quota promotes the waiting registration.
    assert community.set_quota(ev, "interieur", 2, at=NOW) == [home[1].id]


def test_check_in(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "IA", STARTS, ENDS, 1, at=NOW)
    a = community.register(ev, **person("a@interieur.gouv.fr"), at=NOW)
    b = community.register(ev, **person("b@interieur.gouv.fr"), at=NOW)
    checked = community.check_in(a.id, at=STARTS)
    assert checked.checked_in_at == STARTS
    assert community.check_in(a.id, at=ENDS).checked_in_at == STARTS  # first time kept
    with pytest.raises(cimi.InvalidState) as waiting:
        community.check_in(b.id, at=STARTS)
    assert waiting.value.kind == "not_confirmed"
    community.mark_held(ev, at=ENDS)
    table = community.registrations_table(ev)
    assert table["attendance"] == ["attended", "not_applicable"]


def test_remote_attendance(community: cimi.Community) -> None:
    ev = community.schedule_event(
        "miditech", "Visio", STARTS, ENDS, 1, remote={"url": "https://visio.example/cimi", "capacity": 5}, at=NOW
    )
    a = community.register(ev, **person("a@interieur.gouv.fr"), at=NOW)
    b = community.register(ev, **person("b@interieur.gouv.fr", attendance="on_site_or_remote"), at=NOW)
    assert (a.seat, b.seat, b.status, b.waiting_for_seat) == ("on_site", "remote", "confirmed", True)
    community.cancel(a.id, at=NOW)
    assert community.registration(b.id).seat == "on_site"


# ----- every refusal kind ------------------------------------------------------------


def refusal(community: cimi.Community, event: int, **request: object) -> cimi.RegistrationRefused:
    with pytest.raises(cimi.RegistrationRefused) as info:
        community.register(event, **request, at=NOW)  # type: ignore[arg-type]
    error = info.value
    assert isinstance(error, cimi.CimiError) and isinstance(error, ValueError)
    assert error.kind in cimi.RegistrationRefused.kinds
    shown = error.message_fr if cimi.get_language() == "fr" else error.message_en
    assert str(error) == shown and error.message_fr and error.message_fr != error.message_en
    return error


def test_every_refusal_kind(community: cimi.Community) -> None:
    seen: set[str] = set()

    def expect(kind: str, event: int, **request: object) -> cimi.RegistrationRefused:
        error = refusal(community, event, **request)
        assert error.kind == kind, (kind, error)
        seen.add(kind)
        return error

    ev = community.schedule_event("miditech", "Refusals", STARTS, ENDS, 1, waitlist=False, at=NOW)
    assert expect("invalid_address", ev, **person("not an address")).details == {"reason": "white_space"}
    assert expect("address_not_allowed", ev, **person("jean@gmail.com")).details == {"allowed": "*@*.gouv.fr"}
    assert expect("missing_field", ev, **person("a@interieur.gouv.fr", grade="   ")).details == {"field": "grade"}
    too_long = expect("field_too_long", ev, **person("a@interieur.gouv.fr", function="x" * 201))
    assert too_long.details == {"field": "function", "max": 200}
    assert expect("invalid_field", ev, **person("a@interieur.gouv.fr", family_name="Mar\u202etin")).details == {
        "field": "family_name"
    }
    ack = expect("obligation_not_acknowledged", ev, **person("a@interieur.gouv.fr", acknowledged=["deontology"]))
    assert ack.details == {"obligation": "pssi"}
    expect("obligation_not_acknowledged", ev, **person("a@interieur.gouv.fr", acknowledged=None))

    later = community.schedule_event(
        "workshop", "Later", STARTS, ENDS, 10, registration_opens=NOW + dt.timedelta(days=1), at=NOW
    )
    assert expect("registration_not_open_yet", later, **person("a@interieur.gouv.fr")).details == {
        "opens_at": NOW + dt.timedelta(days=1)
    }
    draft = community.schedule_event("workshop", "Draft", STARTS, ENDS, 10, draft=True, at=NOW)
    expect("registration_not_open_yet", draft, **person("a@interieur.gouv.fr"))

    closed = community.schedule_event(
        "workshop", "Closed", STARTS, ENDS, 10, registration_closes=NOW - dt.timedelta(days=1), at=NOW - dt.timedelta(days=2)
    )
    expect("registration_closed", closed, **person("a@interieur.gouv.fr"))
    cancelled = community.schedule_event("workshop", "Cancelled", STARTS, ENDS, 10, at=NOW)
    community.cancel_event(cancelled, at=NOW)
    expect("event_cancelled", cancelled, **person("a@interieur.gouv.fr"))

    assert community.register(ev, **person("first@interieur.gouv.fr"), at=NOW).status == "confirmed"
    expect("event_full", ev, **person("second@interieur.gouv.fr"))
    expect("remote_unavailable", ev, **person("third@interieur.gouv.fr", attendance="remote"))

    remote = community.schedule_event(
        "miditech", "Remote", STARTS, ENDS, 0, remote={"url": "https://visio.example", "capacity": 1}, at=NOW
    )
    assert community.register(remote, **person("r1@interieur.gouv.fr", attendance="remote"), at=NOW).seat == "remote"
    expect("remote_full", remote, **person("r2@interieur.gouv.fr", attendance="remote"))

    home = community.schedule_event("workshop", "Home", STARTS, ENDS, 10, allowed=["*@interieur.gouv.fr"], at=NOW)
    assert "allowed" in expect("address_not_admitted", home, **person("a@agri.gouv.fr")).details
    audience = community.schedule_event("workshop", "Audience", STARTS, ENDS, 10, audiences=["interieur"], at=NOW)
    assert "admitted" in expect("audience_not_admitted", audience, **person("a@agri.gouv.fr")).details

    assert seen == set(cimi.RegistrationRefused.kinds)


def test_acknowledged_true_means_every_obligation(community: cimi.Community, event: int) -> None:
    reg = community.register(event, **person("a@interieur.gouv.fr", acknowledged=True), at=NOW)
    assert reg.status == "confirmed"
    refused = refusal(community, event, **person("b@interieur.gouv.fr", acknowledged=False))
    assert refused.kind == "obligation_not_acknowledged"


def test_french_messages(community: cimi.Community, event: int) -> None:
    cimi.set_language("fr")
    assert cimi.get_language() == "fr"
    error = refusal(community, event, **person("a@interieur.gouv.fr", service=""))
    assert str(error) == error.message_fr == "le champ « service » est obligatoire"
    assert error.message_en == "the field 'service' is required"
    with pytest.raises(cimi.InvalidInput) as info:
        cimi.set_language("de")
    assert info.value.kind == "unknown_language"


# ----- batches -------------------------------------------------------------------------


def test_register_many_outcomes(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "Batch", STARTS, ENDS, 2, at=NOW)
    requests = [
        person("a@interieur.gouv.fr"),
        person("b@agri.gouv.fr"),
        person("jean@gmail.com"),
        person("c@interieur.gouv.fr", service=None),
        person("d@interieur.gouv.fr"),
        person("A@interieur.gouv.fr"),
    ]
    outcomes = community.register_many(ev, requests, at=NOW)
    assert outcomes == ["confirmed", "confirmed", "address_not_allowed", "missing_field", "waitlisted", "confirmed"]
    assert len(community.registrations(ev)) == 3


def test_register_many_detailed(community: cimi.Community, event: int) -> None:
    outcomes = community.register_many(
        event, [person("a@interieur.gouv.fr"), person("x@evil.com")], at=NOW, detailed=True
    )
    reg, refused = outcomes
    assert isinstance(reg, cimi.Registration) and reg.status == "confirmed"
    assert isinstance(refused, cimi.RegistrationRefused) and refused.kind == "address_not_allowed"


def test_register_many_accepts_any_iterable_of_mappings(community: cimi.Community, event: int) -> None:
    from types import MappingProxyType

    gen = (MappingProxyType(person(f"p{i}@interieur.gouv.fr")) for i in range(3))
    assert community.register_many(event, gen, at=NOW) == ["confirmed"] * 3
    assert community.register_many(event, [], at=NOW) == []


def test_register_many_unknown_event(community: cimi.Community) -> None:
    with pytest.raises(cimi.NotFound) as info:
        community.register_many(999, [person("a@interieur.gouv.fr")], at=NOW)
    assert info.value.kind == "event_not_found"


def test_register_many_releases_the_gil(community: cimi.Community) -> None:
    """Another Python thread runs while the batch is judged in Rust.

    With a switch interval of a minute, a thread holding the GIL keeps it: the
    ticker can only run during the call if the call releases the GIL."""
    ev = community.schedule_event("conference", "Big", STARTS, ENDS, 10_000_000, at=NOW)
    requests = [person(f"p{i}@interieur.gouv.fr") for i in range(20_000)]
    samples: list[float] = []
    stop = threading.Event()

    def tick() -> None:
        while not stop.is_set():
            samples.append(time.perf_counter())
            time.sleep(0.0002)

    interval = sys.getswitchinterval()
    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        time.sleep(0.01)
        sys.setswitchinterval(60)
        t0 = time.perf_counter()
        outcomes = community.register_many(ev, requests, at=NOW)
        t1 = time.perf_counter()
        # Control: turning a table into Python lists keeps the GIL, so the
        # ticker stays out.
        table = community.registrations_table()
        time.sleep(0.01)
        c0 = time.perf_counter()
        for _ in range(5):
            table.to_pydict()
        c1 = time.perf_counter()
    finally:
        sys.setswitchinterval(interval)
        stop.set()
        ticker.join()
    assert outcomes.count("confirmed") == len(requests)
    assert any(t0 < s < t1 for s in samples), (t1 - t0, len(samples))
    assert not any(c0 < s < c1 for s in samples), (c1 - c0, len(samples))


def test_concurrent_writers_keep_the_invariants(community: cimi.Community) -> None:
    ev = community.schedule_event(
        "conference", "Crowd", STARTS, ENDS, 500, quotas={"interieur": 200}, at=NOW
    )
    errors: list[BaseException] = []

    def batch(offset: int) -> None:
        try:
            for chunk in range(5):
                community.register_many(
                    ev,
                    [person(f"p{offset}-{chunk}-{i}@{'interieur' if i % 2 else 'agri'}.gouv.fr") for i in range(100)],
                    at=NOW,
                )
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    def singles() -> None:
        try:
            for i in range(300):
                reg = community.register(ev, **person(f"s{i}@interieur.gouv.fr"), at=NOW)
                if i % 3 == 0:
                    community.cancel(reg.id, at=NOW)
        except BaseException as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=batch, args=(k,)) for k in range(3)] + [threading.Thread(target=singles)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert community.check_invariants() is None
    occupancy = community.occupancy(ev)
    assert occupancy["on_site"] == 500
    assert occupancy["on_site_by_audience"]["interieur"] <= 200
