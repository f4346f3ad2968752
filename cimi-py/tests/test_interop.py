"""CSV, iCalendar and e-mail, through the community."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

import cimi
from conftest import ENDS, NOW, STARTS, person


@pytest.fixture
def event(community: cimi.Community) -> int:
    return community.schedule_event(
        "miditech", "L'État plateforme", STARTS, ENDS, 50, remote="https://visio.example/cimi", at=NOW
    )


def test_attendees_and_directory_csv(community: cimi.Community, event: int) -> None:
    community.register(event, **person("jean.dupont@interieur.gouv.fr", family_name="Dupont", given_name="Jean"), at=NOW)
    office = community.attendees_csv(event)
    assert office.startswith("\ufeff") and ";" in office
    plain = community.attendees_csv(event, dialect="rfc4180", language="en")
    df = pd.read_csv(io.StringIO(plain))
    assert len(df) == 1 and df.iloc[0]["email"] == "jean.dupont@interieur.gouv.fr"
    directory = community.directory_csv(dialect="rfc4180", language="en", at=NOW)
    assert directory.splitlines()[0].startswith("family name,given name,email")
    with pytest.raises(cimi.InvalidInput):
        community.attendees_csv(event, dialect="excel")  # type: ignore[arg-type]
    with pytest.raises(cimi.NotFound):
        community.attendees_csv(999)


def test_import_members_csv(community: cimi.Community) -> None:
    data = "\ufeffFamily name,First name,E-mail,Skills\n\"Martin\",Alice,alice@interieur.gouv.fr,\"rust, sql\"\nBad,Row,not-an-address,\n"
    refused = community.import_members_csv(data, at=NOW)
    assert refused["imported"] == [] and refused["rejected"][0]["line"] == 3
    assert refused["rejected"][0]["kind"] == "invalid_address" and not refused["complete"]
    report = community.import_members_csv(data.encode("utf-8"), skip_bad_rows=True, at=NOW)
    assert len(report["imported"]) == 1 and report["encoding"] == "utf8_bom" and report["separator"] == ","
    member = community.member(report["imported"][0])
    assert (member.family_name, len(member.skills)) == ("Martin", 2)
    latin1 = "Nom;Prénom;Courriel\nDurand;Zoé;zoe@interieur.gouv.fr\n".encode("cp1252")
    assert community.import_members_csv(latin1, at=NOW)["encoding"] == "windows1252"
    assert community.member_by_email("zoe@interieur.gouv.fr") is not None
    with pytest.raises(cimi.InteropError) as empty:
        community.import_members_csv(b"", at=NOW)
    assert empty.value.kind == "csv_empty"
    with pytest.raises(TypeError):
        community.import_members_csv(42, at=NOW)  # type: ignore[arg-type]


def test_ical(community: cimi.Community, event: int) -> None:
    ics = community.event_ical(event, at=NOW)
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and "Europe/Paris" in ics
    assert community.calendar_ical(at=NOW).count("BEGIN:VEVENT") == 1
    assert community.calendar_ical([], at=NOW).count("BEGIN:VEVENT") == 0
    reg = community.register(event, **person("jean@interieur.gouv.fr"), at=NOW)
    invitation = community.invitation_ical(reg.id, "cimi@interieur.gouv.fr", at=NOW)
    assert "METHOD:REQUEST" in invitation
    with pytest.raises(cimi.NotFound):
        community.calendar_ical([event, 999], at=NOW)


MESSAGE = (
    "Authentication-Results: mx.interieur.gouv.fr; dmarc=pass header.from=interieur.gouv.fr\r\n"
    "From: Jean Dupont <jean.dupont@interieur.gouv.fr>\r\n"
    "Subject: Inscription au miditech L'Etat plateforme\r\n\r\n"
    "Nom : Dupont\r\nPrenom : Jean\r\nService : DNUM\r\nGrade : attaché\r\n"
    "Fonction : chef de projet\r\nEngagements : oui\r\n"
)


def test_registration_by_email(community: cimi.Community, event: int) -> None:
    reading = community.read_registration_email(MESSAGE, authserv_id="mx.interieur.gouv.fr", at=NOW)
    assert reading["complete"] and reading["event_id"] == event
    assert reading["sender"] == "jean.dupont@interieur.gouv.fr" and reading["request"]["grade"] == "attaché"
    assert community.registrations(event) == []  # reading changes nothing
    done = community.register_from_email(MESSAGE.encode(), authserv_id="mx.interieur.gouv.fr", at=NOW)
    assert done["registered"] and done["registration"] is not None
    assert done["registration"].status == "confirmed" and "confirmée" in done["reply_fr"]

    missing = MESSAGE.replace("Grade : attaché\r\n", "").replace("jean.dupont", "paul.martin")
    reply = community.register_from_email(missing, authserv_id="mx.interieur.gouv.fr", at=NOW)
    assert not reply["registered"] and reply["problems"][0]["kind"] == "missing_field"
    assert "grade" in reply["reply_fr"]
    forged = MESSAGE.replace("mx.interieur.gouv.fr;", "mx.evil.example;").replace("jean.dupont", "eve")
    refused = community.read_registration_email(forged, authserv_id="mx.interieur.gouv.fr", at=NOW)
    assert not refused["complete"] and any(p["about_sender"] for p in refused["problems"])
    with pytest.raises(cimi.InteropError) as big:
        community.read_registration_email(b"x" * (64 << 20), at=NOW)
    assert big.value.kind == "message_too_large"
