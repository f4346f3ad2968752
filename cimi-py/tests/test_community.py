"""Members, statutes checks, events and their lifecycle."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

import cimi
from conftest import ENDS, NOW, STARTS, UTC, person

PARIS = ZoneInfo("Europe/Paris")


def test_cimi_preset() -> None:
    s = cimi.Statutes.cimi()
    assert s.name == "CIMI"
    assert s.values == ["neutrality", "independence", "spirit of sharing"]
    assert len(s.objectives) == 5 and len(s.rules) == 2
    assert list(s.obligations) == ["deontology", "pssi"]
    assert s.audiences == ["interieur", "other_ministries"]
    assert s.policy["allowed"] == ["*@*.gouv.fr"]
    assert s.bureau["size"] == 7
    assert s.audience_of("a@dnum.interieur.gouv.fr") == "interieur"
    assert s.audience_of("a@agri.gouv.fr") == "other_ministries"
    cimi.set_language("fr")
    assert s.values[0] == "neutralité"
    assert cimi.Community().statutes == s == cimi.Community.cimi().statutes


def test_members_and_statutes_check(community: cimi.Community) -> None:
    entities = ["DNUM", "SDSICIF", "ST(SI)²", "DNUM", "DNUM", "DNUM", "DNUM"]
    ids = [
        community.add_member(
            f"b{i}@interieur.gouv.fr", family_name=f"N{i}", given_name="P", service=unit, at=NOW
        )
        for i, unit in enumerate(entities)
    ]
    kinds = [v.kind for v in community.check_statutes(at=NOW)]
    assert kinds == ["bureau_size", "entity_not_represented", "entity_not_represented", "entity_not_represented"]
    for i in ids:
        community.set_bureau_role(i, "miditechs", at=NOW)
    assert community.check_statutes(at=NOW) == []
    assert len(community.bureau()) == 7
    # A year and a day later, the bureau is dormant.
    later = NOW + dt.timedelta(days=366)
    violations = community.check_statutes(at=later)
    assert {v.kind for v in violations} == {"member_not_active"}
    assert violations[0].details == {"kind": "member_not_active", "member": ids[0], "status": "dormant"}
    assert "not active" in violations[0].message and "pas actif" in violations[0].message_fr
    assert community.member_status(ids[0], at=later) == "dormant"
    community.set_bureau_role(ids[0], None, at=NOW)
    assert community.member(ids[0]).bureau_role is None


def test_member_profile_and_consents(community: cimi.Community) -> None:
    m = community.add_member("ada@interieur.gouv.fr", family_name="Lovelace", given_name="Ada", at=NOW)
    with pytest.raises(cimi.InvalidState) as dup:
        community.add_member("ADA@interieur.gouv.fr", at=NOW)
    assert dup.value.kind == "duplicate_member"
    community.update_profile(m, grade="capitaine", skills=["rust", " python "], corps="SIC", at=NOW)
    member = community.member(m)
    assert (member.family_name, member.grade, member.skills, member.corps) == ("Lovelace", "capitaine", ["python", "rust"], "SIC")
    assert member.display_name == "Ada Lovelace"
    assert not member.has_consent("mailing_list", at=NOW)
    community.set_consent(m, "mailing_list", True, at=NOW)
    community.set_consent(m, "mailing_list", False, at=NOW + dt.timedelta(days=1))
    member = community.member(m)
    assert member.has_consent("mailing_list", at=NOW)
    assert not member.has_consent("mailing_list", at=NOW + dt.timedelta(days=2))
    assert [c["granted"] for c in member.consents] == [True, False]
    with pytest.raises(cimi.InvalidInput):
        community.set_consent(m, "newsletter", True, at=NOW)


def test_membership_de_fait(community: cimi.Community, event: int) -> None:
    reg = community.register(event, **person("jean@interieur.gouv.fr"), at=NOW)
    member = community.member(reg.member_id)
    assert member.last_participation_at == NOW and member.service == "DNUM"
    assert community.member_by_email("JEAN@interieur.gouv.fr") == member
    assert community.member_by_email("nobody@interieur.gouv.fr") is None


def test_event_lifecycle(community: cimi.Community) -> None:
    ev = community.schedule_event(
        "miditech",
        "L'État plateforme",
        dt.datetime(2030, 12, 12, 12, 30, tzinfo=PARIS),
        dt.datetime(2030, 12, 12, 14, 30, tzinfo=PARIS),
        30,
        draft=True,
        at=NOW,
    )
    event = community.event(ev)
    assert event.state == "draft" and event.kind == "miditech"
    assert event.starts_at == STARTS and event.starts_at.tzinfo == UTC
    assert not event.accepts_registrations_at(NOW)
    community.open_registration(ev, at=NOW)
    assert community.event(ev).accepts_registrations_at(NOW)
    reg = community.register(ev, **person("a@interieur.gouv.fr"), at=NOW)
    community.close_registration(ev, at=NOW)
    with pytest.raises(cimi.InvalidState) as early:
        community.mark_held(ev, at=NOW)
    assert early.value.kind == "event_not_started"
    community.check_in(reg.id, at=STARTS)
    community.mark_held(ev, at=ENDS)
    with pytest.raises(cimi.InvalidState) as frozen:
        community.cancel(reg.id, at=ENDS)
    assert frozen.value.kind == "event_over"
    community.publish_report(
        ev,
        "Très bonne séance.\nMerci aux intervenants.",
        [{"kind": "slides", "title": "Support", "url": "https://wiki.example/etat-plateforme.pdf"}],
        at=ENDS + dt.timedelta(days=2),
    )
    report = community.event(ev).report
    assert report is not None and report["resources"][0]["kind"] == "slides"
    assert report["published_at"] == ENDS + dt.timedelta(days=2)
    with pytest.raises(cimi.InvalidState) as transition:
        community.cancel_event(ev, at=ENDS)
    assert transition.value.kind == "event_transition"
    assert transition.value.details == {"from": "reported", "to": "cancelled"}


def test_event_settings(community: cimi.Community, event: int) -> None:
    regs = [community.register(event, **person(f"p{i}@interieur.gouv.fr"), at=NOW) for i in range(3)]
    with pytest.raises(cimi.InvalidState) as below:
        community.set_capacity(event, 2, at=NOW)
    assert below.value.details == {"confirmed": 3, "requested": 2}
    community.set_venue(event, {"name": "DNUM", "address": "Place Beauvau"}, at=NOW)
    community.set_remote(event, "https://visio.example", at=NOW)
    community.set_program(
        event,
        [{"kind": "talk", "title": "IA", "speakers": [{"name": "X", "recording_consent": True}]}],
        at=NOW,
    )
    e = community.event(event)
    assert e.venue == {"name": "DNUM", "address": "Place Beauvau"}
    assert e.remote == {"url": "https://visio.example", "capacity": None}
    assert e.recording_allowed
    community.set_registration_window(event, closes=NOW + dt.timedelta(days=1), at=NOW)
    assert community.event(event).registration_deadline == NOW + dt.timedelta(days=1)
    community.set_venue(event, None, at=NOW)
    assert community.event(event).venue is None
    assert [r.id for r in community.confirmed(event)] == [r.id for r in regs]


def test_schedule_event_checks(community: cimi.Community) -> None:
    with pytest.raises(cimi.InvalidInput) as order:
        community.schedule_event("workshop", "x", ENDS, STARTS, 10, at=NOW)
    assert order.value.kind == "end_not_after_start"
    with pytest.raises(cimi.InvalidInput) as kind:
        community.schedule_event("party", "x", STARTS, ENDS, 10, at=NOW)
    assert kind.value.details == {"field": "kind"}
    with pytest.raises(cimi.InvalidInput) as audience:
        community.schedule_event("workshop", "x", STARTS, ENDS, 10, quotas={"mars": 3}, at=NOW)
    assert audience.value.details == {"field": "quotas"}
    with pytest.raises(cimi.InvalidInput) as blank:
        community.schedule_event("workshop", "  ", STARTS, ENDS, 10, at=NOW)
    assert blank.value.kind == "invalid_input"


def test_paris_instant() -> None:
    assert cimi.paris_instant(dt.datetime(2017, 12, 12, 12, 30)) == dt.datetime(2017, 12, 12, 11, 30, tzinfo=UTC)
    assert cimi.paris_instant(dt.datetime(2020, 7, 1, 12, 0)) == dt.datetime(2020, 7, 1, 10, 0, tzinfo=UTC)
    with pytest.raises(cimi.InvalidInput) as gap:
        cimi.paris_instant(dt.datetime(2017, 3, 26, 2, 30))
    assert gap.value.kind == "nonexistent_local_time"
    with pytest.raises(cimi.InvalidInput) as twice:
        cimi.paris_instant(dt.datetime(2017, 10, 29, 2, 30))
    assert twice.value.kind == "ambiguous_local_time"


def test_statutes_that_drop_an_audience_an_upcoming_event_uses(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "Quotas", STARTS, ENDS, 10,
                                  quotas={"interieur": 5}, at=NOW)
    data = community.statutes.to_dict()
    data["audiences"] = [a for a in data["audiences"] if a["id"] != "interieur"]
    amended = cimi.Statutes.from_dict(data)
    with pytest.raises(cimi.InvalidState) as in_use:
        community.replace_statutes(amended, at=NOW)
    assert in_use.value.kind == "audience_in_use"
    assert in_use.value.details == {"audience": "interieur", "event": ev}
    assert "interieur" in str(in_use.value)
    assert community.statutes.audiences == ["interieur", "other_ministries"]
    community.cancel_event(ev, at=NOW)
    community.replace_statutes(amended, at=NOW)
    back = cimi.Community.from_json(community.to_json())
    assert back.statutes.audiences == ["other_ministries"]


def test_replace_statutes(community: cimi.Community, event: int) -> None:
    data = community.statutes.to_dict()
    data["policy"]["allowed"] = []  # every valid address
    data["policy"]["require_acknowledgement"] = False
    community.replace_statutes(cimi.Statutes.from_dict(data), at=NOW)
    reg = community.register(event, email="jean@gmail.com", family_name="Dupont", given_name="Jean",
                             service="Mairie", grade="-", function="citoyen", at=NOW)
    assert reg.status == "confirmed" and reg.audience is None
    with pytest.raises(cimi.StatutesError) as bad:
        data["activity_window_days"] = 0
        cimi.Statutes.from_dict(data)
    assert bad.value.kind == "invalid_value"
