"""A hypothesis state machine drives register / register_many / cancel /
check-in (on the day, or outside its window) / set_capacity against a
plain-Python model of the rules (the model is the test's oracle; the library
itself implements no rule in Python)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, initialize, invariant, rule

import cimi

UTC = dt.timezone.utc
START = dt.datetime(2031, 6, 1, 10, 0, tzinfo=UTC)

#: Addresses: some share a person (case), one is not allowed.
PEOPLE = [
    "a@interieur.gouv.fr",
    "A@INTERIEUR.GOUV.FR",
    "b@dnum.interieur.gouv.fr",
    "c@interieur.gouv.fr",
    "d@agri.gouv.fr",
    "e@finances.gouv.fr",
    "f@sante.gouv.fr",
    "g@gmail.com",
]


def audience(email: str) -> Optional[str]:
    domain = email.split("@")[1].lower()
    if domain == "interieur.gouv.fr" or domain.endswith(".interieur.gouv.fr"):
        return "interieur"
    return "other_ministries"


def allowed(email: str) -> bool:
    return email.lower().endswith(".gouv.fr")


@dataclass
class Reg:
    person: str
    audience: Optional[str]
    status: str
    checked_in: bool = False


class RegistrationMachine(RuleBasedStateMachine):
    registrations = Bundle("registrations")

    def __init__(self) -> None:
        super().__init__()
        self.community = cimi.Community.cimi()
        self.clock = dt.datetime(2031, 1, 1, 9, 0, tzinfo=UTC)
        self.regs: dict[int, Reg] = {}
        self.capacity = 0
        self.quota: Optional[int] = None
        self.event = 0

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(minutes=1)
        return self.clock

    # ----- the model ---------------------------------------------------------------

    def on_site(self, aud: Optional[str] = None, *, any_audience: bool = True) -> int:
        return sum(1 for r in self.regs.values() if r.status == "confirmed" and (any_audience or r.audience == aud))

    def has_room(self, aud: Optional[str]) -> bool:
        if self.on_site() >= self.capacity:
            return False
        if aud == "interieur" and self.quota is not None:
            return self.on_site("interieur", any_audience=False) < self.quota
        return True

    def live(self, person: str) -> Optional[int]:
        for rid, r in self.regs.items():
            if r.person == person.lower() and r.status != "cancelled":
                return rid
        return None

    def promote(self) -> list[int]:
        promoted = []
        while True:
            nxt = next(
                (rid for rid in sorted(self.regs) if self.regs[rid].status == "waitlisted" and self.has_room(self.regs[rid].audience)),
                None,
            )
            if nxt is None:
                return promoted
            self.regs[nxt].status = "confirmed"
            promoted.append(nxt)

    def expect_register(self, email: str) -> tuple[str, Optional[int], bool]:
        """(status or refusal kind, registration id if known, already registered)."""
        if not allowed(email):
            return "address_not_allowed", None, False
        existing = self.live(email)
        if existing is not None:
            return self.regs[existing].status, existing, True
        return ("confirmed" if self.has_room(audience(email)) else "waitlisted"), None, False

    def record(self, email: str, reg_id: int, status: str) -> None:
        assert reg_id not in self.regs
        self.regs[reg_id] = Reg(email.lower(), audience(email), status)

    # ----- rules -------------------------------------------------------------------

    @initialize(capacity=st.integers(0, 3), quota=st.one_of(st.none(), st.integers(0, 2)))
    def schedule(self, capacity: int, quota: Optional[int]) -> None:
        self.capacity, self.quota = capacity, quota
        quotas = {} if quota is None else {"interieur": quota}
        self.event = self.community.schedule_event(
            "workshop", "Model", START, START + dt.timedelta(hours=2), capacity, quotas=quotas, at=self.tick()
        )

    @rule(target=registrations, email=st.sampled_from(PEOPLE))
    def register(self, email: str) -> int:
        expected, known_id, again = self.expect_register(email)
        try:
            reg = self.community.register(
                self.event, email=email, family_name="N", given_name="P", service="S", grade="G",
                function="F", acknowledged=True, at=self.tick(),
            )
        except cimi.RegistrationRefused as refused:
            assert refused.kind == expected
            return -1
        assert reg.status == expected and reg.already_registered == again
        if known_id is None:
            self.record(email, reg.id, reg.status)
        else:
            assert reg.id == known_id
        return reg.id

    @rule(emails=st.lists(st.sampled_from(PEOPLE), max_size=4))
    def register_many(self, emails: list[str]) -> None:
        requests = [
            dict(email=e, family_name="N", given_name="P", service="S", grade="G", function="F", acknowledged=True)
            for e in emails
        ]
        outcomes = self.community.register_many(self.event, requests, at=self.tick(), detailed=True)
        assert len(outcomes) == len(emails)
        for email, outcome in zip(emails, outcomes):
            expected, known_id, again = self.expect_register(email)
            if isinstance(outcome, cimi.RegistrationRefused):
                assert outcome.kind == expected
                continue
            assert outcome.status == expected and outcome.already_registered == again
            if known_id is None:
                self.record(email, outcome.id, outcome.status)

    @rule(reg_id=registrations)
    def cancel(self, reg_id: int) -> None:
        if reg_id < 0:
            return
        was = self.regs[reg_id].status
        done = self.community.cancel(reg_id, at=self.tick())
        assert done.registration.status == "cancelled"
        if was == "cancelled":
            assert done.promoted == []
            return
        self.regs[reg_id].status = "cancelled"
        assert done.promoted == self.promote()

    @rule(reg_id=consumes(registrations), on_the_day=st.booleans())
    def check_in(self, reg_id: int, on_the_day: bool) -> None:
        if reg_id < 0:
            return
        r = self.regs[reg_id]
        # The clock is months before the event: outside the check-in window
        # (a day before the start to a day after the end).
        at = START if on_the_day else self.tick()
        try:
            done = self.community.check_in(reg_id, at=at)
        except cimi.InvalidState as e:
            expected = {"cancelled": "registration_cancelled", "waitlisted": "not_confirmed"}.get(r.status)
            if expected is None:  # confirmed, but not on the day
                assert not on_the_day and e.details["opens_at"] == START - dt.timedelta(days=1)
                expected = "check_in_outside_window"
            assert e.kind == expected, e
            return
        assert r.status == "confirmed" and on_the_day and done.checked_in_at == START
        r.checked_in = True

    @rule(capacity=st.integers(0, 4))
    def set_capacity(self, capacity: int) -> None:
        try:
            promoted = self.community.set_capacity(self.event, capacity, at=self.tick())
        except cimi.InvalidState as e:
            assert e.kind == "capacity_below_confirmed" and capacity < self.on_site()
            return
        assert capacity >= self.on_site()
        self.capacity = capacity
        assert promoted == self.promote()

    @rule(unknown=st.integers(10_000, 2**70))
    def unknown_registration(self, unknown: int) -> None:
        try:
            self.community.cancel(unknown, at=self.tick())
        except cimi.NotFound as e:
            assert e.kind == "registration_not_found"
        else:  # pragma: no cover
            raise AssertionError("cancelled an unknown registration")

    # ----- invariants --------------------------------------------------------------

    @invariant()
    def matches_the_model(self) -> None:
        if not self.event:
            return
        table = self.community.registrations_table(self.event)
        assert dict(zip(table["id"], table["status"])) == {rid: r.status for rid, r in self.regs.items()}
        checked = {rid for rid, at in zip(table["id"], table["checked_in_at"]) if at is not None}
        assert checked == {rid for rid, r in self.regs.items() if r.checked_in}
        assert self.community.waiting_list(self.event) == sorted(
            rid for rid, r in self.regs.items() if r.status == "waitlisted"
        )
        occupancy = self.community.occupancy(self.event)
        assert occupancy["on_site"] == self.on_site() <= self.capacity
        if self.quota is not None:
            assert occupancy["on_site_by_audience"].get("interieur", 0) <= self.quota
        assert self.community.check_invariants() is None


RegistrationMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=50, deadline=None)
TestRegistrationMachine = RegistrationMachine.TestCase
