"""Columnar tables loaded into pandas and polars as they are."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import polars as pl
import pytest

import cimi
from conftest import ENDS, NOW, STARTS, person


@pytest.fixture
def community() -> cimi.Community:
    c = cimi.Community.cimi()
    evs = [
        c.schedule_event("miditech", f"Miditech {k}", STARTS + dt.timedelta(days=k), ENDS + dt.timedelta(days=k), 3, at=NOW)
        for k in range(3)
    ]
    for k, ev in enumerate(evs):
        c.register_many(
            ev,
            [person(f"p{i}@{'interieur' if i % 2 else 'agri'}.gouv.fr") for i in range(k + 3)],
            at=NOW,
        )
    c.add_member("solo@interieur.gouv.fr", skills=["rust"], affiliation=["Intérieur", "DNUM"], at=NOW)
    return c


def test_members_in_pandas_and_polars(community: cimi.Community) -> None:
    table = community.members_table(at=NOW)
    assert set(map(len, table.values())) == {6}
    df = pd.DataFrame(table)
    assert str(df["joined_at"].dtype) == "datetime64[us, UTC]"
    assert df.loc[df["email"] == "solo@interieur.gouv.fr", "administration"].item() == "Intérieur"
    assert (df["status"] == "active").all()
    assert df.groupby("domain").size().to_dict() == {"agri.gouv.fr": 3, "interieur.gouv.fr": 3}
    pf = pl.DataFrame(table)
    assert pf.schema["joined_at"] == pl.Datetime("us", "UTC")
    assert pf.schema["skills"] == pl.List(pl.String)
    assert pf.height == 6


def test_events_in_pandas_and_polars(community: cimi.Community) -> None:
    table = community.events_table()
    df = pd.DataFrame(table)
    assert df["on_site"].tolist() == [3, 3, 3]
    assert df["waiting"].tolist() == [0, 1, 2]
    assert str(df["starts_at"].dtype) == "datetime64[us, UTC]"
    pf = pl.DataFrame(table)
    assert pf.select(pl.col("waiting").sum()).item() == 3
    assert pf.schema["capacity"] == pl.Int64


def test_registrations_in_pandas_and_polars(community: cimi.Community) -> None:
    table = community.registrations_table()
    df = pd.DataFrame(table)
    counts = df.groupby(["event_id", "status"]).size().unstack(fill_value=0)
    assert counts["confirmed"].tolist() == [3, 3, 3]
    assert counts["waitlisted"].tolist() == [0, 1, 2]
    pf = pl.DataFrame(table)
    per_audience = pf.group_by("audience").len().sort("audience")
    assert per_audience.rows() == [("interieur", 5), ("other_ministries", 7)]
    # Join with the members table.
    members = pl.DataFrame(community.members_table(at=NOW)).rename({"id": "member_id"})
    joined = pf.join(members.select("member_id", "domain"), on="member_id")
    assert joined.height == pf.height
    one = community.registrations_table(community.events()[0].id)
    assert len(one["id"]) == 3


def test_empty_tables() -> None:
    c = cimi.Community.cimi()
    for table in (c.members_table(), c.events_table(), c.registrations_table()):
        assert all(v == [] for v in table.values())
        assert pd.DataFrame(table).shape == (0, len(table))
        assert pl.DataFrame(table).shape == (0, len(table))
