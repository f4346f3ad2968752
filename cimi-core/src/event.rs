//! Events: miditechs, workshops, conferences and meetings.
//!
//! An event has a schedule in Europe/Paris civil time (stored as UTC instants),
//! a venue, an optional remote broadcast, an ordered program with speakers, a
//! seat capacity with optional quotas per audience, a registration window and a
//! lifecycle: draft → open → closed → held → reported, or cancelled at any point
//! before it is held.
//!
//! ```
//! use chrono::{NaiveDate, NaiveTime};
//! use cimi_core::event::Schedule;
//!
//! let day = NaiveDate::from_ymd_opt(2017, 12, 12).unwrap();
//! let s = Schedule::paris(day, NaiveTime::from_hms_opt(12, 30, 0).unwrap(),
//!                         NaiveTime::from_hms_opt(14, 30, 0).unwrap())?;
//! // December: Paris is UTC+1.
//! assert_eq!(s.starts_at.to_rfc3339(), "2017-12-12T11:30:00+00:00");
//! # Ok::<(), cimi_core::event::TimeError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::address::AddressPattern;
use crate::i18n::Lang;
use crate::ids::EventId;
pub use crate::waitlist::WaitlistOffers;

/// A civil time that cannot be turned into an instant, or a schedule that does
/// not make sense.
///
/// ```
/// use chrono::{NaiveDate, NaiveTime};
/// use cimi_core::event::{paris_instant, TimeError};
/// // 26 March 2017, 02:30 did not exist in Paris (clocks jumped to 03:00).
/// let gap = NaiveDate::from_ymd_opt(2017, 3, 26).unwrap().and_hms_opt(2, 30, 0).unwrap();
/// assert!(matches!(paris_instant(gap), Err(TimeError::Nonexistent { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// The civil time falls in the spring-forward gap.
    #[error("{local} does not exist in Europe/Paris (daylight saving gap)")]
    Nonexistent {
        /// The civil time.
        local: NaiveDateTime,
    },
    /// The civil time happens twice (autumn fall-back).
    #[error("{local} is ambiguous in Europe/Paris (happens twice when clocks go back)")]
    Ambiguous {
        /// The civil time.
        local: NaiveDateTime,
    },
    /// The end is not after the start.
    #[error("the event must end after it starts")]
    EndNotAfterStart,
}

impl TimeError {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            TimeError::Nonexistent { .. } => "nonexistent_local_time",
            TimeError::Ambiguous { .. } => "ambiguous_local_time",
            TimeError::EndNotAfterStart => "end_not_after_start",
        }
    }

    /// The error in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (TimeError::Nonexistent { local }, Lang::Fr) => {
                format!("{local} n'existe pas à Paris (passage à l'heure d'été)")
            }
            (TimeError::Ambiguous { local }, Lang::Fr) => {
                format!(
                    "{local} est ambigu à Paris (existe deux fois au passage à l'heure d'hiver)"
                )
            }
            (TimeError::EndNotAfterStart, Lang::Fr) => {
                "l'événement doit se terminer après son début".into()
            }
            _ => self.to_string(),
        }
    }
}

/// The instant of a civil time in Europe/Paris, refusing times that do not
/// exist or happen twice.
pub fn paris_instant(local: NaiveDateTime) -> Result<DateTime<Utc>, TimeError> {
    match Paris.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::None => Err(TimeError::Nonexistent { local }),
        LocalResult::Ambiguous(_, _) => Err(TimeError::Ambiguous { local }),
    }
}

/// An instant seen in Europe/Paris civil time.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// let t = Utc.with_ymd_and_hms(2020, 7, 1, 10, 0, 0).unwrap();
/// assert_eq!(cimi_core::event::to_paris(t).to_rfc3339(), "2020-07-01T12:00:00+02:00");
/// ```
pub fn to_paris(at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&Paris)
}

/// When an event takes place.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use cimi_core::event::Schedule;
/// let s = Schedule::new(Utc.with_ymd_and_hms(2020, 2, 3, 8, 0, 0).unwrap(),
///                       Utc.with_ymd_and_hms(2020, 2, 3, 17, 0, 0).unwrap())?;
/// assert_eq!(s.duration().num_hours(), 9);
/// # Ok::<(), cimi_core::event::TimeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Start instant.
    pub starts_at: DateTime<Utc>,
    /// End instant.
    pub ends_at: DateTime<Utc>,
}

