"""JSON save and load, pickling, copies, recorded changes."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle

import pytest

import cimi
from conftest import ENDS, NOW, STARTS, person


@pytest.fixture
def busy() -> cimi.Community:
    c = cimi.Community.cimi()
    ev = c.schedule_event(
        "miditech",
        "L'État plateforme",
        STARTS,
        ENDS,
        2,
        quotas={"interieur": 1},
        venue={"name": "DGGN", "address": "4 rue Claude Bernard, 92130 Issy-les-Moulineaux"},
        remote="https://visio.example/cimi",
        program=[
            {"kind": "introduction", "title": "Accueil"},
            {"kind": "talk", "title": "L'État plateforme", "speakers": [{"name": "Henri Verdier", "title": "directeur", "organisation": "DINSIC", "recording_consent": True}]},
            {"kind": "questions_and_answers"},
        ],
        at=NOW,
    )
    regs = [c.register(ev, **person(f"p{i}@interieur.gouv.fr"), at=NOW) for i in range(3)]
    c.register(ev, **person("q@agri.gouv.fr"), at=NOW)
    c.cancel(regs[0].id, at=NOW + dt.timedelta(hours=1))
    m = c.add_member(
        "chef@interieur.gouv.fr",
        family_name="Meslier",
        given_name="Isabelle",
        grade="commandant",
        affiliation=["Intérieur", "DGGN", "ST(SI)²"],
        skills=["python", "postgresql"],
        at=NOW,
    )
    c.set_bureau_role(m, "GitHub", at=NOW)
    c.set_consent(m, "recording", True, at=NOW)
    return c


def test_json_round_trip(busy: cimi.Community) -> None:
    text = busy.to_json()
    doc = json.loads(text)
    assert doc["format"] == "cimi.community" and doc["version"] == 1
    back = cimi.Community.from_json(text)
    assert back == busy
    assert back.to_json() == text
    assert back.registrations_table() == busy.registrations_table()


def test_json_refusals() -> None:
    with pytest.raises(cimi.FormatError) as syntax:
        cimi.Community.from_json("{not json")
    assert syntax.value.kind == "invalid_json"
    with pytest.raises(cimi.FormatError) as version:
        cimi.Community.from_json('{"format": "cimi.community", "version": 9}')
    assert version.value.kind == "unsupported_version"
    with pytest.raises(cimi.FormatError) as wrong:
        cimi.Community.from_json('{"format": "other", "version": 1}')
    assert wrong.value.kind == "wrong_format"


def test_inconsistent_document_is_refused(busy: cimi.Community) -> None:
    doc = json.loads(busy.to_json())
    doc["events"][0]["capacity"] = 0
    with pytest.raises(cimi.FormatError) as info:
        cimi.Community.from_json(json.dumps(doc))
    assert info.value.kind == "inconsistent_document"


def test_over_limit_documents_and_changes(busy: cimi.Community) -> None:
    doc = json.loads(busy.to_json())
    doc["members"][0]["family_name"] = "x" * 100_001
    with pytest.raises(cimi.FormatError) as long_text:
        cimi.Community.from_json(json.dumps(doc))
    assert long_text.value.kind == "over_limit"
    assert "members[0]" in str(long_text.value)
    doc = json.loads(busy.to_json())
    doc["members"][0]["skills"] = [f"s{i}" for i in range(100_001)]
    with pytest.raises(cimi.FormatError) as long_list:
        cimi.Community.from_json(json.dumps(doc))
    assert long_list.value.kind == "over_limit"
    assert "skills" in str(long_list.value)
    # An operation refuses a record it could not read back.
    before = busy.to_json()
    with pytest.raises(cimi.FormatError) as units:
        busy.add_member("nouveau@interieur.gouv.fr", affiliation=[f"u{i}" for i in range(100_001)], at=NOW)
    assert units.value.kind == "over_limit"
    assert "affiliation" in str(units.value)
    assert busy.to_json() == before


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_everything(busy: cimi.Community, protocol: int) -> None:
    ev = busy.events()[0]
    reg = busy.registrations()[1]
    objects: list[object] = [
        busy,
        busy.statutes,
        ev,
        reg,
        busy.members()[0],
        busy.cancel(reg.id, at=NOW),
        busy.check_statutes(at=NOW)[0],
    ]
    for obj in objects:
        back = pickle.loads(pickle.dumps(obj, protocol=protocol))
        assert type(back) is type(obj)
        assert back == obj, obj
    # The unpickled community is independent and still works.
    back = pickle.loads(pickle.dumps(busy, protocol=protocol))
    back.register(ev.id, **person("new@interieur.gouv.fr"), at=NOW)
    assert back != busy


def test_pickle_exceptions(busy: cimi.Community) -> None:
    with pytest.raises(cimi.RegistrationRefused) as info:
        busy.register(1, **person("x@evil.com"), at=NOW)
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is cimi.RegistrationRefused
    assert (back.kind, back.message_fr, back.details, str(back)) == (
        info.value.kind,
        info.value.message_fr,
        info.value.details,
        str(info.value),
    )


def test_copies_are_independent(busy: cimi.Community) -> None:
    for other in (busy.copy(), copy.copy(busy), copy.deepcopy(busy)):
        assert other == busy
        other.add_member("x@interieur.gouv.fr", at=NOW)
        assert other != busy


def test_repr_shows_no_personal_data(busy: cimi.Community) -> None:
    shown = " ".join(
        repr(o) for o in [busy, *busy.members(), *busy.registrations(), *busy.events(), busy.statutes]
    )
    for secret in ["Meslier", "Isabelle", "chef@", "p1@", "Martin", "Alice"]:
        assert secret not in shown
    assert "cimi.Community" in repr(busy) and "4 registrations" in repr(busy)


def test_recorded_changes_replay(busy: cimi.Community) -> None:
    replica = cimi.Community.from_json(busy.to_json())
    busy.set_recording(True)
    ev = busy.events()[0].id
    busy.register(ev, **person("late@interieur.gouv.fr"), at=NOW)
    busy.set_capacity(ev, 5, at=NOW)
    changes = busy.drain_changes()
    assert [json.loads(c)["action"] for c in changes][:2] == ["member_added", "registered"]
    for change in changes:
        replica.apply_change(change)
    assert replica == busy
    with pytest.raises(cimi.FormatError):
        replica.apply_change("{}")


def test_statutes_file_round_trip(tmp_path: object, busy: cimi.Community) -> None:
    import pathlib

    assert isinstance(tmp_path, pathlib.Path)
    path = tmp_path / "statutes.json"
    data = busy.statutes.to_dict()
    data["name"] = "Civic tech Montreuil"
    data["policy"]["allowed"] = ["*@montreuil.fr"]
    data["audiences"] = []
    path.write_text(json.dumps(data), encoding="utf-8")
    statutes = cimi.Statutes.from_path(path)
    assert statutes.name == "Civic tech Montreuil" and statutes.allows("a@montreuil.fr")
    town = cimi.Community.from_statutes_file(str(path))
    assert town.statutes == statutes == cimi.Community(statutes).statutes
    assert pickle.loads(pickle.dumps(statutes)) == statutes
    with pytest.raises(cimi.StatutesError) as missing:
        cimi.Statutes.from_path(tmp_path / "missing.json")
    assert missing.value.kind == "invalid_statutes"
