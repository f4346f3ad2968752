"""Per-event admission: an event's own allowed address patterns (narrowing
or replacing the statutes' policy) and the audiences it admits."""

from __future__ import annotations

import pytest

import cimi
from conftest import ENDS, NOW, STARTS, person


def refusal(community: cimi.Community, event: int, email: str) -> cimi.RegistrationRefused:
    with pytest.raises(cimi.RegistrationRefused) as e:
        community.register(event, **person(email), at=NOW)
    return e.value


def test_default_admission_is_the_statutes(community: cimi.Community, event: int) -> None:
    assert community.event(event).admission == {"allowed": [], "audiences": [], "replaces_policy": False}


def test_allowed_narrows_the_policy(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "Home", STARTS, ENDS, 10, allowed=["*@interieur.gouv.fr"], at=NOW)
    assert community.event(ev).admission == {
        "allowed": ["*@interieur.gouv.fr"], "audiences": [], "replaces_policy": False,
    }
    assert community.register(ev, **person("a@interieur.gouv.fr"), at=NOW).status == "confirmed"
    error = refusal(community, ev, "a@agri.gouv.fr")
    assert error.kind == "address_not_admitted"
    assert "allowed" in error.details
    # Narrowing, not replacing: what the statutes refuse stays refused.
    assert refusal(community, ev, "a@gmail.com").kind in ("address_not_admitted", "address_not_allowed")


def test_allowed_replaces_the_policy(community: cimi.Community) -> None:
    ev = community.schedule_event(
        "conference", "Towns", STARTS, ENDS, 10, allowed=["*@paris.fr", "*@lyon.fr"], replace_policy=True, at=NOW
    )
    assert community.event(ev).admission["replaces_policy"] is True
    assert community.register(ev, **person("maire@paris.fr"), at=NOW).status == "confirmed"
    assert refusal(community, ev, "x@marseille.fr").kind == "address_not_admitted"


def test_audiences(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "Interieur", STARTS, ENDS, 10, audiences=["interieur"], at=NOW)
    assert community.register(ev, **person("a@interieur.gouv.fr"), at=NOW).audience == "interieur"
    error = refusal(community, ev, "b@agri.gouv.fr")
    assert error.kind == "audience_not_admitted"
    assert "admitted" in error.details


def test_set_admission(community: cimi.Community, event: int) -> None:
    kept = community.register(event, **person("a@agri.gouv.fr"), at=NOW)
    community.set_admission(event, allowed=("*@interieur.gouv.fr",), at=NOW)
    assert community.event(event).admission["allowed"] == ["*@interieur.gouv.fr"]
    assert community.registration(kept.id).status == "confirmed"  # registrations made stay
    assert refusal(community, event, "b@agri.gouv.fr").kind == "address_not_admitted"
    community.set_admission(event, at=NOW)  # back to the statutes' policy
    assert community.event(event).admission == {"allowed": [], "audiences": [], "replaces_policy": False}
    assert community.register(event, **person("b@agri.gouv.fr"), at=NOW).status == "confirmed"


def test_bad_admission_is_refused(community: cimi.Community, event: int) -> None:
    with pytest.raises(cimi.InvalidInput) as e:
        community.set_admission(event, allowed=["*@paris.fr", "gouv.fr"], at=NOW)
    assert e.value.kind == "invalid_input"
    assert e.value.details["field"] == "admission.allowed"
    assert e.value.message_fr and e.value.message_fr != e.value.message_en  # bilingual, from the core
    with pytest.raises(cimi.InvalidInput):
        community.schedule_event("workshop", "X", STARTS, ENDS, 1, allowed=["not a pattern"], at=NOW)
    with pytest.raises(TypeError):
        community.set_admission(event, allowed="*@paris.fr", at=NOW)  # a str is not a list of patterns
    with pytest.raises(TypeError):
        community.set_admission(event, audiences=[1], at=NOW)  # type: ignore[list-item]
    with pytest.raises(TypeError):
        community.set_admission(event, replace_policy="yes", at=NOW)  # type: ignore[arg-type]
    with pytest.raises(cimi.NotFound):
        community.set_admission(10**6, at=NOW)
    assert community.event(event).admission["allowed"] == []  # nothing changed
