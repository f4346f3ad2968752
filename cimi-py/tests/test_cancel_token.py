"""Self-service cancellation with the registrant's secret token
(Registration.cancel_token, Community.cancel_by_token) until the event's
cancellation deadline, and the check-in window."""

from __future__ import annotations

import datetime as dt
import pickle
import re

import pytest

import cimi
from conftest import ENDS, NOW, STARTS, person

DAY = dt.timedelta(days=1)


def registered(community: cimi.Community, event: int, *emails: str) -> list[cimi.Registration]:
    return [community.register(event, **person(email), at=NOW) for email in emails]


def refused(community: cimi.Community, kind: str, token: object, event_id: int | None = None,
            at: dt.datetime = NOW) -> cimi.InvalidState:
    """Cancelling with `token` raises `kind` and changes nothing."""
    before = community.to_json()
    with pytest.raises(cimi.InvalidState) as e:
        community.cancel_by_token(token, event_id, at=at)  # type: ignore[arg-type]
    assert e.value.kind == kind, e.value
    assert community.to_json() == before
    return e.value


def test_the_token(community: cimi.Community, event: int) -> None:
    a, b = registered(community, event, "a@interieur.gouv.fr", "b@interieur.gouv.fr")
    assert a.cancel_token is not None and b.cancel_token is not None
    assert re.fullmatch(rf"{a.id}-[0-9a-f]{{32}}", a.cancel_token)
    assert a.cancel_token != b.cancel_token
    assert community.registration(a.id).cancel_token == a.cancel_token
    # Asking again gives the same registration, and the same token.
    assert community.register(event, **person("a@interieur.gouv.fr"), at=NOW).cancel_token == a.cancel_token


def test_cancel_by_token(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "Rust", STARTS, ENDS, 1, at=NOW)
    a, b = registered(community, ev, "a@interieur.gouv.fr", "b@interieur.gouv.fr")
    assert a.cancel_token is not None
    done = community.cancel_by_token(a.cancel_token, at=NOW + DAY)
    assert isinstance(done, cimi.Cancellation)
    assert (done.registration.id, done.registration.status, done.registration.cancelled_at) == (
        a.id, "cancelled", NOW + DAY
    )
    assert done.promoted == [b.id]  # as cancel does
    assert community.registration(b.id).status == "confirmed"
    # With the event named, and with blanks around the token (a pasted link).
    c = community.register(ev, **person("c@interieur.gouv.fr"), at=NOW)
    assert c.cancel_token is not None
    assert community.cancel_by_token(f"  {c.cancel_token}\n", ev, at=NOW).registration.status == "cancelled"


def test_wrong_malformed_and_other_event_tokens_are_refused_alike(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "Rust", STARTS, ENDS, 10, at=NOW)
    other = community.schedule_event("workshop", "Go", STARTS, ENDS, 10, at=NOW)
    (a,) = registered(community, ev, "a@interieur.gouv.fr")
    (elsewhere,) = registered(community, other, "a@interieur.gouv.fr")
    token = a.cancel_token
    assert token is not None and elsewhere.cancel_token is not None
    rid, secret = token.split("-")
    flipped = secret[:-1] + ("0" if secret[-1] != "0" else "1")
    wrong = [
        f"{rid}-{flipped}",                    # one digit off
        f"{elsewhere.id}-{secret}",            # the secret of another registration
        f"{10**6}-{secret}",                   # no such registration
        f"{rid}-{secret.upper()}",             # hex digits are lowercase
        f"{rid}-{secret}0",                    # too long
        f"{rid}-{secret[:-1]}",                # too short
        f"0-{secret}", f"-{secret}", f"{rid}{secret}", f"{rid}--{secret}", f"+{rid}-{secret}",
        f"{10**19}-{secret}", "", " ", "-", "abc", "\x00", "\ud800", token.replace("-", "\u2010"),
        "x" * 100_000,
    ]
    for bad in wrong:
        error = refused(community, "invalid_token", bad)
        assert secret not in str(error) and error.details == {}
    # A good token named with another event: refused alike, in either direction.
    refused(community, "invalid_token", token, other)
    refused(community, "invalid_token", elsewhere.cancel_token, ev)
    refused(community, "invalid_token", token, 10**6)
    assert community.registration(a.id).status == "confirmed"
    with pytest.raises(TypeError):
        community.cancel_by_token(token.encode(), at=NOW)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        community.cancel_by_token(None, at=NOW)  # type: ignore[arg-type]
    # The right ones still work.
    assert community.cancel_by_token(elsewhere.cancel_token, other, at=NOW).registration.id == elsewhere.id
    assert community.cancel_by_token(token, ev, at=NOW).registration.id == a.id


