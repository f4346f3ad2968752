"""Offers of freed seats (schedule_event(waitlist_offer=...)): a freed seat is
offered to the earliest waiting registration (status "offered"), which
accepts or declines it before a deadline; expire_offers (or any later
operation on the event) expires the offers due and the seat goes to the
next in line; after the cut-off before the start, the seat is given at
once."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st

import cimi
from conftest import ENDS, NOW, STARTS, person

HOLD = dt.timedelta(hours=48)
HOUR = dt.timedelta(hours=1)


def with_offers(
    community: cimi.Community,
    capacity: int = 1,
    hold: dt.timedelta = HOLD,
    cutoff: Optional[dt.timedelta] = None,
    **extra: Any,
) -> int:
    return community.schedule_event(
        "workshop", "Rust", STARTS, ENDS, capacity, waitlist_offer=hold, offer_cutoff=cutoff, at=NOW, **extra
    )


def full_event(community: cimi.Community, waiting: int = 2, **extra: Any) -> tuple[int, list[cimi.Registration]]:
    """An event of one seat with offers: the first registration confirmed,
    `waiting` more in the waiting list."""
    ev = with_offers(community, **extra)
    regs = [community.register(ev, **person(f"p{i}@interieur.gouv.fr"), at=NOW) for i in range(waiting + 1)]
    assert [r.status for r in regs] == ["confirmed"] + ["waitlisted"] * waiting
    return ev, regs


def test_the_event_says_how_it_offers(community: cimi.Community) -> None:
    plain = community.event(community.schedule_event("workshop", "Plain", STARTS, ENDS, 1, at=NOW))
    assert (plain.waitlist_offer, plain.offer_cutoff, plain.offer_deadline(NOW)) == (None, None, None)
    ev = community.event(with_offers(community))
    assert (ev.waitlist_offer, ev.offer_cutoff) == (HOLD, dt.timedelta(0))
    assert ev.offer_deadline(NOW) == NOW + HOLD
    assert ev.offer_deadline(STARTS - HOUR) == STARTS  # never past the start
    assert ev.offer_deadline(STARTS) is None
    cut = community.event(with_offers(community, cutoff=dt.timedelta(days=1)))
    assert cut.offer_cutoff == dt.timedelta(days=1)
    assert cut.offer_deadline(STARTS - dt.timedelta(hours=36)) == STARTS - dt.timedelta(days=1)
    assert cut.offer_deadline(STARTS - dt.timedelta(hours=12)) is None
    assert pickle.loads(pickle.dumps(cut)) == cut
    assert cimi.Community.from_json(community.to_json()).event(cut.id).waitlist_offer == HOLD


def test_a_freed_seat_is_offered_to_the_earliest_waiting(community: cimi.Community) -> None:
    ev, (a, b, d) = full_event(community)
    at = NOW + HOUR
    done = community.cancel(a.id, at=at)
    assert done.promoted == [b.id]
    offered = community.registration(b.id)
    assert (offered.status, offered.seat, offered.offered_at, offered.offer_expires_at) == (
        "offered", "on_site", at, at + HOLD
    )
    assert offered.confirmed_at is None and offered.is_live and not offered.holds_seat
    assert community.registration(d.id).status == "waitlisted"
    assert community.waiting_list(ev) == [d.id]
    occupancy = community.occupancy(ev)
    assert (occupancy["on_site"], occupancy["offered"], occupancy["waiting"]) == (1, 1, 1)
    assert community.confirmed(ev) == []
    # Someone new waits behind: the offer holds the seat.
    late = community.register(ev, **person("late@interieur.gouv.fr"), at=at)
    assert late.status == "waitlisted" and community.waiting_list(ev) == [d.id, late.id]
    assert community.check_invariants() is None


def test_accept(community: cimi.Community) -> None:
    ev, (a, b, d) = full_event(community)
    community.cancel(a.id, at=NOW)
    accepted = community.accept_offer(b.id, at=NOW + HOUR)
    assert isinstance(accepted, cimi.Registration)
    assert (accepted.status, accepted.seat, accepted.confirmed_at) == ("confirmed", "on_site", NOW + HOUR)
    assert accepted.offered_at == NOW and accepted.holds_seat
    assert community.registration(b.id) == accepted
    assert community.occupancy(ev)["offered"] == 0
    assert [r.id for r in community.confirmed(ev)] == [b.id]
    for rid in (b.id, d.id, a.id):  # confirmed, waitlisted, cancelled: no offer to answer
        for answer in (community.accept_offer, community.decline_offer):
            with pytest.raises(cimi.InvalidState) as e:
                answer(rid, at=NOW + HOUR)
            assert e.value.kind == "not_offered"
    with pytest.raises(cimi.NotFound):
        community.accept_offer(10**6, at=NOW)
    assert community.check_invariants() is None


def test_decline_offers_the_seat_to_the_next(community: cimi.Community) -> None:
    ev, (a, b, d) = full_event(community)
    community.cancel(a.id, at=NOW)
    done = community.decline_offer(b.id, at=NOW + HOUR)
    assert isinstance(done, cimi.Cancellation)
    assert done.registration.id == b.id and done.registration.status == "cancelled"
    assert done.registration.cancelled_at == NOW + HOUR
    assert done.promoted == [d.id]
    nxt = community.registration(d.id)
    assert (nxt.status, nxt.offered_at, nxt.offer_expires_at) == ("offered", NOW + HOUR, NOW + HOUR + HOLD)
    # The last one declines: nobody waits, the seat is free.
    assert community.decline_offer(d.id, at=NOW + 2 * HOUR).promoted == []
    assert community.occupancy(ev)["on_site"] == 0
    assert community.check_invariants() is None


def test_expire_offers(community: cimi.Community) -> None:
    ev, (a, b, d) = full_event(community)
    community.cancel(a.id, at=NOW)
    assert community.expire_offers(at=NOW + HOLD - dt.timedelta(seconds=1)) == {"expired": [], "promoted": []}
    assert community.registration(b.id).status == "offered"
    round_ = community.expire_offers(at=NOW + HOLD)  # due at its deadline
    assert round_ == {"expired": [b.id], "promoted": [d.id]}
    expired = community.registration(b.id)
    assert (expired.status, expired.cancelled_at, expired.seat) == ("cancelled", NOW + HOLD, None)
    assert expired.offer_expires_at == NOW + HOLD
    assert community.registration(d.id).offered_at == NOW + HOLD
    assert community.expire_offers(at=NOW + HOLD) == {"expired": [], "promoted": []}
    # Nobody left to offer the seat to.
    assert community.expire_offers(at=NOW + 3 * HOLD) == {"expired": [d.id], "promoted": []}
    assert community.occupancy(ev)["on_site"] == 0
    assert community.check_invariants() is None


def test_expire_offers_covers_every_event(community: cimi.Community) -> None:
    first, (a, b, _) = full_event(community)
    second, (c, d, _) = full_event(community)
    community.cancel(a.id, at=NOW)
    community.cancel(c.id, at=NOW + HOUR)
    round_ = community.expire_offers(at=NOW + HOLD + HOUR)
    assert sorted(round_["expired"]) == [b.id, d.id] and len(round_["promoted"]) == 2
    assert {community.registration(r).event_id for r in round_["promoted"]} == {first, second}


def test_a_later_operation_expires_the_offers_due_first(community: cimi.Community) -> None:
    ev, (a, b, d) = full_event(community)
    community.cancel(a.id, at=NOW)
    later = NOW + HOLD + 2 * HOUR
    newcomer = community.register(ev, **person("new@interieur.gouv.fr"), at=later)
    assert newcomer.status == "waitlisted"  # d was offered the seat first
    expired = community.registration(b.id)
    assert (expired.status, expired.cancelled_at) == ("cancelled", NOW + HOLD)  # at its deadline
    offered = community.registration(d.id)
    assert (offered.status, offered.offered_at, offered.offer_expires_at) == ("offered", later, later + HOLD)
    assert community.waiting_list(ev) == [newcomer.id]
    assert community.check_invariants() is None


def test_accepting_after_the_deadline_is_refused(community: cimi.Community) -> None:
    ev, (a, b, d) = full_event(community)
    community.cancel(a.id, at=NOW)
    before = community.to_json()
    for answer in (community.accept_offer, community.decline_offer):
        with pytest.raises(cimi.InvalidState) as e:
            answer(b.id, at=NOW + HOLD)
        assert e.value.kind == "offer_expired"
        assert e.value.details == {"expired_at": NOW + HOLD}
        assert community.to_json() == before  # changes nothing; the next operation expires it
    assert community.accept_offer(b.id, at=NOW + HOLD - dt.timedelta(seconds=1)).status == "confirmed"


def test_the_cutoff_shortens_the_offer_then_the_seat_is_given_at_once(community: cimi.Community) -> None:
    cutoff = dt.timedelta(days=1)
    ev, regs = full_event(community, waiting=3, cutoff=cutoff)
    first = STARTS - dt.timedelta(hours=36)
    community.cancel(regs[0].id, at=first)
    offered = community.registration(regs[1].id)
    assert offered.status == "offered"
    assert offered.offer_expires_at == STARTS - cutoff  # not first + 48 h
    # After the offer window: the next seat freed goes at once.
    late = STARTS - dt.timedelta(hours=12)
    done = community.decline_offer(regs[1].id, at=STARTS - dt.timedelta(hours=30))
    assert done.promoted == [regs[2].id]
    assert community.registration(regs[2].id).offer_expires_at == STARTS - cutoff
    # regs[2]'s offer expires unanswered at the cut-off: regs[3] gets the seat.
    round_ = community.expire_offers(at=late)
    assert round_ == {"expired": [regs[2].id], "promoted": [regs[3].id]}
    given = community.registration(regs[3].id)
    assert (given.status, given.promoted_at, given.offered_at) == ("confirmed", late, None)
    assert community.occupancy(ev)["offered"] == 0
    assert community.check_invariants() is None


def test_someone_following_remotely_gets_the_seat_at_once(community: cimi.Community) -> None:
    ev = with_offers(community, remote="https://visio.example/cimi")
    community.register(ev, **person("a@interieur.gouv.fr"), at=NOW)
    remote = community.register(ev, **person("b@interieur.gouv.fr", attendance="on_site_or_remote"), at=NOW)
    assert (remote.status, remote.seat, remote.waiting_for_seat) == ("confirmed", "remote", True)
    community.cancel(community.registrations(ev)[0].id, at=NOW + HOUR)
    moved = community.registration(remote.id)
    assert (moved.status, moved.seat, moved.offered_at) == ("confirmed", "on_site", None)


def test_check_in_refuses_an_offer(community: cimi.Community) -> None:
    ev, (a, b, d) = full_event(community)
    community.cancel(a.id, at=NOW)
    with pytest.raises(cimi.InvalidState) as e:
        community.check_in(b.id, at=STARTS)
    assert e.value.kind == "not_confirmed"


def test_offers_in_tables_json_pickle_and_the_journal(community: cimi.Community) -> None:
    ev, (a, b, d) = full_event(community)
    replica = cimi.Community.from_json(community.to_json())
    community.set_recording(True)
    community.cancel(a.id, at=NOW)
    community.decline_offer(b.id, at=NOW + HOUR)
    community.expire_offers(at=NOW + HOUR + HOLD)
    newcomer = community.register(ev, **person("new@interieur.gouv.fr"), at=NOW + HOUR + HOLD)
    assert newcomer.status == "confirmed"
    changes = community.drain_changes()
    actions = [json.loads(c)["action"] for c in changes]
    assert {"offer_made", "offer_declined", "offer_expired"} <= set(actions)
    for change in changes:
        replica.apply_change(change)
    assert replica == community
    assert cimi.Community.from_json(community.to_json()) == community
    table = community.registrations_table(ev).to_pydict()
    by_id = dict(zip(table["id"], zip(table["status"], table["offered_at"], table["offer_expires_at"])))
    assert by_id[b.id] == ("cancelled", NOW, NOW + HOLD)
    assert by_id[d.id] == ("cancelled", NOW + HOUR, NOW + HOUR + HOLD)
    assert by_id[newcomer.id] == ("confirmed", None, None)
    # Accepted offers too.
    other, (x, y, _) = full_event(community)
    community.cancel(x.id, at=NOW)
    offered = community.registration(y.id)
    assert pickle.loads(pickle.dumps(offered)) == offered
    community.accept_offer(y.id, at=NOW + HOUR)
    assert "offer_accepted" in [json.loads(c)["action"] for c in community.drain_changes()]


def test_refused_settings(community: cimi.Community) -> None:
    def refused(field: str, **kwargs: Any) -> None:
        with pytest.raises(cimi.InvalidInput) as e:
            community.schedule_event("workshop", "Bad", STARTS, ENDS, 1, at=NOW, **kwargs)
        assert e.value.kind == "invalid_input" and e.value.details["field"] == field, e.value

    refused("waitlist_offer", waitlist_offer=dt.timedelta(seconds=59))
    refused("waitlist_offer", waitlist_offer=dt.timedelta(days=30, seconds=1))
    refused("waitlist_offer", waitlist_offer=-HOLD)
    refused("waitlist_offer", waitlist_offer=HOLD, offer_cutoff=dt.timedelta(days=366))
    refused("waitlist_offer", waitlist_offer=HOLD, offer_cutoff=-HOUR)
    refused("waitlist_offer", waitlist_offer=HOLD, waitlist=False)  # offers need a waiting list
    refused("waitlist_offer", waitlist_offer=dt.timedelta.max)
    refused("offer_cutoff", offer_cutoff=HOUR)  # a cut-off of no offers
    with pytest.raises(TypeError):
        community.schedule_event("workshop", "Bad", STARTS, ENDS, 1, waitlist_offer=3600, at=NOW)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        community.schedule_event(
            "workshop", "Bad", STARTS, ENDS, 1, waitlist_offer=HOLD, offer_cutoff="1d", at=NOW  # type: ignore[arg-type]
        )
    assert community.events() == []
    ok = with_offers(community, hold=dt.timedelta(minutes=1), cutoff=dt.timedelta(days=365))
    assert community.event(ok).waitlist_offer == dt.timedelta(minutes=1)
    assert with_offers(community, hold=dt.timedelta(days=30)) > ok


# ----- random operations ------------------------------------------------------------------

STEPS = [dt.timedelta(0), dt.timedelta(minutes=1), HOUR, dt.timedelta(hours=12), dt.timedelta(hours=47),
         dt.timedelta(hours=49), dt.timedelta(days=3)]
OPERATIONS = ["register", "cancel", "cancel", "cancel_by_token", "accept", "accept", "decline", "decline", "expire",
              "approve", "reject", "set_capacity"]

operations = st.lists(
    st.tuples(st.sampled_from(OPERATIONS), st.integers(min_value=0, max_value=7), st.sampled_from(STEPS)),
    min_size=10,
    max_size=50,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ops=operations,
    capacity=st.integers(min_value=1, max_value=3),
    extra=st.integers(min_value=0, max_value=4),
    moderated=st.booleans(),
    hold=st.sampled_from([dt.timedelta(minutes=1), HOUR, HOLD, dt.timedelta(days=7)]),
    cutoff=st.sampled_from([None, dt.timedelta(0), dt.timedelta(days=3), dt.timedelta(days=20)]),
)
def test_random_offers_never_overbook_and_go_to_the_earliest(
    ops: list[tuple[str, int, dt.timedelta]],
    capacity: int,
    extra: int,
    moderated: bool,
    hold: dt.timedelta,
    cutoff: Optional[dt.timedelta],
) -> None:
    community = cimi.Community.cimi()
    ev = community.schedule_event(
        "workshop", "Offers", STARTS, ENDS, capacity, moderated=moderated, waitlist_offer=hold,
        offer_cutoff=cutoff, at=NOW,
    )
    event = community.event(ev)
    ids: dict[int, int] = {}
    tokens: dict[int, str] = {}
    # A full event with `extra` people waiting; a moderated one has one
    # more request pending.
    for who in range(capacity + extra + moderated):
        reg = community.register(ev, **person(f"p{who}@interieur.gouv.fr"), at=NOW)
        ids[who], tokens[reg.id] = reg.id, reg.cancel_token or ""
        if moderated and who < capacity + extra:
            community.approve(reg.id, at=NOW)
    replica = cimi.Community.from_json(community.to_json())
    community.set_recording(True)
    at = NOW
    last = STARTS - dt.timedelta(minutes=1)  # registration closes at the start
    for op, who, step in ops:
        at = min(at + step, last)
        waiting = community.waiting_list(ev)
        before = {r.id: r for r in community.registrations(ev)}
        rid = ids.get(who)
        # Half of the calls go to a registration the operation fits: a seat
        # to free, an offer to answer, a request to judge.
        fits = {"accept": ("offered",), "decline": ("offered",), "approve": ("pending",), "reject": ("pending",)}
        candidates = [r.id for r in before.values() if r.status in fits.get(op, ("confirmed", "offered"))]
        if candidates and who % 2 == 0:
            rid = candidates[who // 2 % len(candidates)]
        try:
            if op == "register":
                reg = community.register(ev, **person(f"p{who}@interieur.gouv.fr"), at=at)
                ids[who], tokens[reg.id] = reg.id, reg.cancel_token or ""
            elif op == "expire":
                round_ = community.expire_offers(at=at)
                assert set(round_) == {"expired", "promoted"}
            elif op == "set_capacity":
                community.set_capacity(ev, who % 4, at=at)
            elif rid is None:
                continue
            elif op == "cancel":
                assert community.cancel(rid, at=at).registration.status == "cancelled"
            elif op == "cancel_by_token":
                assert community.cancel_by_token(tokens[rid], ev, at=at).registration.id == rid
            elif op == "accept":
                assert community.accept_offer(rid, at=at).status == "confirmed"
                assert before[rid].status == "offered"
            elif op == "decline":
                assert community.decline_offer(rid, at=at).registration.status == "cancelled"
                assert before[rid].status == "offered"
            elif op == "approve":
                assert community.approve(rid, at=at).status in ("confirmed", "waitlisted", "offered")
                assert before[rid].status == "pending"
            elif op == "reject":
                assert community.reject(rid, "Non", at=at).status == "cancelled"
                assert before[rid].status == "pending"
        except cimi.InvalidState as e:
            assert e.kind in ("not_offered", "offer_expired", "not_pending", "capacity_below_confirmed"), e
            if e.kind == "offer_expired":
                assert before[rid].status == "offered" and before[rid].offer_expires_at <= at
            elif e.kind == "not_offered":
                assert before[rid].status != "offered"
            elif e.kind == "not_pending":
                assert before[rid].status != "pending"
            assert {r.id: r for r in community.registrations(ev)} == before  # a refusal changes nothing
        after = {r.id: r for r in community.registrations(ev)}
        occupancy = community.occupancy(ev)
        capacity_now = community.event(ev).capacity
        assert occupancy["on_site"] <= capacity_now
        assert occupancy["offered"] == sum(1 for r in after.values() if r.status == "offered")
        if occupancy["on_site"] < capacity_now:  # no seat left free while someone waits
            assert community.waiting_list(ev) == []
        # The seats given went to the earliest waiting, in order: an offer
        # while the offer window is open, the seat itself once it has closed.
        still = [w for w in waiting if after[w].status != "cancelled"]
        served = [w for w in still if after[w].status in ("offered", "confirmed")]
        assert served == still[: len(served)]
        for w in served:
            if after[w].status == "offered":
                assert after[w].offered_at == at and after[w].offer_expires_at == event.offer_deadline(at)
            else:
                assert event.offer_deadline(at) is None and after[w].promoted_at == at
        for r in after.values():
            if r.status == "offered":
                assert r.offered_at is not None and r.offer_expires_at == event.offer_deadline(r.offered_at)
        assert community.check_invariants() is None
    changes = community.drain_changes()
    for action in sorted({json.loads(c)["action"] for c in changes}):
        tally(action)  # shown by --hypothesis-show-statistics
    for change in changes:
        replica.apply_change(change)
    assert replica == community
    assert cimi.Community.from_json(community.to_json()) == community
