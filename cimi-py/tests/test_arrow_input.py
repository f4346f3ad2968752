"""Arrow data in: `register_many` and `import_members` take polars and pandas
DataFrames and pyarrow Tables (anything with `__arrow_c_stream__`), read
column by column in Rust, with the same outcomes as the same rows as dicts."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, Optional

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cimi
from conftest import ENDS, NOW, STARTS, person, without_secrets

TEXTS = ("family_name", "given_name", "service", "grade", "function")
REQUEST_SCHEMA = {
    "email": pl.String,
    **{name: pl.String for name in TEXTS},
    "attendance": pl.String,
}
MINISTRIES = ["agri", "finances", "defense", "sante", "culture"]


def requests_frame(rows: list[dict[str, Any]], ack: Any) -> pl.DataFrame:
    """The rows as a polars DataFrame with a fixed schema (`ack`: the type
    of `acknowledged`)."""
    return pl.DataFrame(rows, schema={**REQUEST_SCHEMA, "acknowledged": ack})


def workload(n: int, seed: int, flags: bool) -> list[dict[str, Any]]:
    """Requests as a data scientist's CSV would give them: two audiences,
    addresses not allowed or invalid, people asking twice, blank or missing
    fields, partial acknowledgements, every attendance mode."""
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        roll = rnd.random()
        if roll < 0.45:
            email = f"agent.{i}@{rnd.choice(['', 'dnum.', 'dgpn.'])}interieur.gouv.fr"
        elif roll < 0.80:
            email = f"Agent.{i}@{rnd.choice(MINISTRIES).upper()}.GOUV.FR"
        elif roll < 0.86:
            email = f"agent.{i}@gmail.com"
        elif roll < 0.91:
            email = rnd.choice([f"agent {i}@agri.gouv.fr", f"agent.{i}@agri.gouv.fr.", f"agent..{i}@agri.gouv.fr"])
        elif out:
            email = rnd.choice(out)["email"].upper()  # the same person again
        else:
            email = "first@agri.gouv.fr"
        row: dict[str, Any] = {
            "email": email,
            "family_name": f"Nom{i}",
            "given_name": "Prénom",
            "service": rnd.choice(["DNUM", "DGGN", "SDSICIF", "ST(SI)²"]),
            "grade": rnd.choice(["capitaine", "ingénieur des SIC", "attaché"] * 6 + ["  ", None]),
            "function": rnd.choice(["chef de projet", "architecte", None]) if rnd.random() < 0.1 else "chef de projet",
            "attendance": rnd.choice([None, None, "on_site", "remote", "on_site_or_remote"]),
        }
        if flags:
            row["acknowledged"] = rnd.choice([True, True, True, False, None])
        else:
            row["acknowledged"] = rnd.choice(
                [["deontology", "pssi"]] * 6 + [["pssi", "deontology"], ["deontology"], [], None]
            )
        for name in TEXTS:
            if rnd.random() < 0.01:
                del row[name]  # a key left out: a null in the table
        out.append(row)
    return out


def two_events() -> tuple[cimi.Community, list[int]]:
    c = cimi.Community.cimi()
    evs = [
        c.schedule_event(
            "conference", f"Big {k}", STARTS, ENDS, 30_000, quotas={"interieur": 20_000},
            remote={"url": "https://visio.example/cimi", "capacity": 5_000}, at=NOW,
        )
        for k in range(2)
    ]
    return c, evs


def test_register_many_from_polars_agrees_with_dicts_on_120000_requests() -> None:
    """Outcome by outcome, and the whole state after: 100,000 requests with
    lists of obligations, 20,000 with booleans, on events that fill up."""
    lists, flags = workload(100_000, 2017, flags=False), workload(20_000, 2018, flags=True)
    frames = requests_frame(lists, pl.List(pl.String)), requests_frame(flags, pl.Boolean)
    by_dicts, evs = two_events()
    by_arrow, _ = two_events()
    for ev, rows, frame in zip(evs, (lists, flags), frames):
        expected = by_dicts.register_many(ev, rows, at=NOW)
        assert by_arrow.register_many(ev, frame, at=NOW) == expected
        assert {"confirmed", "address_not_allowed", "invalid_address", "missing_field",
                "obligation_not_acknowledged"} <= set(expected)
        assert ev == evs[1] or {"waitlisted", "remote_full"} <= set(expected)
    assert without_secrets(by_arrow) == without_secrets(by_dicts)  # each registration's secret is random
    assert by_arrow.registrations_table() == by_dicts.registrations_table()


def test_pandas_and_pyarrow_layouts_agree_with_dicts() -> None:
    rows = workload(3_000, 7, flags=False)
    frame = requests_frame(rows, pl.List(pl.String))
    c, evs = two_events()
    expected = c.copy().register_many(evs[0], rows, at=NOW)
    table = frame.to_arrow()  # string_view, large_list<string_view>
    plain = pa.table(
        {
            "email": pa.array(frame["email"].to_list(), pa.string()),
            **{name: pa.array(frame[name].to_list(), pa.large_string()) for name in TEXTS},
            "acknowledged": pa.array(frame["acknowledged"].to_list(), pa.list_(pa.string())),
            "attendance": pa.array(frame["attendance"].to_list()).dictionary_encode(),
        }
    )
    batches = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=700))
    sources: list[Any] = [frame, table, plain, frame.to_pandas(), batches]
    for source in sources:
        assert c.copy().register_many(evs[0], source, at=NOW) == expected, type(source)


def test_register_many_from_arrow_detailed() -> None:
    c, evs = two_events()
    frame = requests_frame([person("a@interieur.gouv.fr"), person("b@gmail.com")], pl.List(pl.String))
    ok, refused = c.register_many(evs[0], frame, at=NOW, detailed=True)
    assert isinstance(ok, cimi.Registration) and ok.status == "confirmed"
    assert isinstance(refused, cimi.RegistrationRefused) and refused.kind == "address_not_allowed"


# ----- small batches, every shape: hypothesis -----------------------------------------------

POOL = ["a@interieur.gouv.fr", "A@INTERIEUR.GOUV.FR", "b@agri.gouv.fr", "c@gmail.com", "not an address", ""]
text = st.one_of(st.none(), st.sampled_from(["", "  ", "DNUM", "Intérieur", "x" * 300, "a\u202eb"]))
ack_list = st.one_of(st.none(), st.lists(st.sampled_from(["deontology", "pssi", "other"]), max_size=3))
ack_flag = st.one_of(st.none(), st.booleans())
modes = st.sampled_from([None, "on_site", "remote", "on_site_or_remote"])


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[dict[str, Any]], bool]:
    flags = draw(st.booleans())
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        row: dict[str, Any] = {"email": draw(st.sampled_from(POOL))}
        for name in TEXTS:
            row[name] = draw(text)
        row["acknowledged"] = draw(ack_flag if flags else ack_list)
        row["attendance"] = draw(modes)
        rows.append(row)
    return rows, flags


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=batches(), capacity=st.integers(0, 3))
def test_small_batches_from_arrow_agree_with_dicts(batch: tuple[list[dict[str, Any]], bool], capacity: int) -> None:
    rows, flags = batch
    base = cimi.Community.cimi()
    ev = base.schedule_event(
        "miditech", "Petit", STARTS, ENDS, capacity, quotas={"interieur": 1},
        remote={"url": "https://visio.example/cimi", "capacity": 1}, at=NOW,
    )
    by_dicts = base.copy()
    expected = by_dicts.register_many(ev, rows, at=NOW)
    frame = requests_frame(rows, pl.Boolean if flags else pl.List(pl.String))
    for source in (frame, frame.to_arrow(), pa.Table.from_pylist(rows) if rows else frame.to_arrow()):
        by_arrow = base.copy()
        assert by_arrow.register_many(ev, source, at=NOW) == expected
        assert without_secrets(by_arrow) == without_secrets(by_dicts)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries({"email": st.sampled_from(POOL[:3]), "attendance": modes}), max_size=6),
       bad=st.integers(0, 5))
def test_a_bad_attendance_raises_as_for_dicts_and_judges_nothing(rows: list[dict[str, Any]], bad: int) -> None:
    rows = [dict(r) for r in rows]
    rows.insert(min(bad, len(rows)), {"email": "z@interieur.gouv.fr", "attendance": "by pigeon"})
    c = cimi.Community.cimi()
    ev = c.schedule_event("miditech", "Petit", STARTS, ENDS, 5, at=NOW)
    with pytest.raises(cimi.InvalidInput) as from_dicts:
        c.register_many(ev, rows, at=NOW)
    with pytest.raises(cimi.InvalidInput) as from_arrow:
        c.register_many(ev, pl.DataFrame(rows, schema={"email": pl.String, "attendance": pl.String}), at=NOW)
    assert from_arrow.value.kind == from_dicts.value.kind
    assert from_arrow.value.details == from_dicts.value.details
    assert from_arrow.value.message_fr == from_dicts.value.message_fr
    assert c.registrations() == []


# ----- what is refused ---------------------------------------------------------------------


class Exporter:
    """An object whose `__arrow_c_stream__` returns `result` (or raises it)."""

    def __init__(self, result: Any) -> None:
        self.result = result

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> Any:
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


class Boom(Exception):
    pass


def test_bad_tables_are_refused_before_anything_is_judged(community: cimi.Community, event: int) -> None:
    good = person("a@interieur.gouv.fr")
    cases: list[tuple[Any, type[BaseException], str]] = [
        (pa.table({"family_name": ["x"]}), TypeError, "missing column 'email'"),
        (pa.table({"email": ["a@interieur.gouv.fr"], "mail": ["x"]}), TypeError, "unknown column 'mail'"),
        (pa.table({"email": [1]}), TypeError, "column 'email' has type Int64, expected strings"),
        (pa.table({"email": ["a@interieur.gouv.fr"], "acknowledged": [1]}), TypeError, "booleans or lists"),
        (pa.table({"email": ["a@interieur.gouv.fr", None]}), TypeError, "requests[1]: email: expected str, got null"),
        (pa.table({"email": ["a@interieur.gouv.fr"], "acknowledged": [["pssi", None]]}), TypeError, "null item"),
        (pa.table({"email": ["a@interieur.gouv.fr"], "email ": ["b"]}).rename_columns(["email", "email"]),
         TypeError, "appears twice"),
        (Exporter(42), TypeError, "must return an 'arrow_array_stream' PyCapsule"),
        (Exporter(pa.schema([]).__arrow_c_schema__()), TypeError, "must return an 'arrow_array_stream' PyCapsule"),
    ]
    for source, error, message in cases:
        with pytest.raises(error) as info:
            community.register_many(event, source, at=NOW)
        assert message in str(info.value), (str(info.value), message)
    with pytest.raises(Boom):
        community.register_many(event, Exporter(Boom()), at=NOW)
    with pytest.raises(cimi.InvalidInput) as too_many:
        community.register_many(event, pa.table({"email": pa.array([good["email"]] * 1_000_001)}), at=NOW)
    assert too_many.value.details["field"] == "requests"
    assert community.registrations() == []
    with pytest.raises(cimi.NotFound):
        community.register_many(999, pa.table({"email": pa.array([], pa.string())}), at=NOW)
    assert community.register_many(event, pa.table({"email": pa.array([], pa.string())}), at=NOW) == []


# ----- members ------------------------------------------------------------------------------


def directory() -> cimi.Community:
    """Members with every profile field, some left empty."""
    c = cimi.Community.cimi()
    c.add_member("solo@interieur.gouv.fr", at=NOW)
    for i in range(40):
        c.add_member(
            f"m{i}@{MINISTRIES[i % 5]}.gouv.fr",
            family_name=f"Nom{i}", given_name="Prénom", service="DNUM" if i % 3 else "",
            grade="attaché", function="chef de projet", corps="ingénieurs des SIC" if i % 4 else None,
            affiliation=["Intérieur", "DNUM", "SDIT"][: i % 4], skills=[f"s{i % 7}", "rust"][: i % 3],
            interests=["ia", "données"] if i % 5 == 0 else None, at=NOW,
        )
    return c


def test_members_round_trip_through_arrow() -> None:
    """members table → Arrow → import_members → the same members."""
    c = directory()
    table = c.members_table(at=NOW)
    frame = pl.DataFrame(table)
    for source in (table, frame, pa.table(table), table.to_pylist(), frame.to_dicts()):
        other = cimi.Community.cimi()
        report = other.import_members(source, at=NOW)
        assert report == {"complete": True, "imported": table["id"], "rejected": [], "rows": table.num_rows}
        assert other.members_table(at=NOW) == table, type(source)
    if hasattr(pd.DataFrame, "from_arrow"):
        other = cimi.Community.cimi()
        other.import_members(pd.DataFrame.from_arrow(table), at=NOW)
        assert other.members_table(at=NOW) == table


def test_import_members_reports_each_refused_row_as_add_member_would() -> None:
    rows = [
        {"email": "a@interieur.gouv.fr", "skills": ["rust"]},
        {"email": "not an address"},
        {"email": "A@INTERIEUR.GOUV.FR"},  # the same person
        {"email": "b@agri.gouv.fr", "grade": "x" * 300},
        {"email": "c@agri.gouv.fr", "family_name": None, "affiliation": ["Agriculture"]},
    ]
    one_by_one = cimi.Community.cimi()
    refused = []
    for i, row in enumerate(rows):
        try:
            one_by_one.add_member(**row, at=NOW)
        except cimi.CimiError as e:
            refused.append((i, e.kind))
    c = cimi.Community.cimi()
    frame = pl.DataFrame(rows, schema={"email": pl.String, "skills": pl.List(pl.String), "grade": pl.String,
                                      "family_name": pl.String, "affiliation": pl.List(pl.String)})
    by_dicts = c.copy()
    report = by_dicts.import_members(rows, at=NOW)
    assert report["imported"] == [1, 2] and report["rows"] == 5 and not report["complete"]
    assert [(r["row"], r["kind"]) for r in report["rejected"]] == refused == [
        (1, "invalid_address"), (2, "duplicate_member"), (3, "invalid_input")
    ]
    assert by_dicts == one_by_one
    assert "message_fr" in report["rejected"][0]
    by_arrow = c.copy()
    assert by_arrow.import_members(frame, at=NOW) == report
    assert by_arrow == by_dicts
    with pytest.raises(TypeError, match="unknown key 'mail'"):
        c.import_members([{"email": "x@agri.gouv.fr", "mail": "y"}], at=NOW)
    with pytest.raises(TypeError, match="unknown column"):
        c.import_members(pa.table({"email": ["x@agri.gouv.fr"], "mail": ["y"]}), at=NOW)
    with pytest.raises(TypeError, match="missing"):
        c.import_members([{"skills": ["rust"]}], at=NOW)
    with pytest.raises(TypeError, match="expected lists of strings"):
        c.import_members(pa.table({"email": ["x@agri.gouv.fr"], "skills": ["rust"]}), at=NOW)
    with pytest.raises(TypeError):
        c.import_members("x@agri.gouv.fr", at=NOW)  # type: ignore[arg-type]
    assert c.members() == []
    assert c.import_members([], at=NOW) == {"complete": True, "imported": [], "rejected": [], "rows": 0}


tags = st.lists(st.sampled_from(["rust", "Rust ", "ia", "données", " ", "x" * 250]), max_size=3)
profiles = st.fixed_dictionaries(
    {"email": st.sampled_from(["a@interieur.gouv.fr", "b@agri.gouv.fr", "B@AGRI.GOUV.FR", "c@gmail.com", "bad"])},
    optional={name: st.one_of(st.none(), st.sampled_from(["", " DNUM ", "Préfecture", "x" * 300]))
              for name in (*TEXTS, "corps")} | {name: st.one_of(st.none(), tags)
                                                 for name in ("affiliation", "skills", "interests")},
)
MEMBER_SCHEMA = {"email": pl.String, **{name: pl.String for name in (*TEXTS, "corps")},
                 **{name: pl.List(pl.String) for name in ("affiliation", "skills", "interests")}}


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(profiles, max_size=8))
def test_import_members_from_arrow_agrees_with_dicts(rows: list[dict[str, Any]]) -> None:
    by_dicts, by_arrow = cimi.Community.cimi(), cimi.Community.cimi()
    report = by_dicts.import_members(rows, at=NOW)
    assert by_arrow.import_members(pl.DataFrame(rows, schema=MEMBER_SCHEMA), at=NOW) == report
    assert by_arrow == by_dicts
    again = cimi.Community.cimi()
    assert again.import_members(by_dicts.members_table(at=NOW), at=NOW)["complete"]
    assert again.members_table(at=NOW) == by_dicts.members_table(at=NOW)
