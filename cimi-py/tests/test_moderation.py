"""Moderated registration: requests wait (status "pending") for an
organiser's approve or reject; a rejection keeps its reason and says it in
French and English."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cimi
from conftest import ENDS, NOW, STARTS, person


def moderated(community: cimi.Community, capacity: int = 2, waitlist: bool = True) -> int:
    return community.schedule_event(
        "workshop", "Rust", STARTS, ENDS, capacity, moderated=True, waitlist=waitlist, at=NOW
    )


def test_requests_wait_for_approval(community: cimi.Community) -> None:
    ev = moderated(community)
    assert community.event(ev).moderated
    assert not community.event(community.schedule_event("miditech", "Open", STARTS, ENDS, 2, at=NOW)).moderated
    regs = [community.register(ev, **person(f"p{i}@interieur.gouv.fr"), at=NOW) for i in range(3)]
    assert [r.status for r in regs] == ["pending"] * 3
    assert community.occupancy(ev)["on_site"] == 0  # a pending request holds no seat
    assert community.waiting_list(ev) == []

    first = community.approve(regs[0].id, at=NOW)
    assert isinstance(first, cimi.Registration)
    assert (first.status, first.seat, first.confirmed_at) == ("confirmed", "on_site", NOW)
    assert community.registration(regs[0].id) == first
    community.approve(regs[1].id, at=NOW)
    third = community.approve(regs[2].id, at=NOW)
    assert third.status == "waitlisted"  # the usual rules once approved
    assert community.check_invariants() is None


def test_rejection_keeps_the_reason(community: cimi.Community) -> None:
    ev = moderated(community)
    reg = community.register(ev, **person("a@interieur.gouv.fr"), at=NOW)
    assert reg.rejection is None and reg.rejection_message() is None
    rejected = community.reject(reg.id, "  Réservé aux architectes  ", at=NOW)
    assert (rejected.status, rejected.cancelled_at, rejected.rejection) == ("cancelled", NOW, "Réservé aux architectes")
    assert rejected.rejection_message("en") == "Your registration request was not accepted: Réservé aux architectes"
    french = rejected.rejection_message("fr")
    assert french is not None and french.startswith("Votre demande d'inscription n'a pas été retenue")
    assert rejected.rejection_message() == rejected.rejection_message("en")
    cimi.set_language("fr")
    assert rejected.rejection_message() == french
    with pytest.raises(cimi.InvalidInput) as e:
        rejected.rejection_message("de")
    assert e.value.kind == "unknown_language"


def test_moderation_errors(community: cimi.Community) -> None:
    ev = moderated(community, capacity=1, waitlist=False)
    a = community.register(ev, **person("a@interieur.gouv.fr"), at=NOW)
    b = community.register(ev, **person("b@interieur.gouv.fr"), at=NOW)
    community.approve(a.id, at=NOW)
    for call in (lambda: community.approve(a.id, at=NOW), lambda: community.reject(a.id, "no", at=NOW)):
        with pytest.raises(cimi.InvalidState) as state:
            call()
        assert state.value.kind == "not_pending"
    with pytest.raises(cimi.RegistrationRefused) as refused:
        community.approve(b.id, at=NOW)  # full, no waiting list: b stays pending
    assert refused.value.kind == "event_full"
    assert community.registration(b.id).status == "pending"
    with pytest.raises(cimi.InvalidInput) as blank:
        community.reject(b.id, "   ", at=NOW)
    assert blank.value.details["field"] == "reason"
    with pytest.raises(cimi.NotFound):
        community.approve(10**6, at=NOW)
    with pytest.raises(TypeError):
        community.reject(b.id, 42, at=NOW)  # type: ignore[arg-type]


def test_moderation_survives_json_and_pickle(community: cimi.Community) -> None:
    import pickle

    ev = moderated(community)
    reg = community.register(ev, **person("a@interieur.gouv.fr"), at=NOW)
    rejected = community.reject(reg.id, "Complet", at=NOW)
    again = cimi.Community.from_json(community.to_json())
    assert again.event(ev).moderated
    assert again.registration(reg.id).rejection == "Complet"
    assert pickle.loads(pickle.dumps(rejected)) == rejected


operations = st.lists(
    st.tuples(st.sampled_from(["register", "approve", "reject", "cancel"]), st.integers(min_value=0, max_value=11)),
    max_size=40,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations, capacity=st.integers(min_value=0, max_value=4), waitlist=st.booleans(),
       quota=st.one_of(st.none(), st.integers(min_value=0, max_value=3)))
def test_random_moderation_never_overbooks(
    ops: list[tuple[str, int]], capacity: int, waitlist: bool, quota: int | None
) -> None:
    community = cimi.Community.cimi()
    quotas = {"interieur": quota} if quota is not None else None
    ev = community.schedule_event(
        "workshop", "Moderated", STARTS, ENDS, capacity, quotas=quotas, moderated=True, waitlist=waitlist, at=NOW
    )
    emails = [f"p{i}@interieur.gouv.fr" if i % 2 else f"p{i}@agri.gouv.fr" for i in range(12)]
    ids: dict[int, int] = {}
    for op, who in ops:
        try:
            if op == "register":
                ids[who] = community.register(ev, **person(emails[who]), at=NOW).id
            elif who in ids:
                rid = ids[who]
                before = community.registration(rid).status
                if op == "approve":
                    assert community.approve(rid, at=NOW).status in ("confirmed", "waitlisted")
                elif op == "reject":
                    assert community.reject(rid, "Non", at=NOW).status == "cancelled"
                else:
                    community.cancel(rid, at=NOW)
                if op in ("approve", "reject"):
                    assert before == "pending"
        except cimi.InvalidState as e:
            assert e.kind == "not_pending", e
        except cimi.RegistrationRefused as e:
            assert e.kind in ("event_full", "quota_full"), e
        occupancy = community.occupancy(ev)
        assert occupancy["on_site"] <= capacity
        if quota is not None:
            assert occupancy["on_site_by_audience"].get("interieur", 0) <= quota
        live = [r for r in community.registrations(ev) if r.status in ("confirmed", "waitlisted", "pending")]
        assert len({r.member_id for r in live}) == len(live)  # nobody twice
        pending = {r.id for r in live if r.status == "pending"}
        assert not pending & set(community.waiting_list(ev))
        assert community.check_invariants() is None
