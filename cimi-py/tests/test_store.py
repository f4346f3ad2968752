"""The durable store: journaled operations, rollback, reopening, audit
history, GDPR access and retention."""

from __future__ import annotations

import datetime as dt
import pathlib
import pickle

import pytest

import cimi
from conftest import ENDS, NOW, STARTS, person


def schedule_and_register(c: cimi.Community) -> int:
    ev = c.schedule_event("miditech", "Journal", STARTS, ENDS, 1, at=NOW)
    c.register(ev, **person("ada@interieur.gouv.fr"), at=NOW)
    c.register(ev, **person("bob@interieur.gouv.fr"), at=NOW)
    return ev


def test_operations_survive_reopening(tmp_path: pathlib.Path) -> None:
    store = cimi.Store.open(tmp_path / "store")
    assert store.path == tmp_path / "store" and store.open_report["records_replayed"] == 0
    ev = store.execute("organiser", schedule_and_register)
    seq = store.seq
    assert seq > 0 and len(store.community.registrations(ev)) == 2
    assert "cimi.Store" in repr(store)
    del store
    again = cimi.Store.open(tmp_path / "store")
    assert again.seq == seq
    assert again.open_report["records_replayed"] == seq
    assert [r.status for r in again.community.registrations(ev)] == ["confirmed", "waitlisted"]
    again.snapshot()
    again.compact()
    expected = again.community
    again.close()
    third = cimi.Store.open(tmp_path / "store")
    assert third.community == expected


def test_exception_rolls_back(tmp_path: pathlib.Path) -> None:
    store = cimi.Store.open(tmp_path, durable=False)
    ev = store.execute("organiser", schedule_and_register)
    before = store.community

    def half_done(c: cimi.Community) -> None:
        c.add_member("carol@interieur.gouv.fr", at=NOW)
        c.register(ev, **person("jean@gmail.com"), at=NOW)  # refused: raises

    with pytest.raises(cimi.RegistrationRefused):
        store.execute("organiser", half_done)
    assert store.community == before
    with pytest.raises(ZeroDivisionError):
        store.execute("organiser", lambda c: 1 / 0)
    assert store.community == before


def test_lent_community_is_only_for_the_operation(tmp_path: pathlib.Path) -> None:
    store = cimi.Store.open(tmp_path, durable=False)
    kept: list[cimi.Community] = []
    store.execute("organiser", kept.append)
    with pytest.raises(cimi.InvalidState) as over:
        kept[0].members()
    assert over.value.kind == "operation_over"
    with pytest.raises(cimi.InvalidState) as busy:
        store.execute("organiser", lambda c: store.seq)
    assert busy.value.kind == "store_busy"
    with pytest.raises(TypeError):
        store.execute("organiser", 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        pickle.dumps(store)


def test_invalid_actor(tmp_path: pathlib.Path) -> None:
    store = cimi.Store.open(tmp_path, durable=False)
    with pytest.raises(cimi.StoreError) as bad:
        store.execute("", lambda c: c.add_member("a@interieur.gouv.fr", at=NOW))
    assert bad.value.kind == "invalid_actor"


def test_corrupt_journal_is_reported(tmp_path: pathlib.Path) -> None:
    store = cimi.Store.open(tmp_path)
    store.execute("organiser", schedule_and_register)
    del store
    journal = tmp_path / "journal.log"
    data = bytearray(journal.read_bytes())
    data[60] ^= 0x01
    journal.write_bytes(bytes(data))
    with pytest.raises(cimi.StoreError) as info:
        cimi.Store.open(tmp_path)
    assert info.value.kind == "corrupt_journal"
    assert info.value.details["file"] == "journal.log"


def test_torn_tail_is_cut(tmp_path: pathlib.Path) -> None:
    store = cimi.Store.open(tmp_path)
    store.execute("organiser", schedule_and_register)
    seq = store.seq
    del store
    with open(tmp_path / "journal.log", "ab") as f:
        f.write(b'{"len":"00')
    again = cimi.Store.open(tmp_path)
    assert again.seq == seq and again.open_report["torn_tail"] is not None


def test_history_access_and_retention(tmp_path: pathlib.Path) -> None:
    store = cimi.Store.open(tmp_path, durable=False)
    ev = store.execute("organiser", schedule_and_register)
    ada = store.community.member_by_email("ada@interieur.gouv.fr")
    assert ada is not None
    history = store.history(member_id=ada.id)
    assert history and history[0]["actor"] == "organiser"
    assert {h["action"] for h in history} >= {"member_added", "registered"}
    assert all(isinstance(h["at"], dt.datetime) for h in history)
    assert store.history(event_id=ev)[0]["action"] == "event_scheduled"
    with pytest.raises(TypeError):
        store.history()
    access = store.subject_access("ADA@interieur.gouv.fr", at=NOW)
    assert access["member"]["email"] == "ada@interieur.gouv.fr" and access["audit"]
    direct = store.community.subject_access(ada.id, at=NOW)
    assert direct["member"]["family_name"] == "Martin"
    # Long after the event, the retention rule applies to non-members.
    later = ENDS + dt.timedelta(days=800)
    store.execute("organiser", lambda c: c.mark_held(ev, at=ENDS))
    candidates = store.community.retention_candidates(at=later)
    assert store.apply_retention("dpo", at=later) == candidates
    for member_id in candidates:
        assert store.community.member_status(member_id, at=later) == "erased"


def test_in_memory_store() -> None:
    community = cimi.Community.cimi()
    store = cimi.Store.in_memory(community)
    assert store.path is None and store.execute("x", lambda c: c.add_member("a@interieur.gouv.fr", at=NOW)) == 1
    assert store.community.members()[0].email == "a@interieur.gouv.fr"
    assert community.members() == []


def test_an_empty_directory_is_refused_not_the_current_one() -> None:
    with pytest.raises(cimi.InvalidInput) as empty:
        cimi.Store.open("")
    assert empty.value.kind == "invalid_input"
    assert "directory" in str(empty.value)
