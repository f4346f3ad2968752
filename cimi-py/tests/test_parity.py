"""The same scenario from Python and from Java gives the same lines.

The scenario (registrations, a refusal with details, a batch, a
cancellation that promotes, a profile update that keeps the fields it does not
give, an unknown member's error with details) is written once per language:
here, and in the plain-Java consumer (`fr.cimi.consumer.Parity`). Both print
the same lines, compared with `tests/golden/parity/scenario.txt`; a binding
that decided something on its own would print a different line.
"""

from __future__ import annotations

import datetime as dt
import os
import pathlib

import cimi

UTC = dt.timezone.utc
GOLDEN = pathlib.Path(__file__).resolve().parents[2] / "tests" / "golden" / "parity" / "scenario.txt"
T0 = dt.datetime(2030, 11, 20, 9, 0, tzinfo=UTC)


def details(error: cimi.CimiError) -> str:
    """The error's details as `key=value` pairs, sorted by key."""
    return " ".join(f"{k}={v}" for k, v in sorted(error.details.items()))


def ask(email: str, *, acknowledged: object = True) -> dict[str, object]:
    return dict(
        email=email,
        family_name="Martin",
        given_name="Alice",
        service="DNUM",
        grade="attachée",
        function="cheffe de projet",
        acknowledged=acknowledged,
    )


def scenario() -> list[str]:
    out: list[str] = []
    c = cimi.Community.cimi()
    ev = c.schedule_event(
        "miditech",
        "L'État plateforme",
        T0 + dt.timedelta(days=22),
        T0 + dt.timedelta(days=22, hours=2),
        2,
        at=T0,
    )
    out.append(f"schedule_event -> event {ev}")
    ids = {}
    for email in ["alice@interieur.gouv.fr", "bob@interieur.gouv.fr", "carol@agri.gouv.fr"]:
        r = c.register(ev, **ask(email), at=T0)
        ids[email] = r.id
        out.append(f"register {email} -> {r.status} registration {r.id} member {r.member_id}")
    try:
        c.register(ev, **ask("dave@interieur.gouv.fr", acknowledged=["deontology"]), at=T0)
    except cimi.RegistrationRefused as e:
        out.append(f"register dave@interieur.gouv.fr -> refused {e.kind} {details(e)}")
    batch = c.register_many(
        ev, [ask("erin@interieur.gouv.fr"), ask("eve@gmail.com")], at=T0, detailed=True
    )
    shown = [
        r.kind if isinstance(r, cimi.CimiError) else f"{r.status} registration {r.id}"
        for r in batch
    ]
    out.append("register_many erin@interieur.gouv.fr eve@gmail.com -> " + ", ".join(shown))
    cancel = c.cancel(ids["alice@interieur.gouv.fr"], at=T0 + dt.timedelta(hours=1))
    out.append(
        f"cancel registration {cancel.registration.id} -> {cancel.registration.status}, "
        f"promoted {' '.join(str(p) for p in cancel.promoted)}"
    )
    o = c.occupancy(ev)
    out.append(f"occupancy -> capacity {o['capacity']} on_site {o['on_site']} waiting {o['waiting']}")
    out.append(
        "waiting_list -> " + " ".join(str(r) for r in c.waiting_list(ev))
    )
    m = c.add_member(
        "frank@interieur.gouv.fr",
        family_name="Durand",
        given_name="Frank",
        service="DNUM",
        grade="attaché",
        skills=["rust", "postgresql"],
        at=T0,
    )
    c.update_profile(m, grade="commandant", at=T0 + dt.timedelta(hours=2))
    f = c.member(m)
    out.append(
        f"update_profile member {m} grade -> {f.family_name} / {f.given_name} / {f.service} / "
        f"{f.grade} / {' '.join(sorted(f.skills))}"
    )
    try:
        c.update_profile(999, grade="x", at=T0)
    except cimi.NotFound as e:
        out.append(f"update_profile member 999 -> {e.family} {e.kind} {details(e)}")
    return out


def test_the_scenario_gives_the_golden_lines() -> None:
    got = "\n".join(scenario()) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(got, encoding="utf-8")
    assert got == GOLDEN.read_text(encoding="utf-8")
