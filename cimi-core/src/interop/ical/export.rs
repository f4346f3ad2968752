//! The documents: one event or a calendar of several (`METHOD:PUBLISH`), and
//! the invitation of one registrant (`METHOD:REQUEST` or `METHOD:CANCEL`).

use chrono::{DateTime, Utc};

use super::vevent::vevent;
use super::writer::Writer;
use crate::address::EmailAddress;
use crate::community::Community;
use crate::error::{Entity, Error, StateError};
use crate::event::{Event, EventState};
use crate::ids::{EventId, RegistrationId};
use crate::registration::RegistrationStatus;

fn find_event(community: &Community, id: EventId) -> Result<&Event, Error> {
    community.event(id).ok_or(Error::NotFound {
        entity: Entity::Event,
        id: id.get(),
    })
}

/// One event as an iCalendar document (`METHOD:PUBLISH`).
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use cimi_core::event::{EventKind, EventSpec, RemoteBroadcast, Schedule};
/// use cimi_core::{interop::ical, Community};
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let mut c = Community::cimi();
/// let when = Schedule::new(now + Duration::days(7), now + Duration::days(7) + Duration::hours(2))?;
/// let id = c.schedule_event(EventSpec::new(EventKind::Workshop, "PostgreSQL", when, 10)
///     .with_remote(RemoteBroadcast { url: "https://visio.example/pg".into(), capacity: None }), now)?;
/// let ics = ical::event(&c, id, now)?;
/// assert!(ical::unfold(&ics).contains("\r\nCONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=\"Visioconférence\":https://visio.example/pg\r\n"));
/// assert!(ical::unescape_text(&ical::unfold(&ics)).contains("Visioconférence : https://visio.example/pg"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn event(community: &Community, id: EventId, now: DateTime<Utc>) -> Result<String, Error> {
    calendar_of(community, &[id], now, None)
}

/// Every event of the community in one calendar, as [`calendar`] with all
/// their identifiers.
///
/// ```
/// use cimi_core::{interop::ical, Community};
/// let text = ical::whole_calendar(&Community::cimi(), chrono::Utc::now())?;
/// assert!(text.starts_with("BEGIN:VCALENDAR"));
/// # Ok::<(), cimi_core::Error>(())
/// ```
pub fn whole_calendar(community: &Community, now: DateTime<Utc>) -> Result<String, Error> {
    let ids: Vec<EventId> = community.events().map(|e| e.id).collect();
    calendar(community, &ids, now)
}

/// Several events in one calendar (`METHOD:PUBLISH`, one VTIMEZONE, the
/// calendar named after the community). Any unknown identifier is an error.
///
/// ```
/// use cimi_core::{ids::EventId, interop::ical, Community};
/// let c = Community::cimi();
/// let err = ical::calendar(&c, &[EventId::new(9)], chrono::Utc::now()).unwrap_err();
/// assert_eq!(err.kind(), "event_not_found");
/// ```
pub fn calendar(
    community: &Community,
    ids: &[EventId],
    now: DateTime<Utc>,
) -> Result<String, Error> {
    calendar_of(community, ids, now, Some(&community.statutes().name))
}

fn calendar_of(
    community: &Community,
    ids: &[EventId],
    now: DateTime<Utc>,
    name: Option<&str>,
) -> Result<String, Error> {
    let events = ids
        .iter()
        .map(|&id| find_event(community, id))
        .collect::<Result<Vec<_>, _>>()?;
    let mut w = Writer::new();
    w.calendar_head("PUBLISH", name);
    for e in events {
        vevent(&mut w, community, e, now, None);
    }
    Ok(w.finish())
}

/// The invitation of one registrant (iTIP `METHOD:REQUEST`): the event with
/// ORGANIZER (`organizer_email`, named after the community) and one ATTENDEE
/// whose PARTSTAT follows the registration: confirmed → `ACCEPTED`, waiting
/// list → `TENTATIVE`. A cancelled registration (or event) gives
/// `METHOD:CANCEL` with `PARTSTAT=DECLINED` and `STATUS:CANCELLED`, so that
/// calendar clients remove the entry. The UID is the event's
/// ([`event_uid`](super::event_uid)), so a later invitation updates the same
/// entry.
///
/// Errors: unknown registration, invalid organizer address, erased member.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use cimi_core::event::{EventKind, EventSpec, Schedule};
/// use cimi_core::registration::RegistrationRequest;
/// use cimi_core::{interop::ical, Community};
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let mut c = Community::cimi();
/// let when = Schedule::new(now + Duration::days(7), now + Duration::days(7) + Duration::hours(2))?;
/// let ev = c.schedule_event(EventSpec::new(EventKind::Miditech, "IA", when, 10), now)?;
/// let req = RegistrationRequest::new("jean.dupont@interieur.gouv.fr").names("Dupont", "Jean")
///     .affiliation("DNUM", "attaché", "chef de projet").acknowledging(["deontology", "pssi"]);
/// let reg = c.register(ev, &req, now)?.registration.id;
/// let ics = ical::invitation(&c, reg, "cimi@interieur.gouv.fr", now)?;
/// assert!(ics.contains("\r\nMETHOD:REQUEST\r\n"));
/// assert!(ics.contains("\r\nORGANIZER;CN=\"CIMI\":mailto:cimi@interieur.gouv.fr\r\n"));
/// assert!(ical::unfold(&ics).contains("ATTENDEE;CN=\"Jean Dupont\";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:jean.dupont@interieur.gouv.fr"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn invitation(
    community: &Community,
    registration: RegistrationId,
    organizer_email: &str,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let r = community
        .registration(registration)
        .ok_or(Error::NotFound {
            entity: Entity::Registration,
            id: registration.get(),
        })?;
    let organizer = EmailAddress::parse(organizer_email)?;
    let event = find_event(community, r.event)?;
    let member = community.member(r.member).ok_or(Error::NotFound {
        entity: Entity::Member,
        id: r.member.get(),
    })?;
    if member.is_erased() {
        return Err(StateError::MemberErased.into());
    }
    let cancel = r.status == RegistrationStatus::Cancelled || event.state == EventState::Cancelled;
    let mut w = Writer::new();
    w.calendar_head(if cancel { "CANCEL" } else { "REQUEST" }, None);
    let name = member.display_name();
    vevent(
        &mut w,
        community,
        event,
        now,
        Some((r, &organizer, &name, &member.email)),
    );
    Ok(w.finish())
}
