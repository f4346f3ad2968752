//! The event lifecycle: scheduling, capacity, quotas, program, venue,
//! broadcast, registration window, and the state transitions up to the
//! compte-rendu, rescheduling and per-event admission (the core's
//! `community/events.rs`), with their records and enums (`Event`,
//! `EventSpec`, `Admission`, `Venue`, `RemoteBroadcast`, `ProgramItem`,
//! `Speaker`, `Resource`, `Report`, `EventKind`, `EventState`, `ItemKind`,
//! `ResourceKind`) and the top-level `eventSpec` (Java: `Cimi.eventSpec`).
//! Waitlist offers, the self-cancellation deadline and the check-in window
//! are fields of `EventSpec` and `Event`.

use std::collections::HashMap;

use cimi_core::event as ce;

use crate::community::Community;
use crate::convert::{self, count_i32, count_u32, id_i64, ids_out, quotas_in, quotas_out};
use crate::error::CimiError;
use crate::time::{duration, instant, millis, opt_instant, opt_millis};

pub use cimi_core::event::EventKind;
pub use cimi_core::event::EventState;
pub use cimi_core::event::ItemKind;
pub use cimi_core::event::ResourceKind;

/// The kind of event.
#[uniffi::remote(Enum)]
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

/// Where an event is in its lifecycle: draft → open → closed → held →
/// reported, or cancelled before it is held.
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum EventState {
    /// Being prepared; not open for registration.
    Draft,
    /// Open for registration (within its window).
    Open,
    /// Registration closed; not held yet.
    Closed,
    /// The event took place.
    Held,
    /// The compte-rendu was published.
    Reported,
    /// Cancelled before it was held.
    Cancelled,
}

/// What a program item is.
#[uniffi::remote(Enum)]
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

/// The kind of a report resource.
#[uniffi::remote(Enum)]
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

/// Where an event takes place.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Venue {
    /// Name of the place.
    pub name: String,
    /// Postal address.
    pub address: String,
}

impl From<Venue> for ce::Venue {
    fn from(v: Venue) -> Self {
        ce::Venue::new(v.name, v.address)
    }
}

impl From<&ce::Venue> for Venue {
    fn from(v: &ce::Venue) -> Self {
        Venue {
            name: v.name.clone(),
            address: v.address.clone(),
        }
    }
}

/// A broadcast by video conference.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RemoteBroadcast {
    /// Link to the video conference.
    pub url: String,
    /// Remote attendees accepted; `null` is unlimited.
    pub capacity: Option<i32>,
}

impl RemoteBroadcast {
    pub(crate) fn into_core(self) -> Result<ce::RemoteBroadcast, CimiError> {
        Ok(ce::RemoteBroadcast {
            url: self.url,
            capacity: self
                .capacity
                .map(|c| count_u32(c, "remote.capacity"))
                .transpose()?,
        })
    }
}

impl From<&ce::RemoteBroadcast> for RemoteBroadcast {
    fn from(r: &ce::RemoteBroadcast) -> Self {
        RemoteBroadcast {
            url: r.url.clone(),
            capacity: r.capacity.map(count_i32),
        }
    }
}

/// A speaker of a program item.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Speaker {
    /// Name.
    pub name: String,
    /// Grade or title (commandant, colonel, directeur…).
    pub title: String,
    /// Organisation.
    pub organisation: String,
    /// Whether the speaker consented to being recorded.
    pub recording_consent: bool,
}

impl From<Speaker> for ce::Speaker {
    fn from(s: Speaker) -> Self {
        let speaker = ce::Speaker::new(s.name, s.title, s.organisation);
        if s.recording_consent {
            speaker.consenting()
        } else {
            speaker
        }
    }
}

impl From<&ce::Speaker> for Speaker {
    fn from(s: &ce::Speaker) -> Self {
        Speaker {
            name: s.name.clone(),
            title: s.title.clone(),
            organisation: s.organisation.clone(),
            recording_consent: s.recording_consent,
        }
    }
}

/// One item of an event's program.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProgramItem {
    /// What it is.
    pub kind: ItemKind,
    /// Title (may be empty).
    pub title: String,
    /// Speakers, in order.
    pub speakers: Vec<Speaker>,
}

