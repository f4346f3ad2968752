"""Recording consent and the attendees a compte-rendu may name."""

from __future__ import annotations

import datetime as dt

import pytest

import cimi
from conftest import ENDS, NOW, STARTS, person

AFTER = ENDS + dt.timedelta(hours=1)
RECORDING = {"kind": "recording", "title": "Vidéo", "url": "https://video.example/1"}


def held(community: cimi.Community, consenting: bool) -> int:
    program = [{
        "kind": "talk", "title": "L'État plateforme",
        "speakers": [
            {"name": "Henri Verdier", "organisation": "DINSIC", "recording_consent": True},
            {"name": "Ada Lovelace", "organisation": "DNUM", "recording_consent": consenting},
        ],
    }]
    ev = community.schedule_event("miditech", "Plateforme", STARTS, ENDS, 10, program=program, at=NOW)
    community.mark_held(ev, at=AFTER)
    return ev


def test_recording_needs_every_speakers_consent(community: cimi.Community) -> None:
    ev = held(community, consenting=False)
    assert not community.event(ev).recording_allowed
    with pytest.raises(cimi.InvalidState) as e:
        community.publish_report(ev, "Compte-rendu", [RECORDING], at=AFTER)
    assert e.value.kind == "recording_consent_missing"
    assert e.value.details == {"speakers": 1}  # how many did not consent
    assert community.event(ev).state == "held"  # nothing published
    # Slides alone are fine.
    community.publish_report(ev, "Compte-rendu", [{"kind": "slides", "title": "S", "url": "https://x.example"}], at=AFTER)
    assert community.event(ev).state == "reported"


def test_recording_published_with_consent(community: cimi.Community) -> None:
    ev = held(community, consenting=True)
    community.publish_report(ev, "Compte-rendu", [RECORDING], at=AFTER)
    report = community.event(ev).report
    assert report is not None and report["resources"][0]["kind"] == "recording"


def test_report_attendees(community: cimi.Community, event: int) -> None:
    alice = community.register(event, **person("alice@interieur.gouv.fr", given_name="Alice"), at=NOW)
    bob = community.register(event, **person("bob@interieur.gouv.fr", given_name="Bob"), at=NOW)
    community.register(event, **person("carol@interieur.gouv.fr", given_name="Carol"), at=NOW)  # no show
    community.set_consent(alice.member_id, "name_publication", True, at=NOW)
    community.check_in(alice.id, at=STARTS)
    community.check_in(bob.id, at=STARTS)
    attendees = community.report_attendees(event, at=STARTS)
    assert attendees == {"named": ["Alice Martin"], "unnamed": 1}
    community.set_consent(alice.member_id, "name_publication", False, at=STARTS)
    later = STARTS + dt.timedelta(minutes=5)
    assert community.report_attendees(event, at=later) == {"named": [], "unnamed": 2}
    with pytest.raises(cimi.NotFound):
        community.report_attendees(10**6, at=NOW)
    with pytest.raises(cimi.InvalidInput):
        community.report_attendees(event, at=dt.datetime(2030, 1, 1))  # naive
