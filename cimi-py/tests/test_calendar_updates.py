"""Calendar updates, read back with the `icalendar` package: a rescheduled
event keeps its UID with a higher SEQUENCE, a cancelled one is withdrawn
(METHOD:CANCEL), a reminder is a VALARM."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

import cimi
from conftest import ENDS, NOW, STARTS, person


def vevent(ics: str) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(ics)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return calendar, events[0]


def test_reschedule_updates_the_same_entry(community: cimi.Community, event: int) -> None:
    reg = community.register(event, **person("a@interieur.gouv.fr"), at=NOW)
    assert community.event(event).revision == 0
    _, before = vevent(community.event_ical(event, at=NOW))
    later_start, later_end = STARTS + dt.timedelta(days=7), ENDS + dt.timedelta(days=7)
    community.reschedule(event, later_start, later_end, at=NOW)
    moved = community.event(event)
    assert (moved.starts_at, moved.ends_at, moved.revision) == (later_start, later_end, 1)
    assert community.registration(reg.id).status == "confirmed"  # registrations stay
    calendar, after = vevent(community.event_ical(event, at=NOW))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before.get("SEQUENCE", 0))
    assert after.decoded("DTSTART") == later_start
    invitation = icalendar.Calendar.from_ical(community.invitation_ical(reg.id, "cimi@interieur.gouv.fr", at=NOW))
    assert int(next(iter(invitation.walk("VEVENT")))["SEQUENCE"]) == 1


def test_reschedule_refusals(community: cimi.Community, event: int) -> None:
    with pytest.raises(cimi.InvalidInput) as e:
        community.reschedule(event, ENDS, STARTS, at=NOW)
    assert e.value.kind == "end_not_after_start"
    with pytest.raises(cimi.InvalidInput):
        community.reschedule(event, dt.datetime(2030, 12, 19, 12), ENDS, at=NOW)  # naive
    with pytest.raises(cimi.NotFound):
        community.reschedule(10**6, STARTS, ENDS, at=NOW)
    community.cancel_event(event, at=NOW)
    with pytest.raises(cimi.InvalidState):
        community.reschedule(event, STARTS, ENDS, at=NOW)
    assert community.event(event).starts_at == STARTS


def test_cancelled_event_is_withdrawn(community: cimi.Community, event: int) -> None:
    _, before = vevent(community.event_ical(event, at=NOW))
    community.cancel_event(event, at=NOW)
    assert community.event(event).revision == 1
    ics = community.event_ical(event, at=NOW, reminder=dt.timedelta(minutes=30))
    calendar, after = vevent(ics)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before.get("SEQUENCE", 0))
    assert not list(after.walk("VALARM"))  # no reminder for a cancelled event
    whole = icalendar.Calendar.from_ical(community.calendar_ical(at=NOW))
    assert str(next(iter(whole.walk("VEVENT")))["STATUS"]) == "CANCELLED"


def test_reminder(community: cimi.Community, event: int) -> None:
    ics = community.event_ical(event, at=NOW, reminder=dt.timedelta(minutes=30))
    assert "TRIGGER:-PT30M" in ics.replace("\r\n", "\n")
    _, vev = vevent(ics)
    alarms = list(vev.walk("VALARM"))
    assert len(alarms) == 1
    assert str(alarms[0]["ACTION"]) == "DISPLAY"
    assert alarms[0].decoded("TRIGGER") == -dt.timedelta(minutes=30)
    assert not list(vevent(community.event_ical(event, at=NOW))[1].walk("VALARM"))

    reg = community.register(event, **person("a@interieur.gouv.fr"), at=NOW)
    invitation = community.invitation_ical(reg.id, "cimi@interieur.gouv.fr", at=NOW, reminder=dt.timedelta(days=1, hours=2))
    assert "TRIGGER:-P1DT2H" in invitation.replace("\r\n", "\n")
    other = community.schedule_event("workshop", "Autre", STARTS, ENDS, 5, at=NOW)
    calendar = icalendar.Calendar.from_ical(community.calendar_ical([event, other], at=NOW, reminder=dt.timedelta(minutes=30)))
    assert len(list(calendar.walk("VALARM"))) == 2
    # A negative duration counts as zero (the core's rule).
    assert "TRIGGER:-PT0S" in community.event_ical(event, at=NOW, reminder=dt.timedelta(minutes=-5)).replace("\r\n", "\n")


class LyingDelta(dt.timedelta):
    @property
    def days(self) -> int:  # type: ignore[override]
        return 10**30


def test_bad_reminders(community: cimi.Community, event: int) -> None:
    for bad in (30, 1.5, "PT30M", dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)):
        with pytest.raises(TypeError):
            community.event_ical(event, at=NOW, reminder=bad)  # type: ignore[arg-type]
    with pytest.raises(cimi.InvalidInput) as e:
        community.event_ical(event, at=NOW, reminder=LyingDelta(minutes=1))
    assert e.value.details["field"] == "reminder"
    # The largest timedelta Python has is still a duration the core writes.
    assert "TRIGGER:-P999999999DT" in community.calendar_ical(at=NOW, reminder=dt.timedelta.max).replace("\r\n", "\n")