impl Schedule {
    /// A schedule between two instants; the end must be after the start.
    pub fn new(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<Schedule, TimeError> {
        if ends_at <= starts_at {
            return Err(TimeError::EndNotAfterStart);
        }
        Ok(Schedule { starts_at, ends_at })
    }

    /// A schedule on one day, from Europe/Paris civil times, with the right
    /// summer or winter offset.
    pub fn paris(day: NaiveDate, start: NaiveTime, end: NaiveTime) -> Result<Schedule, TimeError> {
        Schedule::new(
            paris_instant(day.and_time(start))?,
            paris_instant(day.and_time(end))?,
        )
    }

    /// How long the event lasts.
    pub fn duration(&self) -> chrono::Duration {
        self.ends_at - self.starts_at
    }

    /// Start in Paris civil time.
    pub fn starts_paris(&self) -> DateTime<Tz> {
        to_paris(self.starts_at)
    }

    /// End in Paris civil time.
    pub fn ends_paris(&self) -> DateTime<Tz> {
        to_paris(self.ends_at)
    }
}

/// The kind of event.
///
/// ```
/// use cimi_core::event::EventKind;
/// assert_eq!("miditech".parse::<EventKind>(), Ok(EventKind::Miditech));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// A two-hour lunchtime talk ("midi technique").
    Miditech,
    /// A hands-on session on a theme.
    Workshop,
    /// A larger gathering.
    Conference,
    /// A meeting (of the bureau, of experts…).
    Meeting,
}

impl EventKind {
    /// All kinds.
    pub const ALL: [EventKind; 4] = [
        EventKind::Miditech,
        EventKind::Workshop,
        EventKind::Conference,
        EventKind::Meeting,
    ];

    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            EventKind::Miditech => "miditech",
            EventKind::Workshop => "workshop",
            EventKind::Conference => "conference",
            EventKind::Meeting => "meeting",
        }
    }

    /// The kind's name in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            EventKind::Miditech => "miditech",
            EventKind::Workshop => "workshop",
            EventKind::Conference => lang.pick("conférence", "conference"),
            EventKind::Meeting => lang.pick("réunion", "meeting"),
        }
    }
}

/// The text is not a known kind name.
///
/// ```
/// assert!("party".parse::<cimi_core::event::EventKind>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name '{0}'")]
pub struct UnknownName(pub String);

impl std::str::FromStr for EventKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        EventKind::ALL
            .into_iter()
            .find(|k| k.kind() == s)
            .ok_or(UnknownName(s))
    }
}

/// Where an event is in its lifecycle.
///
/// ```
/// use cimi_core::event::EventState;
/// assert!(EventState::Open.can_become(EventState::Closed));
/// assert!(!EventState::Held.can_become(EventState::Cancelled));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventState {
    /// Being prepared; not open for registration.
    Draft,
    /// Open for registration (within its window).
    Open,
    /// Registration closed; the event has not been held yet.
    Closed,
    /// The event took place.
    Held,
    /// The compte-rendu was published.
    Reported,
    /// Cancelled before it was held.
    Cancelled,
}

impl EventState {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            EventState::Draft => "draft",
            EventState::Open => "open",
            EventState::Closed => "closed",
            EventState::Held => "held",
            EventState::Reported => "reported",
            EventState::Cancelled => "cancelled",
        }
    }

    /// Whether the lifecycle allows going from `self` to `next`.
    pub fn can_become(self, next: EventState) -> bool {
        use EventState::*;
        matches!(
            (self, next),
            (Draft, Open)
                | (Open, Closed)
                | (Closed, Open)
                | (Open, Held)
                | (Closed, Held)
                | (Held, Reported)
                | (Draft | Open | Closed, Cancelled)
        )
    }

    /// Whether the event is still to be held (draft, open or closed).
    pub fn is_upcoming(self) -> bool {
        matches!(
            self,
            EventState::Draft | EventState::Open | EventState::Closed
        )
    }

    /// Whether the event took place (held, or held and its compte-rendu
    /// published): what attendance, no-shows and the statistics count.
    ///
    /// ```
    /// use cimi_core::event::EventState;
    /// assert!(EventState::Reported.was_held());
    /// assert!(!EventState::Cancelled.was_held());
    /// ```
    pub fn was_held(self) -> bool {
        matches!(self, EventState::Held | EventState::Reported)
    }
}