impl From<ProgramItem> for ce::ProgramItem {
    fn from(i: ProgramItem) -> Self {
        i.speakers
            .into_iter()
            .fold(ce::ProgramItem::new(i.kind, i.title), |item, s| {
                item.with_speaker(s.into())
            })
    }
}

impl From<&ce::ProgramItem> for ProgramItem {
    fn from(i: &ce::ProgramItem) -> Self {
        ProgramItem {
            kind: i.kind,
            title: i.title.clone(),
            speakers: i.speakers.iter().map(Into::into).collect(),
        }
    }
}

/// A resource attached to a compte-rendu.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Resource {
    /// What it is.
    pub kind: ResourceKind,
    /// Title.
    pub title: String,
    /// Where to find it (wiki, intranet…).
    pub url: String,
}

impl From<Resource> for ce::Resource {
    fn from(r: Resource) -> Self {
        ce::Resource {
            kind: r.kind,
            title: r.title,
            url: r.url,
        }
    }
}

impl From<&ce::Resource> for Resource {
    fn from(r: &ce::Resource) -> Self {
        Resource {
            kind: r.kind,
            title: r.title.clone(),
            url: r.url.clone(),
        }
    }
}

/// The compte-rendu of a held event.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Report {
    /// Summary.
    pub summary: String,
    /// Slides, recording, documents, contacts…
    pub resources: Vec<Resource>,
    /// When it was published (ms since the epoch).
    pub published_at_ms: i64,
}

impl From<&ce::Report> for Report {
    fn from(r: &ce::Report) -> Self {
        Report {
            summary: r.summary.clone(),
            resources: r.resources.iter().map(Into::into).collect(),
            published_at_ms: millis(r.published_at),
        }
    }
}

/// Who an event admits, besides or instead of the statutes' registration
/// policy (the core's `event::Admission`): its own allowed address patterns
/// and the audiences it is open to. The default (Kotlin `Admission()`, Java
/// `new Admission()`) has no rule of its own: the event admits whoever the
/// statutes admit. A request the event's rules refuse is
/// `CimiException.Refused` with kind `address_not_admitted` (details
/// `allowed`) or `audience_not_admitted` (details `audience`, `admitted`).
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct Admission {
    /// The event's own allowed address patterns, as text (`*@*.gouv.fr`,
    /// `*@paris.fr`, `cimi@interieur.gouv.fr`, `*@*`); none: no rule of its
    /// own. A text the core's pattern parser refuses is
    /// `CimiException.InvalidInput` (kind `invalid_input`, field
    /// `admission.allowed`). Read back in the core's canonical form
    /// (lower-case domain, trimmed).
    #[uniffi(default)]
    pub allowed: Vec<String>,
    /// The audiences admitted (identifiers of the statutes' audiences:
    /// `interieur`…); none: every audience, and addresses in no audience.
    #[uniffi(default)]
    pub audiences: Vec<String>,
    /// Whether `allowed` replaces the statutes' policy instead of narrowing
    /// it (otherwise the statutes and the event must both allow the address).
    #[uniffi(default = false)]
    pub replaces_policy: bool,
}

impl Admission {
    pub(crate) fn into_core(self) -> Result<ce::Admission, CimiError> {
        let allowed = ce::Admission::parse_allowed(&self.allowed)?;
        Ok(ce::Admission {
            allowed,
            audiences: self.audiences,
            replaces_policy: self.replaces_policy,
        })
    }
}

impl From<&ce::Admission> for Admission {
    fn from(a: &ce::Admission) -> Self {
        Admission {
            allowed: a.allowed.iter().map(|p| p.as_str().to_string()).collect(),
            audiences: a.audiences.clone(),
            replaces_policy: a.replaces_policy,
        }
    }
}

