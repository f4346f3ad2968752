//! The documents: one event (`METHOD:PUBLISH`, or `METHOD:CANCEL` once it is
//! cancelled) or a calendar of several (`METHOD:PUBLISH`), and the invitation
//! of one registrant (`METHOD:REQUEST` or `METHOD:CANCEL`); each with an
//! optional reminder ([`IcalOptions`]).

use chrono::{DateTime, Utc};

use super::vevent::vevent;
use super::writer::Writer;
use crate::address::EmailAddress;
use crate::community::Community;
use crate::error::{Entity, Error, StateError};
use crate::event::{Event, EventState};
use crate::ids::{EventId, RegistrationId};
use crate::registration::RegistrationStatus;

/// Options of the iCalendar documents.
///
/// ```
/// use cimi_core::interop::ical::IcalOptions;
/// let o = IcalOptions::default().with_reminder(chrono::Duration::minutes(30));
/// assert_eq!(o.reminder, Some(chrono::Duration::minutes(30)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct IcalOptions {
    /// A reminder (`VALARM`, `ACTION:DISPLAY`) this long before the start of
    /// each event still standing; none by default.
    pub reminder: Option<chrono::Duration>,
}

impl IcalOptions {
    /// With a reminder this long before the start (a negative duration counts
    /// as zero).
    pub fn with_reminder(mut self, before: chrono::Duration) -> Self {
        self.reminder = Some(before.max(chrono::Duration::zero()));
        self
    }
}

fn find_event(community: &Community, id: EventId) -> Result<&Event, Error> {
    community.event(id).ok_or(Error::NotFound {
        entity: Entity::Event,
        id: id.get(),
    })
}

/// One event as an iCalendar document: `METHOD:PUBLISH`, or `METHOD:CANCEL`
/// once the event is cancelled, with `SEQUENCE` its
/// [revision](crate::event::Event::revision), so that a calendar client that
/// imported it updates or removes its entry instead of adding a second one.
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
    event_with(community, id, now, &IcalOptions::default())
}

/// [`event`] with options (a reminder).
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use cimi_core::event::{EventKind, EventSpec, Schedule};
/// use cimi_core::{interop::ical::{self, IcalOptions}, Community};
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let mut c = Community::cimi();
/// let when = Schedule::new(now + Duration::days(7), now + Duration::days(7) + Duration::hours(2))?;
/// let id = c.schedule_event(EventSpec::new(EventKind::Workshop, "PostgreSQL", when, 10), now)?;
/// let with = IcalOptions::default().with_reminder(Duration::minutes(30));
/// assert!(ical::event_with(&c, id, now, &with)?.contains("\r\nTRIGGER:-PT30M\r\n"));
/// c.cancel_event(id, now)?;
/// let ics = ical::event(&c, id, now)?;
/// assert!(ics.contains("\r\nMETHOD:CANCEL\r\n") && ics.contains("\r\nSEQUENCE:1\r\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn event_with(
    community: &Community,
    id: EventId,
    now: DateTime<Utc>,
    options: &IcalOptions,
) -> Result<String, Error> {
    let method = if find_event(community, id)?.state == EventState::Cancelled {
        "CANCEL"
    } else {
        "PUBLISH"
    };
    calendar_of(community, &[id], now, None, method, options)
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
    whole_calendar_with(community, now, &IcalOptions::default())
}

/// [`whole_calendar`] with options (a reminder).
pub fn whole_calendar_with(
    community: &Community,
    now: DateTime<Utc>,
    options: &IcalOptions,
) -> Result<String, Error> {
    let ids: Vec<EventId> = community.events().map(|e| e.id).collect();
    calendar_with(community, &ids, now, options)
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
    calendar_with(community, ids, now, &IcalOptions::default())
}

/// [`calendar`] with options (a reminder). Cancelled events stay in the
/// calendar with `STATUS:CANCELLED` and their higher `SEQUENCE`.
pub fn calendar_with(
    community: &Community,
    ids: &[EventId],
    now: DateTime<Utc>,
    options: &IcalOptions,
) -> Result<String, Error> {
    let name = Some(community.statutes().name.as_str());
    calendar_of(community, ids, now, name, "PUBLISH", options)
}

fn calendar_of(
    community: &Community,
    ids: &[EventId],
    now: DateTime<Utc>,
    name: Option<&str>,
    method: &str,
    options: &IcalOptions,
) -> Result<String, Error> {
    let events = ids
        .iter()
        .map(|&id| find_event(community, id))
        .collect::<Result<Vec<_>, _>>()?;
    let mut w = Writer::new();
    w.calendar_head(method, name);
    for e in events {
        vevent(&mut w, community, e, now, None, options.reminder);
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
    invitation_with(
        community,
        registration,
        organizer_email,
        now,
        &IcalOptions::default(),
    )
}

/// [`invitation`] with options (a reminder, left out of a cancellation).
pub fn invitation_with(
    community: &Community,
    registration: RegistrationId,
    organizer_email: &str,
    now: DateTime<Utc>,
    options: &IcalOptions,
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
        options.reminder,
    );
    Ok(w.finish())
}