def test_a_reused_token_answers_the_same(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "Rust", STARTS, ENDS, 1, at=NOW)
    a, b, c = registered(community, ev, "a@interieur.gouv.fr", "b@interieur.gouv.fr", "c@interieur.gouv.fr")
    assert a.cancel_token is not None
    first = community.cancel_by_token(a.cancel_token, at=NOW + DAY)
    assert first.promoted == [b.id]
    before = community.to_json()
    again = community.cancel_by_token(a.cancel_token, at=NOW + 2 * DAY)
    assert again.registration == first.registration and again.promoted == []
    assert community.to_json() == before
    # Even once self-service cancellation has closed.
    assert community.cancel_by_token(a.cancel_token, at=STARTS + DAY).registration == first.registration
    assert community.to_json() == before


def test_after_the_deadline_only_organisers_cancel(community: cimi.Community) -> None:
    deadline = STARTS - 2 * DAY
    ev = community.schedule_event("workshop", "Rust", STARTS, ENDS, 10, cancellation_deadline=deadline, at=NOW)
    event = community.event(ev)
    assert (event.cancellation_closes_at, event.cancellation_deadline) == (deadline, deadline)
    a, b = registered(community, ev, "a@interieur.gouv.fr", "b@interieur.gouv.fr")
    assert a.cancel_token is not None and b.cancel_token is not None
    error = refused(community, "cancellation_closed", a.cancel_token, at=deadline)
    assert error.details == {"closed_at": deadline}
    assert "closed" in error.message_en and error.message_fr
    refused(community, "cancellation_closed", a.cancel_token, ev, at=STARTS)
    # A bad token is still a bad token after the deadline.
    refused(community, "invalid_token", a.cancel_token[:-1] + "x", at=deadline)
    # The organisers still may.
    assert community.cancel(a.id, at=deadline + DAY).registration.status == "cancelled"
    assert community.cancel_by_token(b.cancel_token, at=deadline - dt.timedelta(seconds=1)).registration.id == b.id


def test_the_deadline_defaults_to_the_start(community: cimi.Community, event: int) -> None:
    ev = community.event(event)
    assert (ev.cancellation_closes_at, ev.cancellation_deadline) == (None, STARTS)
    (a,) = registered(community, event, "a@interieur.gouv.fr")
    assert a.cancel_token is not None
    assert refused(community, "cancellation_closed", a.cancel_token, at=STARTS).details == {"closed_at": STARTS}
    assert community.cancel_by_token(a.cancel_token, at=STARTS - dt.timedelta(seconds=1)).registration.is_live is False
    with pytest.raises(cimi.InvalidInput) as naive:
        community.schedule_event("workshop", "Naive", STARTS, ENDS, 1, cancellation_deadline=dt.datetime(2030, 12, 1),
                                 at=NOW)
    assert naive.value.kind == "naive_datetime"
    with pytest.raises(TypeError):
        community.schedule_event("workshop", "Text", STARTS, ENDS, 1, cancellation_deadline="2030-12-01",  # type: ignore[arg-type]
                                 at=NOW)


def test_the_token_stays_out_of_sight(community: cimi.Community, event: int) -> None:
    (a,) = registered(community, event, "a@interieur.gouv.fr")
    token = a.cancel_token
    assert token is not None
    secret = token.split("-")[1]
    done = community.cancel(a.id, at=NOW)
    shown = " ".join([repr(a), repr(done), repr(done.registration), repr(community), repr(community.event(event)),
                      str(community.occupancy(event))])
    assert secret not in shown
    for table in (community.registrations_table(), community.registrations_table(event), community.events_table(),
                  community.members_table(at=NOW)):
        assert secret not in repr(table.to_pydict())
        assert not any("token" in name or "secret" in name for name in table.column_names)
    assert secret not in community.attendees_csv(event, include_cancelled=True)
    # Pickles and the JSON document keep it: they give the registration back.
    assert pickle.loads(pickle.dumps(a)).cancel_token == token
    assert pickle.loads(pickle.dumps(done)).registration.cancel_token == token
    assert cimi.Community.from_json(community.to_json()).registration(a.id).cancel_token == token


def test_check_in_window(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "Rust", STARTS, ENDS, 10, at=NOW)
    opens, closes = community.event(ev).check_in_window
    assert (opens, closes) == (STARTS - DAY, ENDS + DAY)
    regs = registered(community, ev, "a@interieur.gouv.fr", "b@interieur.gouv.fr", "c@interieur.gouv.fr")
    for at in (NOW, opens - dt.timedelta(microseconds=1), closes + dt.timedelta(seconds=1), ENDS + 30 * DAY):
        before = community.to_json()
        with pytest.raises(cimi.InvalidState) as e:
            community.check_in(regs[0].id, at=at)
        assert e.value.kind == "check_in_outside_window"
        assert e.value.details == {"opens_at": opens, "closes_at": closes}
        assert community.to_json() == before
    assert community.check_in(regs[0].id, at=opens).checked_in_at == opens  # both ends included
    assert community.check_in(regs[1].id, at=closes).checked_in_at == closes
    assert community.check_in(regs[2].id, at=STARTS).checked_in_at == STARTS
    # Checking in again, even outside the window, is refused; the first time stays.
    with pytest.raises(cimi.InvalidState):
        community.check_in(regs[0].id, at=NOW)
    assert community.registration(regs[0].id).checked_in_at == opens