/// Where an event takes place.
///
/// ```
/// let v = cimi_core::event::Venue::new("DGGN", "4 rue Claude Bernard, 92130 Issy-les-Moulineaux");
/// assert_eq!(v.name, "DGGN");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Venue {
    /// Name of the place.
    pub name: String,
    /// Postal address.
    pub address: String,
}

impl Venue {
    /// A venue.
    pub fn new(name: impl Into<String>, address: impl Into<String>) -> Venue {
        Venue {
            name: name.into(),
            address: address.into(),
        }
    }
}

/// A broadcast by video conference.
///
/// ```
/// let r = cimi_core::event::RemoteBroadcast { url: "https://visio.example/cimi".into(), capacity: None };
/// assert!(r.capacity.is_none()); // unlimited
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteBroadcast {
    /// Link to the video conference.
    pub url: String,
    /// Remote attendees accepted; `None` is unlimited.
    #[serde(default)]
    pub capacity: Option<u32>,
}

/// A speaker of a program item.
///
/// ```
/// let s = cimi_core::event::Speaker::new("Henri Verdier", "directeur", "DINSIC");
/// assert!(!s.recording_consent);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// Name.
    pub name: String,
    /// Grade or title (commandant, colonel, directeur…).
    #[serde(default)]
    pub title: String,
    /// Organisation.
    #[serde(default)]
    pub organisation: String,
    /// Whether the speaker consented to being recorded.
    #[serde(default)]
    pub recording_consent: bool,
}

impl Speaker {
    /// A speaker who has not (yet) consented to recording.
    pub fn new(
        name: impl Into<String>,
        title: impl Into<String>,
        organisation: impl Into<String>,
    ) -> Speaker {
        Speaker {
            name: name.into(),
            title: title.into(),
            organisation: organisation.into(),
            recording_consent: false,
        }
    }

    /// The same speaker, consenting to recording.
    pub fn consenting(mut self) -> Speaker {
        self.recording_consent = true;
        self
    }
}

/// What a program item is.
///
/// ```
/// assert_eq!(cimi_core::event::ItemKind::QuestionsAndAnswers.label(cimi_core::Lang::Fr), "Questions et échanges");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ItemKind {
    /// Opening words.
    Introduction,
    /// Welcome by the host.
    Welcome,
    /// A talk.
    Talk,
    /// Questions and exchanges.
    QuestionsAndAnswers,
    /// Closing words.
    Conclusion,
    /// A hands-on part.
    HandsOn,
    /// Anything else.
    Other,
}

impl ItemKind {
    /// All kinds.
    pub const ALL: [ItemKind; 7] = [
        ItemKind::Introduction,
        ItemKind::Welcome,
        ItemKind::Talk,
        ItemKind::QuestionsAndAnswers,
        ItemKind::Conclusion,
        ItemKind::HandsOn,
        ItemKind::Other,
    ];

    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            ItemKind::Introduction => "introduction",
            ItemKind::Welcome => "welcome",
            ItemKind::Talk => "talk",
            ItemKind::QuestionsAndAnswers => "questions_and_answers",
            ItemKind::Conclusion => "conclusion",
            ItemKind::HandsOn => "hands_on",
            ItemKind::Other => "other",
        }
    }

    /// Parses a snake_case name.
    pub fn from_kind(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.kind() == s)
    }

    /// The kind's label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ItemKind::Introduction => "Introduction",
            ItemKind::Welcome => lang.pick("Accueil", "Welcome"),
            ItemKind::Talk => "Intervention",
            ItemKind::QuestionsAndAnswers => {
                lang.pick("Questions et échanges", "Questions and answers")
            }
            ItemKind::Conclusion => "Conclusion",
            ItemKind::HandsOn => lang.pick("Atelier pratique", "Hands-on"),
            ItemKind::Other => lang.pick("Autre", "Other"),
        }
    }
}

