"""Mutual help, technology watch, statistics and erasure."""

from __future__ import annotations

import datetime as dt
import pickle

import pandas as pd
import polars as pl
import pytest

import cimi
from conftest import ENDS, NOW, STARTS, person


def test_normalize_skill() -> None:
    assert cimi.normalize_skill(" Postgre SQL ") == "postgresql"
    assert cimi.normalize_skill("Sécurité") == "securite"
    assert cimi.normalize_skill("C++") == "c++"
    assert cimi.normalize_skill(" - ") is None


def test_help_request_lifecycle(community: cimi.Community) -> None:
    jean = community.add_member("jean@interieur.gouv.fr", skills=["Docker", "OpenStreetMap"], at=NOW)
    rachid = community.add_member("rachid@interieur.gouv.fr", skills=["Docker"], at=NOW)
    ask = community.ask_help(
        "pascaline@interieur.gouv.fr", "Tuiles OSM", "Comment servir des tuiles ?", ["openstreetmap", "docker"], at=NOW
    )
    best = community.suggest_helpers(ask, k=2, at=NOW)
    assert [s["member_id"] for s in best] == [jean, rachid]
    assert best[0]["shared_skills"] == ["docker", "openstreetmap"] and best[0]["status"] == "active"
    assert best[0]["score"] > best[1]["score"]
    assert community.suggest_for_skills(["DOCKER"], k=5, exclude=jean, at=NOW)[0]["member_id"] == rachid

    request = community.help_request(ask)
    assert (request.state, request.visibility, request.skills) == ("open", "public", ["docker", "openstreetmap"])
    asker = community.member_by_email("pascaline@interieur.gouv.fr")
    assert asker is not None and request.asker_id == asker.id
    community.refer_help(ask, [jean], at=NOW + dt.timedelta(hours=1))
    community.resolve_help(ask, at=NOW + dt.timedelta(days=1))
    request = community.help_request(ask)
    assert request.state == "resolved" and request.referred_to == [jean]
    assert [s["state"] for s in request.steps] == ["open", "referred", "resolved"]
    with pytest.raises(cimi.InvalidState) as closed:
        community.close_help(ask, at=NOW)
    assert closed.value.kind == "help_transition"
    assert closed.value.details == {"from": "resolved", "to": "closed"}
    with pytest.raises(cimi.InvalidInput):
        community.refer_help(ask, [asker.id], at=NOW)
    with pytest.raises(cimi.NotFound) as missing:
        community.help_request(42)
    assert missing.value.kind == "help_request_not_found" and missing.value.details["entity"] == "help_request"
    with pytest.raises(cimi.InvalidInput):
        community.ask_help("x@interieur.gouv.fr", "t", "q", visibility="secret", at=NOW)  # type: ignore[arg-type]
    table = pd.DataFrame(community.help_requests_table().to_pydict())
    assert table["state"].tolist() == ["resolved"] and "text" not in table
    assert pickle.loads(pickle.dumps(request)) == request
    assert "Comment" not in repr(request)