/// What is needed to schedule an event. [`crate::event_spec`] makes one with
/// the defaults (open at once, no window, waiting list, no quota, no venue,
/// no broadcast, empty program, the statutes' admission, not moderated, no
/// waitlist offers, self-cancellation until the start); Java: `new
/// EventSpecBuilder(kind, title, start, end, capacity)` starts from it, with
/// fluent setters and `build()`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EventSpec {
    /// Kind.
    pub kind: EventKind,
    /// Title.
    pub title: String,
    /// Start (ms since the epoch).
    pub starts_at_ms: i64,
    /// End (ms since the epoch); after the start.
    pub ends_at_ms: i64,
    /// Where, if on site.
    pub venue: Option<Venue>,
    /// Video conference, if any.
    pub remote: Option<RemoteBroadcast>,
    /// Seats on site.
    pub capacity: i32,
    /// Seat quotas per audience identifier, inside the capacity.
    pub quotas: HashMap<String, i32>,
    /// When registration opens (`null`: as soon as the event is open).
    pub registration_opens_at_ms: Option<i64>,
    /// When registration closes (`null`: when the event starts).
    pub registration_closes_at_ms: Option<i64>,
    /// Whether requests wait when seats are gone (otherwise they are refused).
    pub waitlist: bool,
    /// Program, in order.
    pub program: Vec<ProgramItem>,
    /// Stay a draft instead of opening at once.
    pub draft: bool,
    /// Who the event admits (default: whoever the statutes admit).
    #[uniffi(default)]
    pub admission: Admission,
    /// Whether each request waits for an organiser's approval (status
    /// `PENDING`, then `Community.approve` or `reject`) before getting a
    /// seat or a place in the waiting list. Default `false`.
    #[uniffi(default = false)]
    pub moderated: bool,
    /// Offer freed seats instead of giving them at once (the core's
    /// `WaitlistOffers`): when a seat frees, the earliest waiting
    /// registration whose audience has room gets status `OFFERED`, holding
    /// the seat this many milliseconds (the core keeps it to the second;
    /// from one minute to 30 days), shortened so that it never runs past
    /// `offerCutoffMs` before the start; it answers with
    /// `Community.acceptOffer` or `declineOffer`, and an offer left
    /// unanswered expires (`expireOffers`). `null` (default): a freed seat is
    /// given at once. Needs `waitlist`; out of range or without a waiting
    /// list: `CimiException.InvalidInput`, field `waitlist_offer`.
    #[uniffi(default = None)]
    pub waitlist_offer_ms: Option<i64>,
    /// With `waitlistOfferMs`: no offer runs past this many milliseconds
    /// before the start (the core keeps it to the second; at most 365 days);
    /// once that window has closed, a freed seat is given at once. `null`
    /// (default): offers may run until the start. Given without
    /// `waitlistOfferMs`: `CimiException.InvalidInput`, field
    /// `offer_cutoff`.
    #[uniffi(default = None)]
    pub offer_cutoff_ms: Option<i64>,
    /// Until when registrants may cancel by themselves with their
    /// cancellation token (`Community.cancelByToken`; organisers still may
    /// after it with `cancelRegistration`). `null` (default): until the
    /// start.
    #[uniffi(default = None)]
    pub cancellation_closes_at_ms: Option<i64>,
}

impl EventSpec {
    pub(crate) fn into_core(self) -> Result<ce::EventSpec, CimiError> {
        let schedule = ce::Schedule::new(
            instant(self.starts_at_ms, "starts_at_ms")?,
            instant(self.ends_at_ms, "ends_at_ms")?,
        )?;
        let mut spec = ce::EventSpec::new(
            self.kind,
            self.title,
            schedule,
            count_u32(self.capacity, "capacity")?,
        );
        spec.venue = self.venue.map(Into::into);
        spec.remote = self.remote.map(RemoteBroadcast::into_core).transpose()?;
        spec.quotas = quotas_in(self.quotas)?;
        spec.registration_opens_at =
            opt_instant(self.registration_opens_at_ms, "registration_opens_at_ms")?;
        spec.registration_closes_at =
            opt_instant(self.registration_closes_at_ms, "registration_closes_at_ms")?;
        spec.waitlist = self.waitlist;
        spec.program = self.program.into_iter().map(Into::into).collect();
        spec.draft = self.draft;
        spec.admission = self.admission.into_core()?;
        spec.moderated = self.moderated;
        spec.waitlist_offers = ce::WaitlistOffers::from_settings(
            self.waitlist_offer_ms
                .map(|ms| duration(ms, "waitlist_offer_ms"))
                .transpose()?,
            self.offer_cutoff_ms
                .map(|ms| duration(ms, "offer_cutoff_ms"))
                .transpose()?,
        )?;
        spec.cancellation_closes_at =
            opt_instant(self.cancellation_closes_at_ms, "cancellation_closes_at_ms")?;
        Ok(spec)
    }
}

