"""Registration throughput: `cimi` (Rust core) against plain Python.

The plain-Python side implements the same rules as a data scientist would,
with the `email-validator` package for address syntax. Both sides judge the
same requests (valid addresses from two audiences, not-allowed and invalid
addresses, repeated people, missing fields) for one event with a capacity, a
quota and a waiting list, and must agree on every outcome.

    python benches/python/bench_register.py [--requests 5000] [--repeat 5] [--members N]

`--members N` first fills both directories with N other people (the national-scale
run uses N = 1,000,000), so the requests land in a large community.

Prints per-request times and the ratios; floors (reported, not asserted):
batch >= 50x, single call >= 10x. Also prints what reading the rows costs on
its own (`register_many` for an event id that does not exist): the bindings'
share of the batch time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from email_validator import EmailNotValidError, validate_email

import cimi

UTC = dt.timezone.utc
NOW = dt.datetime(2030, 11, 20, 9, 0, tzinfo=UTC)
STARTS = dt.datetime(2030, 12, 12, 11, 30, tzinfo=UTC)
ENDS = STARTS + dt.timedelta(hours=2)
FIELDS = ("family_name", "given_name", "service", "grade", "function")
OBLIGATIONS = ("deontology", "pssi")
MAX_FIELD_CHARS = 200


# ----- plain Python -------------------------------------------------------------------


class Refused(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass
class PlainEvent:
    capacity: int
    quotas: dict[str, int]
    starts_at: dt.datetime
    state: str = "open"
    opens_at: Optional[dt.datetime] = None
    closes_at: Optional[dt.datetime] = None
    on_site: int = 0
    on_site_by_audience: dict[Optional[str], int] = field(default_factory=dict)
    live: dict[str, int] = field(default_factory=dict)
    waiting: list[int] = field(default_factory=list)


def _forbidden(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf") or c in "\u2028\u2029" for c in text)


class PlainCommunity:
    """The CIMI rules in plain Python: `*@*.gouv.fr`, required fields,
    obligations, audiences with quotas, window, waiting list, idempotence."""

    def __init__(self) -> None:
        self.events: dict[int, PlainEvent] = {}
        self.members: dict[str, dict[str, Any]] = {}
        self.registrations: dict[int, dict[str, Any]] = {}
        self.next_id = 1

    def schedule_event(self, capacity: int, quotas: dict[str, int], starts_at: dt.datetime) -> int:
        eid = len(self.events) + 1
        self.events[eid] = PlainEvent(capacity, quotas, starts_at)
        return eid

    @staticmethod
    def audience(domain: str) -> Optional[str]:
        if domain == "interieur.gouv.fr" or domain.endswith(".interieur.gouv.fr"):
            return "interieur"
        if domain.endswith(".gouv.fr"):
            return "other_ministries"
        return None

    def register(self, event_id: int, req: dict[str, Any], at: dt.datetime) -> str:
        ev = self.events[event_id]
        try:
            checked = validate_email(req["email"], check_deliverability=False)
        except EmailNotValidError:
            raise Refused("invalid_address") from None
        domain = checked.ascii_domain.lower()
        if not domain.endswith(".gouv.fr"):
            raise Refused("address_not_allowed")
        key = f"{checked.local_part}@{domain}".lower()
        if key in ev.live:
            return self.registrations[ev.live[key]]["status"]
        if ev.state != "open" or (ev.opens_at and at < ev.opens_at):
            raise Refused("registration_not_open_yet")
        if at >= (ev.closes_at or ev.starts_at):
            raise Refused("registration_closed")
        values = {}
        for name in FIELDS:
            value = (req.get(name) or "").strip()
            if _forbidden(value):
                raise Refused("invalid_field")
            if len(value) > MAX_FIELD_CHARS:
                raise Refused("field_too_long")
            if not value:
                raise Refused("missing_field")
            values[name] = value
        ack = req.get("acknowledged") or ()
        if ack is not True and any(o not in ack for o in OBLIGATIONS):
            raise Refused("obligation_not_acknowledged")
        audience = self.audience(domain)
        quota = ev.quotas.get(audience) if audience else None
        room = ev.on_site < ev.capacity and (quota is None or ev.on_site_by_audience.get(audience, 0) < quota)
        status = "confirmed" if room else "waitlisted"
        member = self.members.setdefault(key, {"email": f"{checked.local_part}@{domain}", "joined_at": at})
        member.update(values, last_participation_at=at)
        rid = self.next_id
        self.next_id += 1
        self.registrations[rid] = {"event": event_id, "member": key, "audience": audience, "status": status, "at": at}
        ev.live[key] = rid
        if room:
            ev.on_site += 1
            ev.on_site_by_audience[audience] = ev.on_site_by_audience.get(audience, 0) + 1
        else:
            ev.waiting.append(rid)
        return status

    def register_many(self, event_id: int, requests: list[dict[str, Any]], at: dt.datetime) -> list[str]:
        out = []
        for req in requests:
            try:
                out.append(self.register(event_id, req, at))
            except Refused as r:
                out.append(r.kind)
        return out


# ----- workload -----------------------------------------------------------------------


def requests(n: int, seed: int = 2017) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    ministries = ["agri", "finances", "defense", "sante", "culture"]
    for i in range(n):
        roll = rnd.random()
        if roll < 0.45:
            email = f"agent.{i}@{rnd.choice(['', 'dnum.', 'dgpn.'])}interieur.gouv.fr"
        elif roll < 0.80:
            email = f"Agent.{i}@{rnd.choice(ministries).upper()}.GOUV.FR"
        elif roll < 0.88:
            email = f"agent.{i}@gmail.com"
        elif roll < 0.93:
            email = rnd.choice([f"agent {i}@agri.gouv.fr", f"agent.{i}@agri.gouv.fr.", f"agent..{i}@agri.gouv.fr"])
        elif out:
            email = rnd.choice(out)["email"].upper()  # the same person again
        else:
            email = f"first@{rnd.choice(ministries)}.gouv.fr"
        req = dict(
            email=email,
            family_name=f"Nom{i}",
            given_name="Prénom",
            service=rnd.choice(["DNUM", "DGGN", "SDSICIF", "ST(SI)²"]),
            grade=rnd.choice(["capitaine", "ingénieur des SIC", "attaché"]),
            function="chef de projet",
            acknowledged=list(OBLIGATIONS),
        )
        if rnd.random() < 0.03:
            req["grade"] = "  "
        out.append(req)
    return out


def best(runs: int, setup: Callable[[], Any], body: Callable[[Any], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        state = setup()
        t0 = time.perf_counter()
        result = body(state)
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--members", type=int, default=0, help="people already in the directory")
    args = parser.parse_args()
    reqs = requests(args.requests)
    capacity, quotas = args.requests // 2, {"interieur": args.requests // 4}
    n = len(reqs)

    # The directory both sides start from (people other than the requests').
    plain_base = PlainCommunity()
    cimi_base = cimi.Community.cimi()
    t_fill = time.perf_counter()
    for i in range(args.members):
        email = f"membre.{i}@{('dnum.interieur', 'agri', 'finances')[i % 3]}.gouv.fr"
        names = dict(family_name=f"Nom{i % 5000}", given_name="Prénom", service="DNUM", grade="attaché",
                     function="chef de projet")
        plain_base.members[email] = {"email": email, "joined_at": NOW, **names}
        cimi_base.add_member(email, **names, at=NOW)
    t_fill = time.perf_counter() - t_fill

    def plain_setup() -> tuple[PlainCommunity, int]:
        c = PlainCommunity()
        c.members = dict(plain_base.members)
        return c, c.schedule_event(capacity, quotas, STARTS)

    def cimi_setup() -> tuple[cimi.Community, int]:
        c = cimi_base.copy()
        return c, c.schedule_event("conference", "Bench", STARTS, ENDS, capacity, quotas=quotas, at=NOW)

    def plain_single(s: tuple[PlainCommunity, int]) -> list[str]:
        c, ev = s
        out = []
        for r in reqs:
            try:
                out.append(c.register(ev, r, NOW))
            except Refused as e:
                out.append(e.kind)
        return out

    def cimi_single(s: tuple[cimi.Community, int]) -> list[str]:
        c, ev = s
        out = []
        register = c.register
        for r in reqs:
            try:
                out.append(register(ev, **r, at=NOW).status)
            except cimi.RegistrationRefused as e:
                out.append(e.kind)
        return out

    t_plain_batch, plain_out = best(args.repeat, plain_setup, lambda s: s[0].register_many(s[1], reqs, NOW))
    t_plain_single, plain_single_out = best(args.repeat, plain_setup, plain_single)
    t_cimi_batch, cimi_out = best(args.repeat, cimi_setup, lambda s: s[0].register_many(s[1], reqs, at=NOW))
    t_cimi_single, cimi_single_out = best(args.repeat, cimi_setup, cimi_single)

    def cimi_read_only(s: tuple[cimi.Community, int]) -> None:
        # An event id that does not exist: the rows are read and converted as
        # for a real batch, then the core answers "not found" at once. What
        # this costs is the bindings' share (the glue) of `register_many`.
        c, ev = s
        try:
            c.register_many(ev + 1_000_000, reqs, at=NOW)
        except cimi.NotFound:
            return
        raise AssertionError("an unknown event was found")

    t_cimi_glue, _ = best(args.repeat, cimi_setup, cimi_read_only)

    agree = sum(a == b for a, b in zip(plain_out, cimi_out))
    counts: dict[str, int] = {}
    for o in cimi_out:
        counts[o] = counts.get(o, 0) + 1
    us = lambda t: t / n * 1e6  # noqa: E731
    print(f"cimi {cimi.__version__}, Python {sys.version.split()[0]}, {n} requests, best of {args.repeat},"
          f" {args.members} people in the directory (filled in {t_fill:.1f} s)")
    print(f"outcomes: {dict(sorted(counts.items()))}")
    print(f"plain Python and cimi agree on {agree}/{n} outcomes")
    print(f"batch : plain Python {us(t_plain_batch):8.2f} us/request   cimi.register_many {us(t_cimi_batch):6.2f} us/request")
    print(f"single: plain Python {us(t_plain_single):8.2f} us/request   cimi.register      {us(t_cimi_single):6.2f} us/request")
    print(f"glue  : register_many reading the rows only (unknown event) {us(t_cimi_glue):6.2f} us/request"
          f" ({t_cimi_glue / t_cimi_batch:.0%} of the batch)")
    batch_ratio = t_plain_batch / t_cimi_batch
    single_ratio = t_plain_single / t_cimi_single
    print(f"ratio batch  (plain / register_many): {batch_ratio:6.1f}x  (floor 50x: {'met' if batch_ratio >= 50 else 'NOT met'})")
    print(f"ratio single (plain / register)     : {single_ratio:6.1f}x  (floor 10x: {'met' if single_ratio >= 10 else 'NOT met'})")
    if agree != n or plain_single_out != plain_out or cimi_single_out != cimi_out:
        print("error: the two implementations disagree", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