/// One item of an event's program.
///
/// ```
/// use cimi_core::event::{ItemKind, ProgramItem, Speaker};
/// let item = ProgramItem::new(ItemKind::Talk, "L'État plateforme")
///     .with_speaker(Speaker::new("Laura Letourneau", "", ""));
/// assert_eq!(item.speakers.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramItem {
    /// What it is.
    pub kind: ItemKind,
    /// Title (may be empty).
    #[serde(default)]
    pub title: String,
    /// Speakers, in order.
    #[serde(default)]
    pub speakers: Vec<Speaker>,
}

impl ProgramItem {
    /// An item without speakers.
    pub fn new(kind: ItemKind, title: impl Into<String>) -> ProgramItem {
        ProgramItem {
            kind,
            title: title.into(),
            speakers: Vec::new(),
        }
    }

    /// The same item with one more speaker.
    pub fn with_speaker(mut self, speaker: Speaker) -> ProgramItem {
        self.speakers.push(speaker);
        self
    }
}

/// A resource attached to a compte-rendu.
///
/// ```
/// use cimi_core::event::{Resource, ResourceKind};
/// let r = Resource { kind: ResourceKind::Slides, title: "Support".into(), url: "https://wiki/x.pdf".into() };
/// assert_eq!(r.kind.kind(), "slides");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// What it is.
    pub kind: ResourceKind,
    /// Title.
    pub title: String,
    /// Where to find it (wiki, intranet…).
    pub url: String,
}

/// The kind of a report resource.
///
/// ```
/// assert_eq!(cimi_core::event::ResourceKind::from_kind("recording"), Some(cimi_core::event::ResourceKind::Recording));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResourceKind {
    /// Presentation slides.
    Slides,
    /// Video or audio recording.
    Recording,
    /// A document.
    Document,
    /// Contacts.
    Contacts,
    /// A link.
    Link,
}

impl ResourceKind {
    /// All kinds.
    pub const ALL: [ResourceKind; 5] = [
        ResourceKind::Slides,
        ResourceKind::Recording,
        ResourceKind::Document,
        ResourceKind::Contacts,
        ResourceKind::Link,
    ];

    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            ResourceKind::Slides => "slides",
            ResourceKind::Recording => "recording",
            ResourceKind::Document => "document",
            ResourceKind::Contacts => "contacts",
            ResourceKind::Link => "link",
        }
    }

    /// Parses a snake_case name.
    pub fn from_kind(s: &str) -> Option<ResourceKind> {
        ResourceKind::ALL.into_iter().find(|k| k.kind() == s)
    }
}

/// The compte-rendu of a held event.
///
/// ```
/// let r = cimi_core::event::Report { summary: "Très bonne séance".into(), resources: vec![], published_at: chrono::Utc::now() };
/// assert!(r.resources.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Summary.
    pub summary: String,
    /// Slides, recording, documents, contacts…
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// When it was published.
    pub published_at: DateTime<Utc>,
}

/// Who an event admits, besides or instead of the statutes' registration
/// policy: its own address patterns, and the audiences it is open to. The
/// default admits whoever the statutes admit.
///
/// The 2020 conference was open "aux agents du ministère de l'intérieur et aux
/// autres ministères"; a workshop may be reserved to the home ministry
/// (`audiences: ["interieur"]`); another event may admit listed local
/// authorities' domains (`allowed` with `replaces_policy`).
///
/// ```
/// use cimi_core::event::Admission;
/// let home_only = Admission::default().audiences(["interieur"]);
/// let towns = Admission::default().allowing(["*@paris.fr".parse()?, "*@lyon.fr".parse()?]).replacing_policy();
/// assert!(Admission::default().is_open() && !home_only.is_open() && towns.replaces_policy);
/// # Ok::<(), cimi_core::address::PatternError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Admission {
    /// The event's own allowed address patterns (none: no rule of its own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<AddressPattern>,
    /// The audiences admitted (identifiers of the statutes' audiences;
    /// none: every audience, and addresses in no audience).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audiences: Vec<String>,
    /// Whether `allowed` replaces the statutes' policy; otherwise it narrows
    /// it (the statutes and the event must both allow the address).
    #[serde(default, skip_serializing_if = "is_false")]
    pub replaces_policy: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Admission {
    /// Whether the event admits whoever the statutes admit (no rule of its own).
    pub fn is_open(&self) -> bool {
        self.allowed.is_empty() && self.audiences.is_empty()
    }

    /// With these allowed address patterns.
    pub fn allowing(mut self, patterns: impl IntoIterator<Item = AddressPattern>) -> Self {
        self.allowed = patterns.into_iter().collect();
        self
    }

    /// Admitting only these audiences.
    pub fn audiences<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.audiences = ids.into_iter().map(Into::into).collect();
        self
    }

    /// The allowed patterns replace the statutes' policy instead of narrowing it.
    pub fn replacing_policy(mut self) -> Self {
        self.replaces_policy = true;
        self
    }
}