/// A scheduled event.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Event {
    /// Identifier.
    pub id: i64,
    /// Kind.
    pub kind: EventKind,
    /// Title.
    pub title: String,
    /// Start (ms since the epoch).
    pub starts_at_ms: i64,
    /// End (ms since the epoch).
    pub ends_at_ms: i64,
    /// Where.
    pub venue: Option<Venue>,
    /// Video conference.
    pub remote: Option<RemoteBroadcast>,
    /// Seats on site.
    pub capacity: i32,
    /// Seat quotas per audience.
    pub quotas: HashMap<String, i32>,
    /// When registration opens.
    pub registration_opens_at_ms: Option<i64>,
    /// When registration closes, if set explicitly.
    pub registration_closes_at_ms: Option<i64>,
    /// When registration actually closes: the explicit close, else the start.
    pub registration_deadline_ms: i64,
    /// Waiting list enabled.
    pub waitlist: bool,
    /// Program.
    pub program: Vec<ProgramItem>,
    /// Lifecycle state.
    pub state: EventState,
    /// When the event was created.
    pub created_at_ms: i64,
    /// Compte-rendu, once reported.
    pub report: Option<Report>,
    /// Recording is allowed: there is at least one speaker and every speaker
    /// consented.
    pub recording_allowed: bool,
    /// How many times what a calendar entry shows changed since the event
    /// was scheduled (time, title, venue, video link, program, cancellation):
    /// the iCalendar `SEQUENCE` of its exports.
    pub revision: i32,
    /// Who the event admits, besides or instead of the statutes' policy.
    pub admission: Admission,
    /// Whether each request waits for an organiser's approval.
    pub moderated: bool,
    /// How long an offer of a freed seat holds it (to the second); `null`:
    /// the event makes no offers (a freed seat is given at once).
    pub waitlist_offer_ms: Option<i64>,
    /// With offers: how long before the start they stop (`0`: they may run
    /// until the start); `null` without offers.
    pub offer_cutoff_ms: Option<i64>,
    /// Until when registrants may cancel by themselves, if set explicitly.
    pub cancellation_closes_at_ms: Option<i64>,
    /// When registrants' own cancellation (`Community.cancelByToken`)
    /// actually closes: the explicit deadline, else the start.
    pub cancellation_deadline_ms: i64,
    /// When check-in opens (`Community.checkIn`): a day before the start.
    pub check_in_opens_at_ms: i64,
    /// When check-in closes: a day after the end (both bounds included).
    pub check_in_closes_at_ms: i64,
}

impl From<&ce::Event> for Event {
    fn from(e: &ce::Event) -> Self {
        let (check_in_opens, check_in_closes) = e.check_in_window();
        Event {
            id: id_i64(e.id.get()),
            kind: e.kind,
            title: e.title.clone(),
            starts_at_ms: millis(e.schedule.starts_at),
            ends_at_ms: millis(e.schedule.ends_at),
            venue: e.venue.as_ref().map(Into::into),
            remote: e.remote.as_ref().map(Into::into),
            capacity: count_i32(e.capacity),
            quotas: quotas_out(&e.quotas),
            registration_opens_at_ms: opt_millis(e.registration_opens_at),
            registration_closes_at_ms: opt_millis(e.registration_closes_at),
            registration_deadline_ms: millis(e.registration_deadline()),
            waitlist: e.waitlist,
            program: e.program.iter().map(Into::into).collect(),
            state: e.state,
            created_at_ms: millis(e.created_at),
            report: e.report.as_ref().map(Into::into),
            recording_allowed: e.recording_allowed(),
            revision: count_i32(e.revision),
            admission: (&e.admission).into(),
            moderated: e.moderated,
            waitlist_offer_ms: e.waitlist_offers.map(|o| o.hold().num_milliseconds()),
            offer_cutoff_ms: e.waitlist_offers.map(|o| o.cutoff().num_milliseconds()),
            cancellation_closes_at_ms: opt_millis(e.cancellation_closes_at),
            cancellation_deadline_ms: millis(e.self_cancellation_deadline()),
            check_in_opens_at_ms: millis(check_in_opens),
            check_in_closes_at_ms: millis(check_in_closes),
        }
    }
}

