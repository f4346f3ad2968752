"""Interop read back by real clients: every generated .ics parsed with the
`icalendar` package, CSV exports read with the `csv` module and pandas."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cimi
from conftest import NOW, person

PARIS = ZoneInfo("Europe/Paris")

HOSTILE = "Ligne 1 DESCRIPTION:injectée; avec, virgules \\ et émojis 😀 END:VEVENT"


def _community() -> tuple[cimi.Community, int, list[int]]:
    c = cimi.Community.cimi()
    event = c.schedule_event(
        "miditech",
        "L'État plateforme",
        dt.datetime(2030, 12, 12, 12, 30, tzinfo=PARIS),
        dt.datetime(2030, 12, 12, 14, 30, tzinfo=PARIS),
        2,
        venue={"name": "DGGN", "address": "4 rue Claude Bernard, 92130 Issy-les-Moulineaux"},
        remote="https://visio.interieur.gouv.fr/cimi",
        program=[
            {"kind": "introduction", "title": "Introduction CIMI",
             "speakers": [{"name": "Isabelle Meslier", "title": "commandant", "organisation": "Préfecture de police"}]},
            {"kind": "talk", "title": HOSTILE, "speakers": [{"name": "Henri Verdier", "organisation": "DINSIC"}]},
        ],
        at=NOW,
    )
    summer = c.schedule_event(
        "workshop", "PostgreSQL, en été",
        dt.datetime(2031, 7, 1, 9, 30, tzinfo=PARIS),
        dt.datetime(2031, 7, 1, 12, 0, tzinfo=PARIS),
        10, at=NOW,
    )
    regs = [
        c.register(event, **person("alice@interieur.gouv.fr"), at=NOW).id,
        c.register(event, **person("=cmd@agri.gouv.fr", family_name="=HYPERLINK(\"x\")", given_name="+Bob"), at=NOW).id,
        c.register(event, **person("carol@finances.gouv.fr", given_name="Carole", service="-DGFiP"), at=NOW).id,
    ]
    return c, event, [event, summer] + regs


def _events(ics: str) -> list[Any]:
    cal = icalendar.Calendar.from_ical(ics)
    return [e for e in cal.walk("VEVENT")]


def test_event_calendar_and_invitation_parse_with_icalendar() -> None:
    c, event, ids = _community()
    summer = ids[1]
    one = _events(c.event_ical(event, at=NOW))
    assert len(one) == 1
    ev = one[0]
    assert str(ev["SUMMARY"]) == "L'État plateforme"
    start = ev.decoded("DTSTART")
    assert start == dt.datetime(2030, 12, 12, 12, 30, tzinfo=PARIS)
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert ev.decoded("DTEND") - start == dt.timedelta(hours=2)
    assert "4 rue Claude Bernard" in str(ev["LOCATION"])
    description = str(ev["DESCRIPTION"])
    assert "Isabelle Meslier" in description and "https://visio.interieur.gouv.fr/cimi" in description
    # Hostile text comes back as text: no property was injected.
    assert HOSTILE in description
    assert not isinstance(ev.get("DESCRIPTION"), list), "exactly one DESCRIPTION"
    uid = str(ev["UID"])
    assert uid == str(_events(c.event_ical(event, at=NOW + dt.timedelta(days=3)))[0]["UID"]), "stable UID"

    both = _events(c.calendar_ical([event, summer], at=NOW))
    assert [str(e["SUMMARY"]) for e in both] == ["L'État plateforme", "PostgreSQL, en été"]
    summer_start = both[1].decoded("DTSTART")
    assert summer_start.utcoffset() == dt.timedelta(hours=2), "summer time"
    assert summer_start == dt.datetime(2031, 7, 1, 9, 30, tzinfo=PARIS)
    cal = icalendar.Calendar.from_ical(c.calendar_ical([event, summer], at=NOW))
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]

    invite = icalendar.Calendar.from_ical(c.invitation_ical(ids[2], "cimi@interieur.gouv.fr", at=NOW))
    assert str(invite["METHOD"]) == "REQUEST"
    inv = invite.walk("VEVENT")[0]
    assert "alice@interieur.gouv.fr" in str(inv["ATTENDEE"]).lower()
    assert "cimi@interieur.gouv.fr" in str(inv["ORGANIZER"]).lower()


TITLES = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf")), min_size=1, max_size=300
).filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None)
@given(TITLES)
def test_any_title_round_trips_through_icalendar(title: str) -> None:
    c = cimi.Community.cimi()
    try:
        event = c.schedule_event(
            "meeting", title,
            dt.datetime(2030, 3, 3, 10, 0, tzinfo=PARIS), dt.datetime(2030, 3, 3, 11, 0, tzinfo=PARIS),
            5, at=NOW,
        )
    except cimi.InvalidInput:
        return  # control characters or too long: refused up front
    ev = _events(c.event_ical(event, at=NOW))
    assert len(ev) == 1
    assert str(ev[0]["SUMMARY"]) == c.event(event).title


def _rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_attendee_csv_reads_back_with_csv_module_and_pandas() -> None:
    c, event, _ = _community()
    office = c.attendees_csv(event, language="fr")
    assert office.startswith("\ufeff"), "UTF-8 with BOM for spreadsheets"
    rows = _rows(office.lstrip("\ufeff"), ";")
    assert rows[0] == ["nom", "prénom", "service", "grade", "fonction", "adresse", "statut"]
    body = rows[1:]
    assert len(body) == 3
    # Same rows as the community holds, formula cells neutralised.
    by_email = {r[5]: r for r in body}
    assert by_email["alice@interieur.gouv.fr"][:2] == ["Martin", "Alice"]
    assert by_email["'=cmd@agri.gouv.fr"][0] == "'=HYPERLINK(\"x\")"
    assert by_email["'=cmd@agri.gouv.fr"][1] == "'+Bob"
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    statuses = sorted(r[6] for r in body)
    assert statuses == sorted(["confirmé", "confirmé", "en liste d'attente"])

    plain = c.attendees_csv(event, dialect="rfc4180", language="en")
    df = pd.read_csv(io.StringIO(plain), dtype=str, keep_default_na=False)
    assert len(df) == 3
    assert set(df.iloc[:, 5]) == {"alice@interieur.gouv.fr", "'=cmd@agri.gouv.fr", "carol@finances.gouv.fr"}
    df_fr = pd.read_csv(io.BytesIO(office.encode("utf-8")), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(df_fr.columns) == rows[0]
    assert df_fr.values.tolist() == body


def test_directory_csv_round_trips_through_import() -> None:
    c, _, _ = _community()
    exported = c.directory_csv(at=NOW)
    other = cimi.Community.cimi()
    report = other.import_members_csv(exported.encode("utf-8"), at=NOW)
    assert report["rejected"] == []
    assert len(report["imported"]) == len(c.members())
    assert sorted(m.email for m in other.members()) == sorted(m.email for m in c.members())
    names = {m.email: (m.family_name, m.given_name) for m in other.members()}
    assert names["=cmd@agri.gouv.fr"] == ("=HYPERLINK(\"x\")", "+Bob"), "neutralised cells import back exactly"


@pytest.mark.parametrize("dialect,sep", [("french_office", ";"), ("rfc4180", ",")])
def test_no_exported_cell_starts_like_a_formula(dialect: str, sep: str) -> None:
    c, event, _ = _community()
    text = c.attendees_csv(event, dialect=dialect)  # type: ignore[arg-type]
    for row in _rows(text.lstrip("\ufeff"), sep)[1:]:
        assert all(not cell[:1] in {"=", "+", "-", "@", "\t", "\r"} for cell in row)