/// What is needed to schedule an event.
///
/// By default the event opens for registration at once, with no window, a
/// waiting list, no quotas and no remote broadcast.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use cimi_core::event::{EventKind, EventSpec, Schedule};
/// let s = Schedule::new(Utc.with_ymd_and_hms(2026, 1, 6, 11, 0, 0).unwrap(),
///                       Utc.with_ymd_and_hms(2026, 1, 6, 13, 0, 0).unwrap())?;
/// let spec = EventSpec::new(EventKind::Workshop, "PostgreSQL", s, 20).with_quota("interieur", 15);
/// assert_eq!(spec.quotas["interieur"], 15);
/// # Ok::<(), cimi_core::event::TimeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSpec {
    /// Kind.
    pub kind: EventKind,
    /// Title.
    pub title: String,
    /// When.
    pub schedule: Schedule,
    /// Where, if on site.
    pub venue: Option<Venue>,
    /// Video conference, if any.
    pub remote: Option<RemoteBroadcast>,
    /// Seats on site.
    pub capacity: u32,
    /// Seat quotas per audience, inside the capacity.
    pub quotas: BTreeMap<String, u32>,
    /// When registration opens (`None`: as soon as the event is open).
    pub registration_opens_at: Option<DateTime<Utc>>,
    /// When registration closes (`None`: when the event starts).
    pub registration_closes_at: Option<DateTime<Utc>>,
    /// Whether requests wait when seats are gone (otherwise they are refused).
    pub waitlist: bool,
    /// Program.
    pub program: Vec<ProgramItem>,
    /// Stay a draft instead of opening at once.
    pub draft: bool,
    /// Who the event admits (default: whoever the statutes admit).
    pub admission: Admission,
    /// Whether each request waits for an organiser's approval (`pending`)
    /// before getting a seat or a place in the waiting list.
    pub moderated: bool,
    /// Whether a freed seat is offered to the next person in the waiting
    /// list, who accepts or declines before a deadline, instead of being
    /// given to them at once (`None`: automatic promotion).
    pub waitlist_offers: Option<WaitlistOffers>,
    /// Until when a registrant may cancel by themselves with their
    /// cancellation token (`None`: until the event starts); organisers
    /// cancel at any time before the event is over.
    pub cancellation_closes_at: Option<DateTime<Utc>>,
}

impl EventSpec {
    /// A spec with the defaults described above.
    pub fn new(
        kind: EventKind,
        title: impl Into<String>,
        schedule: Schedule,
        capacity: u32,
    ) -> Self {
        EventSpec {
            kind,
            title: title.into(),
            schedule,
            venue: None,
            remote: None,
            capacity,
            quotas: BTreeMap::new(),
            registration_opens_at: None,
            registration_closes_at: None,
            waitlist: true,
            program: Vec::new(),
            draft: false,
            admission: Admission::default(),
            moderated: false,
            waitlist_offers: None,
            cancellation_closes_at: None,
        }
    }

    /// A freed seat is offered to the next person in the waiting list, who
    /// has until a deadline to accept it (see [`WaitlistOffers`], with an example).
    pub fn with_waitlist_offers(mut self, offers: WaitlistOffers) -> Self {
        self.waitlist_offers = Some(offers);
        self
    }

    /// Registrants may cancel by themselves (with their cancellation token)
    /// until `closes_at` only; organisers still may after it.
    pub fn with_cancellation_deadline(mut self, closes_at: DateTime<Utc>) -> Self {
        self.cancellation_closes_at = Some(closes_at);
        self
    }