/// An event spec with the defaults: open for registration at once, no window,
/// a waiting list, no quota, no venue, no broadcast, an empty program, the
/// statutes' admission, not moderated, no waitlist offers, self-cancellation
/// until the start. Change
/// its fields before `Community.scheduleEvent` (Java: `spec.setVenue(…)`).
#[uniffi::export]
pub fn event_spec(
    kind: EventKind,
    title: String,
    starts_at_ms: i64,
    ends_at_ms: i64,
    capacity: i32,
) -> EventSpec {
    EventSpec {
        kind,
        title,
        starts_at_ms,
        ends_at_ms,
        venue: None,
        remote: None,
        capacity,
        quotas: Default::default(),
        registration_opens_at_ms: None,
        registration_closes_at_ms: None,
        waitlist: true,
        program: Vec::new(),
        draft: false,
        admission: Admission::default(),
        moderated: false,
        waitlist_offer_ms: None,
        offer_cutoff_ms: None,
        cancellation_closes_at_ms: None,
    }
}

/// The attendees a compte-rendu may name (the core's `ReportAttendees`):
/// those checked in who consented to the publication of their name; the
/// others are counted.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReportAttendees {
    /// The names, given name first, in the order of registration.
    pub named: Vec<String>,
    /// How many other attendees.
    pub unnamed: i32,
}

/// Counts only: the names are personal data.
impl std::fmt::Debug for ReportAttendees {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportAttendees")
            .field("named", &self.named.len())
            .field("unnamed", &self.unnamed)
            .finish()
    }
}

impl From<cimi_core::community::ReportAttendees> for ReportAttendees {
    fn from(a: cimi_core::community::ReportAttendees) -> Self {
        ReportAttendees {
            named: a.named,
            unnamed: count_i32(a.unnamed),
        }
    }
}

#[uniffi::export]
impl Community {
    /// Schedules an event; returns its identifier. Unless `spec.draft`, it
    /// accepts registrations at once (within its window).
    pub fn schedule_event(&self, spec: EventSpec, at_ms: i64) -> Result<i64, CimiError> {
        let at = instant(at_ms, "at_ms")?;
        let spec = spec.into_core()?;
        self.write(|c| c.schedule_event(spec, at).map(|id| id_i64(id.get())))
    }

    /// An event by identifier, or `null`.
    pub fn event(&self, event_id: i64) -> Result<Option<Event>, CimiError> {
        let id = convert::event_id(event_id)?;
        self.read(|c| Ok(c.event(id).map(Into::into)))
    }

    /// All events, by identifier.
    pub fn events(&self) -> Result<Vec<Event>, CimiError> {
        self.read(|c| Ok(c.events().map(Into::into).collect()))
    }

