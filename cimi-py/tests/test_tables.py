"""Tables as Arrow data: every table read by polars, pyarrow, pandas and
duckdb through the Arrow PyCapsule interface, with a fixed schema whatever
the data (the same for an empty community), and as plain Python."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cimi
from conftest import ENDS, NOW, STARTS, person

S, I, B, F = pa.large_string(), pa.int64(), pa.bool_(), pa.float64()
LS, LI = pa.list_(pa.large_string()), pa.list_(pa.int64())
T = pa.timestamp("us", tz="UTC")


def schema(spec: str) -> pa.Schema:
    """`name:type` pairs, `!` for a column that is never null."""
    types = {"S": S, "I": I, "B": B, "F": F, "LS": LS, "LI": LI, "T": T}
    fields = []
    for item in spec.split():
        name, kind = item.split(":")
        fields.append(pa.field(name, types[kind.rstrip("!")], nullable=not kind.endswith("!")))
    return pa.schema(fields)


#: The documented schema of every table (see the docstrings in _cimi.pyi).
TABLES: dict[str, tuple[Callable[[cimi.Community], cimi.Table], pa.Schema]] = {
    "members_table": (
        lambda c: c.members_table(at=NOW),
        schema(
            "id:I! email:S! domain:S! family_name:S! given_name:S! service:S! administration:S "
            "affiliation:LS! corps:S grade:S! function:S! skills:LS! interests:LS! joined_at:T! "
            "last_participation_at:T status:S! bureau_role:S erased_at:T consent_mailing_list:B! "
            "consent_recording:B! consent_name_publication:B!"
        ),
    ),
    "events_table": (
        lambda c: c.events_table(),
        schema(
            "id:I! kind:S! title:S! state:S! starts_at:T! ends_at:T! venue:S venue_address:S remote_url:S "
            "remote_capacity:I capacity:I! waitlist:B! registration_opens_at:T registration_deadline:T! "
            "created_at:T! program_items:I! speakers:LS! recording_allowed:B! on_site:I! remote:I! waiting:I! "
            "reported_at:T"
        ),
    ),
    "registrations_table": (
        lambda c: c.registrations_table(),
        schema(
            "id:I! event_id:I! member_id:I! audience:S mode:S! status:S! seat:S waiting_for_seat:B! "
            "requested_at:T! confirmed_at:T promoted_at:T cancelled_at:T checked_in_at:T offered_at:T "
            "offer_expires_at:T attendance:S!"
        ),
    ),
    "help_requests_table": (
        lambda c: c.help_requests_table(),
        schema("id:I! asker_id:I! topic:S! skills:LS! visibility:S! state:S! asked_at:T! last_step_at:T! referred_to:LI!"),
    ),
    "watch_items_table": (
        lambda c: c.watch_items_table(),
        schema(
            "id:I! title:S! link:S! scope:S! tags:LS! shared_by:I! shared_at:T! event_id:I help_request_id:I "
            "channels:LS!"
        ),
    ),
    "event_stats": (
        lambda c: c.event_stats(),
        schema(
            "event_id:I! kind:S! state:S! year:I! capacity:I! confirmed_on_site:I! confirmed_remote:I! waiting:I! "
            "promoted:I! cancelled:I! attended:I! no_shows:I! fill_rate:F attendance_rate:F no_show_rate:F"
        ),
    ),
    "events_held_per_year_and_kind": (
        lambda c: c.events_held_per_year_and_kind(),
        schema("year:I! kind:S! count:I!"),
    ),
    "member_groups": (lambda c: c.member_groups(at=NOW), schema("administration:S! audience:S! status:S! count:I!")),
    "members_joined_per_month": (lambda c: c.members_joined_per_month(), schema("year:I! month:I! count:I!")),
}


@pytest.fixture
def community() -> cimi.Community:
    """Something in every table: members, events (one held and reported),
    registrations, help requests, watch items."""
    c = cimi.Community.cimi()
    evs = [
        c.schedule_event(
            "miditech", f"Miditech {k}", STARTS + dt.timedelta(days=k), ENDS + dt.timedelta(days=k), 3,
            remote={"url": "https://visio.example/cimi", "capacity": 5} if k == 1 else None,
            venue={"name": "DGGN", "address": "Issy"} if k == 2 else None,
            program=[{"kind": "talk", "title": "T", "speakers": [{"name": "Henri Verdier"}]}],
            at=NOW,
        )
        for k in range(3)
    ]
    for k, ev in enumerate(evs):
        c.register_many(
            ev,
            [person(f"p{i}@{'interieur' if i % 2 else 'agri'}.gouv.fr") for i in range(k + 3)],
            at=NOW,
        )
    first = c.registrations(evs[0])[0]
    c.check_in(first.id, at=STARTS)
    c.mark_held(evs[0], at=ENDS)
    c.publish_report(evs[0], "Compte-rendu", at=ENDS)
    c.add_member(
        "solo@interieur.gouv.fr", skills=["rust"], interests=["ia"], corps="ingénieurs", affiliation=["Intérieur", "DNUM"],
        at=NOW,
    )
    c.set_bureau_role(c.member_by_email("solo@interieur.gouv.fr").id, "président", at=NOW)  # type: ignore[union-attr]
    h = c.ask_help("solo@interieur.gouv.fr", "Rust", "FFI ?", skills=["rust"], at=NOW)
    c.refer_help(h, [1, 2], at=NOW)
    w = c.share_watch_item("PyO3", "https://pyo3.rs", scope="external", shared_by="solo@interieur.gouv.fr",
                           tags=["rust", "python"], event_id=evs[0], at=NOW)
    c.publish_watch_item(w, "forum", at=NOW)
    return c


def pandas(table: cimi.Table) -> pd.DataFrame:
    """The table in pandas: through Arrow with pandas 3, else from its dict of lists."""
    if hasattr(pd.DataFrame, "from_arrow"):
        return pd.DataFrame.from_arrow(table)
    return pd.DataFrame(table.to_pydict())


def plain(values: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Values compared across libraries: instants as UTC timestamps."""
    def one(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return v.timestamp()
        if isinstance(v, list):
            return [one(x) for x in v]
        return v
    return {k: [one(v) for v in column] for k, column in values.items()}


@pytest.mark.parametrize("name", TABLES)
def test_the_schema_is_fixed_whatever_the_data(community: cimi.Community, name: str) -> None:
    build, expected = TABLES[name]
    full, empty = build(community), build(cimi.Community.cimi())
    assert full.num_rows > 0 and empty.num_rows == 0
    for table in (full, empty):
        assert pa.table(table).schema == expected
        assert pa.schema(table) == expected  # __arrow_c_schema__
        assert table.column_names == expected.names and table.num_columns == len(expected)
    # The readers see the same types in an empty community: no Null columns.
    assert pl.DataFrame(full).schema == pl.DataFrame(empty).schema
    assert pl.Null not in pl.DataFrame(empty).schema.dtypes()
    if hasattr(pd.DataFrame, "from_arrow"):
        # pandas turns an int64 column holding nulls into float64 (its own
        # rule, from the values): compare the columns that are never null.
        never_null = [f.name for f in expected if not f.nullable]
        full_types = pd.DataFrame.from_arrow(full).dtypes[never_null]
        assert (full_types == pd.DataFrame.from_arrow(empty).dtypes[never_null]).all()


@pytest.mark.parametrize("name", TABLES)
def test_every_table_reads_in_polars_pyarrow_pandas_and_duckdb(community: cimi.Community, name: str) -> None:
    table = TABLES[name][0](community)
    values = plain(table.to_pydict())
    assert plain(pa.table(table).to_pydict()) == values
    assert plain(pl.DataFrame(table).to_dict(as_series=False)) == values
    if not hasattr(pd.DataFrame, "from_arrow"):
        pytest.skip("pandas < 3.0: no DataFrame.from_arrow")
    df = pd.DataFrame.from_arrow(table)
    assert list(df.columns) == table.column_names and len(df) == table.num_rows
    duckdb = pytest.importorskip("duckdb")
    tbl = table  # noqa: F841 - read by duckdb by name
    assert duckdb.sql("select count(*) from tbl").fetchall() == [(table.num_rows,)]


def test_the_columns_are_exported_in_place(community: cimi.Community) -> None:
    """Two exports of one table share the Arrow buffers: nothing is copied."""
    table = community.members_table(at=NOW)
    first, second = pa.table(table), pa.table(table)
    for name in ("email", "id", "joined_at"):
        a, b = first.column(name).chunks[0], second.column(name).chunks[0]
        assert [x.address for x in a.buffers() if x] == [x.address for x in b.buffers() if x]


def test_a_requested_schema_is_honoured(community: cimi.Community) -> None:
    table = community.members_table(at=NOW)
    wanted = pa.schema([f.with_type(pa.string()) if f.type == S else f for f in TABLES["members_table"][1]])
    reader = pa.RecordBatchReader.from_stream(table, schema=wanted)
    assert reader.schema == wanted
    assert reader.read_all().column("email").to_pylist() == table["email"]


def test_members_in_pandas_and_polars(community: cimi.Community) -> None:
    table = community.members_table(at=NOW)
    assert table.num_rows == 6 and set(map(len, table.values())) == {6}
    df = pandas(table)
    assert str(df["joined_at"].dtype) == "datetime64[us, UTC]"
    assert df.loc[df["email"] == "solo@interieur.gouv.fr", "administration"].item() == "Intérieur"
    assert (df["status"] == "active").all()
    assert df.groupby("domain").size().to_dict() == {"agri.gouv.fr": 3, "interieur.gouv.fr": 3}
    pf = pl.DataFrame(table)
    assert pf.schema["joined_at"] == pl.Datetime("us", "UTC")
    assert pf.schema["skills"] == pl.List(pl.String)
    assert pf.height == 6
    assert pf.filter(pl.col("bureau_role").is_not_null())["email"].to_list() == ["solo@interieur.gouv.fr"]


def test_events_in_pandas_and_polars(community: cimi.Community) -> None:
    table = community.events_table()
    df = pandas(table)
    assert df["on_site"].tolist() == [3, 3, 3]
    assert df["waiting"].tolist() == [0, 1, 2]
    assert str(df["starts_at"].dtype) == "datetime64[us, UTC]"
    pf = pl.DataFrame(table)
    assert pf.select(pl.col("waiting").sum()).item() == 3
    assert pf.schema["capacity"] == pl.Int64


def test_registrations_in_pandas_and_polars(community: cimi.Community) -> None:
    table = community.registrations_table()
    df = pd.DataFrame(table.to_pydict())
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
    assert community.registrations_table(999).num_rows == 0


def test_a_table_as_plain_python(community: cimi.Community) -> None:
    table = community.members_joined_per_month()
    assert table == {"year": [2030], "month": [11], "count": [6]}
    assert dict(table) == table.to_pydict() == {"year": [2030], "month": [11], "count": [6]}
    assert table.keys() == table.column_names == ["year", "month", "count"]
    assert table.items() == [("year", [2030]), ("month", [11]), ("count", [6])]
    assert table.to_pylist() == [{"year": 2030, "month": 11, "count": 6}]
    assert table["count"] == [6] and "count" in table and "nope" not in table and 3 not in table
    with pytest.raises(KeyError):
        table["nope"]
    with pytest.raises(TypeError):
        table[0]  # type: ignore[index]
    with pytest.raises(TypeError):
        hash(table)
    assert table == community.members_joined_per_month() and table != community.event_stats()
    assert table != {"year": [2031], "month": [11], "count": [6]} and table != [1]
    assert repr(table) == "<cimi.Table: 1 rows, 3 columns (year, month, count)>"
    members = community.members_table(at=NOW).to_pydict()
    solo = members["email"].index("solo@interieur.gouv.fr")
    assert members["skills"][solo] == ["rust"] and members["affiliation"][solo] == ["Intérieur", "DNUM"]
    assert members["joined_at"][solo] == NOW and members["joined_at"][solo].tzinfo is not None
    assert members["erased_at"][solo] is None and members["consent_recording"][solo] is False
    with pytest.raises(TypeError):
        cimi.Table()  # type: ignore[call-arg]


def test_empty_tables() -> None:
    c = cimi.Community.cimi()
    for table in (c.members_table(), c.events_table(), c.registrations_table()):
        assert all(v == [] for v in table.values())
        assert pd.DataFrame(table.to_pydict()).shape == (0, table.num_columns)
        assert pl.DataFrame(table).shape == (0, table.num_columns)
        assert pa.table(table).num_rows == 0