    /// With a venue.
    pub fn with_venue(mut self, venue: Venue) -> Self {
        self.venue = Some(venue);
        self
    }

    /// With a remote broadcast.
    pub fn with_remote(mut self, remote: RemoteBroadcast) -> Self {
        self.remote = Some(remote);
        self
    }

    /// With a quota for an audience.
    pub fn with_quota(mut self, audience: impl Into<String>, seats: u32) -> Self {
        self.quotas.insert(audience.into(), seats);
        self
    }

    /// With a program item appended.
    pub fn with_item(mut self, item: ProgramItem) -> Self {
        self.program.push(item);
        self
    }

    /// Each request waits for an organiser's approval.
    pub fn moderated(mut self) -> Self {
        self.moderated = true;
        self
    }

    /// Admitting whom `admission` says (see [`Admission`]).
    pub fn with_admission(mut self, admission: Admission) -> Self {
        self.admission = admission;
        self
    }

    /// With a registration window.
    pub fn with_window(
        mut self,
        opens: Option<DateTime<Utc>>,
        closes: Option<DateTime<Utc>>,
    ) -> Self {
        self.registration_opens_at = opens;
        self.registration_closes_at = closes;
        self
    }
}

/// A scheduled event.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use cimi_core::{Community, event::{EventKind, EventSpec, Schedule}};
/// let t = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
/// let mut c = Community::cimi();
/// let s = Schedule::new(t + chrono::Duration::days(5), t + chrono::Duration::days(5) + chrono::Duration::hours(2))?;
/// let id = c.schedule_event(EventSpec::new(EventKind::Miditech, "IA", s, 50), t)?;
/// let e = c.event(id).unwrap();
/// assert!(e.accepts_registrations_at(t));
/// assert!(!e.recording_allowed()); // nobody consented (there are no speakers yet)
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Identifier.
    pub id: EventId,
    /// Kind.
    pub kind: EventKind,
    /// Title.
    pub title: String,
    /// When.
    pub schedule: Schedule,
    /// Where.
    #[serde(default)]
    pub venue: Option<Venue>,
    /// Video conference.
    #[serde(default)]
    pub remote: Option<RemoteBroadcast>,
    /// Seats on site.
    pub capacity: u32,
    /// Quotas per audience.
    #[serde(default)]
    pub quotas: BTreeMap<String, u32>,
    /// Registration opens.
    #[serde(default)]
    pub registration_opens_at: Option<DateTime<Utc>>,
    /// Registration closes.
    #[serde(default)]
    pub registration_closes_at: Option<DateTime<Utc>>,
    /// Waiting list enabled.
    pub waitlist: bool,
    /// Program.
    #[serde(default)]
    pub program: Vec<ProgramItem>,
    /// Lifecycle state.
    pub state: EventState,
    /// When the event was created.
    pub created_at: DateTime<Utc>,
    /// Compte-rendu, once reported.
    #[serde(default)]
    pub report: Option<Report>,
    /// How many times what a calendar entry shows changed since the event
    /// was scheduled (its time, title, venue, video link or program, or its
    /// cancellation): the iCalendar `SEQUENCE`, so that calendar clients
    /// update their entry instead of adding a second one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub revision: u32,
    /// Who the event admits, besides or instead of the statutes' policy.
    #[serde(default, skip_serializing_if = "Admission::is_open")]
    pub admission: Admission,
    /// Whether each request waits for an organiser's approval.
    #[serde(default, skip_serializing_if = "is_false")]
    pub moderated: bool,
    /// Whether freed seats are offered with a deadline instead of given at
    /// once (see [`WaitlistOffers`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waitlist_offers: Option<WaitlistOffers>,
    /// Until when a registrant may cancel by themselves (`None`: until the
    /// start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation_closes_at: Option<DateTime<Utc>>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Event {
    pub(crate) fn from_spec(id: EventId, spec: EventSpec, at: DateTime<Utc>) -> Event {
        Event {
            id,
            kind: spec.kind,
            title: spec.title,
            schedule: spec.schedule,
            venue: spec.venue,
            remote: spec.remote,
            capacity: spec.capacity,
            quotas: spec.quotas,
            registration_opens_at: spec.registration_opens_at,
            registration_closes_at: spec.registration_closes_at,
            waitlist: spec.waitlist,
            program: spec.program,
            state: if spec.draft {
                EventState::Draft
            } else {
                EventState::Open
            },
            created_at: at,
            report: None,
            revision: 0,
            admission: spec.admission,
            moderated: spec.moderated,
            waitlist_offers: spec.waitlist_offers,
            cancellation_closes_at: spec.cancellation_closes_at,
        }
    }

    /// Until when a registrant may cancel by themselves: the event's
    /// cancellation deadline, else its start.
    pub fn self_cancellation_deadline(&self) -> DateTime<Utc> {
        self.cancellation_closes_at
            .unwrap_or(self.schedule.starts_at)
    }

    /// When check-in is possible: from
    /// [`CHECK_IN_OPENS_BEFORE`](crate::limits::CHECK_IN_OPENS_BEFORE) before the start to
    /// [`CHECK_IN_CLOSES_AFTER`](crate::limits::CHECK_IN_CLOSES_AFTER) after the end (both included).
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use cimi_core::{Community, event::{EventKind, EventSpec, Schedule}, limits::*};
    /// # let (t, mut c) = (Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap(), Community::cimi());
    /// # let s = Schedule::new(t + Duration::days(5), t + Duration::days(5) + Duration::hours(2))?;
    /// let e = c.schedule_event(EventSpec::new(EventKind::Miditech, "IA", s, 50), t)?;
    /// let window = (s.starts_at - CHECK_IN_OPENS_BEFORE, s.ends_at + CHECK_IN_CLOSES_AFTER);
    /// assert_eq!(c.event(e).unwrap().check_in_window(), window);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_in_window(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        // At the ends of the range of instants, the window stops there.
        use crate::limits::{CHECK_IN_CLOSES_AFTER, CHECK_IN_OPENS_BEFORE};
        let (starts, ends) = (self.schedule.starts_at, self.schedule.ends_at);
        let opens = starts.checked_sub_signed(CHECK_IN_OPENS_BEFORE);
        let closes = ends.checked_add_signed(CHECK_IN_CLOSES_AFTER);
        (
            opens.unwrap_or(DateTime::<Utc>::MIN_UTC),
            closes.unwrap_or(DateTime::<Utc>::MAX_UTC),
        )
    }

    /// When an offer made at `at` expires, or `None` when the event makes
    /// no offers or its offer window has closed (the seat then goes to the
    /// next in line at once).
    pub fn offer_deadline(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.waitlist_offers
            .as_ref()
            .and_then(|o| o.deadline(at, self.schedule.starts_at))
    }

    /// Whether `other` shows differently in a calendar: its time, title,
    /// venue, video link or program differ.
    pub(crate) fn calendar_differs(&self, other: &Event) -> bool {
        self.schedule != other.schedule
            || self.title != other.title
            || self.venue != other.venue
            || self.remote != other.remote
            || self.program != other.program
    }

    /// Recording is allowed only when there is at least one speaker and every
    /// speaker consented.
    pub fn recording_allowed(&self) -> bool {
        let mut speakers = self.program.iter().flat_map(|i| &i.speakers).peekable();
        speakers.peek().is_some() && speakers.all(|s| s.recording_consent)
    }

    /// When registration closes: the explicit close, else the start.
    pub fn registration_deadline(&self) -> DateTime<Utc> {
        self.registration_closes_at
            .unwrap_or(self.schedule.starts_at)
    }

    /// Whether a request arriving at `at` is inside the state and window.
    pub fn accepts_registrations_at(&self, at: DateTime<Utc>) -> bool {
        self.state == EventState::Open
            && self.registration_opens_at.is_none_or(|o| at >= o)
            && at < self.registration_deadline()
    }

    /// The quota of an audience, if it has one.
    pub fn quota(&self, audience: Option<&str>) -> Option<u32> {
        audience.and_then(|a| self.quotas.get(a).copied())
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} « {} » {}",
            self.kind.kind(),
            self.title,
            self.schedule.starts_paris().format("%Y-%m-%d %H:%M %Z")
        )
    }
}