    /// Changes the seat capacity; returns the registrations promoted from the
    /// waiting list, in order. It cannot go below the seats confirmed.
    pub fn set_capacity(
        &self,
        event_id: i64,
        capacity: i32,
        at_ms: i64,
    ) -> Result<Vec<i64>, CimiError> {
        let id = convert::event_id(event_id)?;
        let capacity = count_u32(capacity, "capacity")?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.set_capacity(id, capacity, at).map(|ids| ids_out(&ids)))
    }

    /// Sets (or removes, with `null`) an audience's seat quota; returns the
    /// registrations promoted as a result.
    pub fn set_quota(
        &self,
        event_id: i64,
        audience: String,
        quota: Option<i32>,
        at_ms: i64,
    ) -> Result<Vec<i64>, CimiError> {
        let id = convert::event_id(event_id)?;
        let quota = quota.map(|q| count_u32(q, "quota")).transpose()?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| {
            c.set_quota(id, &audience, quota, at)
                .map(|ids| ids_out(&ids))
        })
    }

    /// Replaces the program.
    pub fn set_program(
        &self,
        event_id: i64,
        program: Vec<ProgramItem>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let program = program.into_iter().map(Into::into).collect();
        self.write(|c| c.set_program(id, program, at))
    }

    /// Sets or removes (`null`) the venue.
    pub fn set_venue(
        &self,
        event_id: i64,
        venue: Option<Venue>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.set_venue(id, venue.map(Into::into), at))
    }

    /// Sets or removes (`null`) the remote broadcast; it cannot drop below the
    /// remote places already confirmed.
    pub fn set_remote(
        &self,
        event_id: i64,
        remote: Option<RemoteBroadcast>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let remote = remote.map(RemoteBroadcast::into_core).transpose()?;
        self.write(|c| c.set_remote(id, remote, at))
    }

    /// Sets the registration window (`null`: no bound).
    pub fn set_registration_window(
        &self,
        event_id: i64,
        opens_at_ms: Option<i64>,
        closes_at_ms: Option<i64>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = convert::event_id(event_id)?;
        let opens = opt_instant(opens_at_ms, "opens_at_ms")?;
        let closes = opt_instant(closes_at_ms, "closes_at_ms")?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.set_registration_window(id, opens, closes, at))
    }

    /// Opens a draft (or re-opens a closed) event for registration.
    pub fn open_registration(&self, event_id: i64, at_ms: i64) -> Result<(), CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.open_registration(id, at))
    }

    /// Closes registration; the waiting list still moves on cancellations.
    pub fn close_registration(&self, event_id: i64, at_ms: i64) -> Result<(), CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.close_registration(id, at))
    }

    /// Marks the event as held (not before it starts).
    pub fn mark_held(&self, event_id: i64, at_ms: i64) -> Result<(), CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.mark_held(id, at))
    }

    /// Publishes the compte-rendu of a held event. A recording among the
    /// resources is refused (`CimiException.InvalidState`, kind
    /// `recording_consent_missing`) unless every speaker of the program
    /// consented to being recorded.
    pub fn publish_report(
        &self,
        event_id: i64,
        summary: String,
        resources: Vec<Resource>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let resources = resources.into_iter().map(Into::into).collect();
        self.write(|c| c.publish_report(id, &summary, resources, at))
    }

    /// The attendees the compte-rendu may name at `at_ms`: those checked in
    /// whose consent to the publication of their name holds; the others are
    /// counted.
    pub fn report_attendees(
        &self,
        event_id: i64,
        at_ms: i64,
    ) -> Result<ReportAttendees, CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.read(|c| Ok(c.report_attendees(id, at)?.into()))
    }

    /// Cancels an event that has not been held. Its calendar exports then
    /// withdraw it: `eventIcal` answers `METHOD:CANCEL` with a higher
    /// `SEQUENCE` (the event's `revision`).
    pub fn cancel_event(&self, event_id: i64, at_ms: i64) -> Result<(), CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.cancel_event(id, at))
    }

    /// Moves an event still to be held to another time (`starts_at_ms` to
    /// `ends_at_ms`); the registrations stay. The event's `revision` (the
    /// iCalendar `SEQUENCE`) goes up, so calendar clients update their entry.
    pub fn reschedule(
        &self,
        event_id: i64,
        starts_at_ms: i64,
        ends_at_ms: i64,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = convert::event_id(event_id)?;
        let schedule = ce::Schedule::new(
            instant(starts_at_ms, "starts_at_ms")?,
            instant(ends_at_ms, "ends_at_ms")?,
        )?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.reschedule(id, schedule, at))
    }

    /// Changes who an event still to be held admits (see `Admission`; a
    /// default `Admission` goes back to the statutes' policy). Registrations
    /// already made stay: the rule judges the requests to come.
    pub fn set_admission(
        &self,
        event_id: i64,
        admission: Admission,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = convert::event_id(event_id)?;
        let admission = admission.into_core()?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.set_admission(id, admission, at))
    }
}