def test_watch_rules_and_digest(community: cimi.Community, event: int) -> None:
    assert {c["id"] for c in community.statutes.channels} >= {"forum", "twitter", "mailing_list"}
    internal = community.share_watch_item(
        "Projet interne de messagerie",
        "https://intranet.interieur.gouv.fr/projet",
        scope="internal",
        shared_by="jean@interieur.gouv.fr",
        tags=["Messagerie"],
        at=NOW,
    )
    external = community.share_watch_item(
        "Rust 2024", "https://blog.rust-lang.org", scope="external", shared_by="jean@interieur.gouv.fr",
        summary="Nouvelle édition", event_id=event, at=NOW,
    )
    with pytest.raises(cimi.PublicationRefused) as refused:
        community.publish_watch_item(internal, "twitter", at=NOW)
    assert refused.value.kind == "internal_item_on_public_channel"
    assert refused.value.details == {"channel": "twitter"}
    assert isinstance(refused.value, cimi.CimiError)
    with pytest.raises(cimi.PublicationRefused) as unknown:
        community.publish_watch_item(internal, "myspace", at=NOW)
    assert unknown.value.kind == "unknown_channel"
    community.publish_watch_item(internal, "forum", at=NOW)
    community.publish_watch_item(external, "twitter", at=NOW)
    item = community.watch_item(internal)
    assert item.scope == "internal" and item.tags == ["messagerie"] and item.published == [("forum", NOW)]
    assert community.watch_item(external).event_id == event
    with pytest.raises(cimi.InvalidInput):
        community.share_watch_item("x", "y", scope="secret", shared_by="a@interieur.gouv.fr", at=NOW)  # type: ignore[arg-type]

    public = community.digest("twitter", NOW - dt.timedelta(days=7), NOW + dt.timedelta(days=1), at=NOW)
    assert [tag for tag, _ in public.groups] == [""]
    assert [w.id for _, items in public.groups for w in items] == [external]
    internal_digest = community.digest("forum", NOW - dt.timedelta(days=7), NOW + dt.timedelta(days=1), at=NOW)
    assert {w.id for _, items in internal_digest.groups for w in items} == {internal, external}
    assert internal_digest.upcoming[0]["id"] == event and internal_digest.upcoming[0]["starts_at"] == STARTS
    text = internal_digest.to_text("fr")
    assert "Projet interne de messagerie" in text and "Veille" in text
    assert "Technology watch" in internal_digest.to_markdown("en")
    assert pickle.loads(pickle.dumps(internal_digest)) == internal_digest
    assert pl.DataFrame(community.watch_items_table()).height == 2


def test_mailing_list_and_erasure(community: cimi.Community, event: int) -> None:
    reg = community.register(event, **person("ada@interieur.gouv.fr"), at=NOW)
    ada = reg.member_id
    other = community.add_member("bob@interieur.gouv.fr", at=NOW)
    community.set_consent(ada, "mailing_list", True, at=NOW)
    community.set_consent(other, "mailing_list", True, at=NOW)
    assert {m.id for m in community.mailing_list_recipients(at=NOW)} == {ada, other}
    community.erase_member(ada, at=NOW + dt.timedelta(hours=1))
    erased = community.member(ada)
    assert erased.erased_at is not None and erased.family_name == "" and "ada" not in erased.email
    assert community.member_status(ada, at=NOW) == "erased"
    assert community.registration(reg.id).status == "cancelled"
    assert [m.id for m in community.mailing_list_recipients(at=NOW + dt.timedelta(hours=2))] == [other]
    community.erase_member(ada, at=NOW)  # twice: nothing changes
    assert community.check_invariants() is None


def test_statistics(community: cimi.Community) -> None:
    ev = community.schedule_event("workshop", "Stats", STARTS, ENDS, 2, at=NOW)
    regs = [community.register(ev, **person(f"p{i}@interieur.gouv.fr"), at=NOW) for i in range(3)]
    community.cancel(regs[0].id, at=NOW)
    community.check_in(regs[1].id, at=STARTS)
    community.mark_held(ev, at=ENDS)
    stats = pd.DataFrame(community.event_stats().to_pydict())
    row = stats.iloc[0]
    assert (row["confirmed_on_site"], row["promoted"], row["cancelled"], row["attended"], row["no_shows"]) == (2, 1, 1, 1, 1)
    assert row["fill_rate"] == 1.0 and row["attendance_rate"] == 0.5
    held = community.events_held_per_year_and_kind()
    assert held == {"year": [2030], "kind": ["workshop"], "count": [1]}
    groups = pl.DataFrame(community.member_groups(at=NOW))
    assert groups.select(pl.col("count").sum()).item() == 3
    assert community.members_joined_per_month() == {"year": [2030], "month": [11], "count": [3]}
