//! Records and enums of the bindings, and their conversions to and from the
//! core's types. Conversions only: no domain rule lives here.
//!
//! Integers are signed (`i64` for identifiers and instants, `i32` for counts
//! and capacities) so that Java sees `long` and `int`; a negative or too large
//! value is an `invalid_input` error. Instants are milliseconds since the
//! epoch (see [`crate::time`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cimi_core::ids::{EventId, MemberId, RegistrationId};
use cimi_core::{community as cc, event as ce, member as cm, registration as cr, statutes as cs};

use crate::error::CimiError;
use crate::time::{instant, millis, opt_instant, opt_millis};

/// Generates an enum of the bindings that mirrors a (non-exhaustive) core
/// enum, with conversions both ways. A variant added to the core without
/// being added here is reported as an internal error at the boundary (the
/// panic is caught and becomes `CimiException.Internal`), never a crash.
macro_rules! mirror_enum {
    ($(#[$doc:meta])* $name:ident => $core:path { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl From<$name> for $core {
            fn from(v: $name) -> Self {
                use $core as C;
                match v {
                    $($name::$variant => C::$variant,)+
                }
            }
        }

        impl From<$core> for $name {
            fn from(v: $core) -> Self {
                use $core as C;
                #[allow(unreachable_patterns)]
                match v {
                    $(C::$variant => $name::$variant,)+
                    other => unreachable!(
                        "cimi-core has a {} variant cimi-ffi does not know: {other:?}",
                        stringify!($name)
                    ),
                }
            }
        }
    };
}

pub(crate) use mirror_enum;

mirror_enum!(
    /// A language for user-facing messages.
    Lang => cimi_core::Lang {
        /// French, the community's language.
        Fr,
        /// English.
        En,
    }
);

mirror_enum!(
    /// The kind of event.
    EventKind => ce::EventKind {
        /// A two-hour lunchtime talk ("midi technique").
        Miditech,
        /// A hands-on session on a theme.
        Workshop,
        /// A larger gathering.
        Conference,
        /// A meeting (of the bureau, of experts…).
        Meeting,
    }
);

mirror_enum!(
    /// Where an event is in its lifecycle: draft → open → closed → held →
    /// reported, or cancelled before it is held.
    EventState => ce::EventState {
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
);

mirror_enum!(
    /// What a program item is.
    ItemKind => ce::ItemKind {
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
);

mirror_enum!(
    /// The kind of a report resource.
    ResourceKind => ce::ResourceKind {
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
);

mirror_enum!(
    /// How a registrant wants to attend.
    AttendanceMode => cr::AttendanceMode {
        /// A seat in the room.
        OnSite,
        /// Follow by video conference only.
        Remote,
        /// A seat if there is one; otherwise follow remotely at once while
        /// waiting for a seat.
        OnSiteOrRemote,
    }
);

mirror_enum!(
    /// Where a registration stands.
    RegistrationStatus => cr::RegistrationStatus {
        /// Has a seat on site or a remote place.
        Confirmed,
        /// Waiting for a seat.
        Waitlisted,
        /// Cancelled by the registrant.
        Cancelled,
    }
);

mirror_enum!(
    /// Where a confirmed registrant attends.
    Seat => cr::Seat {
        /// In the room.
        OnSite,
        /// By video conference.
        Remote,
    }
);

mirror_enum!(
    /// Whether a confirmed registrant came.
    Attendance => cr::Attendance {
        /// The event has not been held yet.
        Pending,
        /// Checked in.
        Attended,
        /// Confirmed, the event was held, and no check-in.
        NoShow,
        /// Not confirmed (waiting or cancelled).
        NotApplicable,
    }
);

mirror_enum!(
    /// A field of a registration request (besides the address).
    Field => cr::Field {
        /// Nom.
        FamilyName,
        /// Prénom.
        GivenName,
        /// Service.
        Service,
        /// Grade.
        Grade,
        /// Fonction.
        Function,
    }
);

mirror_enum!(
    /// What a consent is about.
    ConsentKind => cm::ConsentKind {
        /// Receiving the mailing list.
        MailingList,
        /// Being recorded during events.
        Recording,
        /// Publication of one's name (attendee lists, reports).
        NamePublication,
    }
);

mirror_enum!(
    /// A member's status, derived from participation and the statutes.
    MemberStatus => cm::MemberStatus {
        /// Participated within the activity window.
        Active,
        /// No participation within the activity window.
        Dormant,
        /// Personal data erased (GDPR).
        Erased,
    }
);

// ----- integers -------------------------------------------------------------------

pub(crate) fn id_u64(id: i64, field: &str) -> Result<u64, CimiError> {
    u64::try_from(id).map_err(|_| {
        CimiError::input(
            field,
            format!("{id} is negative"),
            format!("{id} est négatif"),
        )
    })
}

pub(crate) fn event_id(id: i64) -> Result<EventId, CimiError> {
    id_u64(id, "event_id").map(EventId::new)
}

pub(crate) fn member_id(id: i64) -> Result<MemberId, CimiError> {
    id_u64(id, "member_id").map(MemberId::new)
}

pub(crate) fn registration_id(id: i64) -> Result<RegistrationId, CimiError> {
    id_u64(id, "registration_id").map(RegistrationId::new)
}

/// Identifiers are handed out from 1 upwards; they fit an `i64` for ever.
pub(crate) fn id_i64(raw: u64) -> i64 {
    i64::try_from(raw).unwrap_or(i64::MAX)
}

pub(crate) fn count_u32(v: i32, field: &str) -> Result<u32, CimiError> {
    u32::try_from(v).map_err(|_| {
        CimiError::input(
            field,
            format!("{v} is negative"),
            format!("{v} est négatif"),
        )
    })
}

pub(crate) fn count_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn quotas_in(quotas: HashMap<String, i32>) -> Result<BTreeMap<String, u32>, CimiError> {
    quotas
        .into_iter()
        .map(|(k, v)| Ok((k, count_u32(v, "quotas")?)))
        .collect()
}

fn quotas_out(quotas: &BTreeMap<String, u32>) -> HashMap<String, i32> {
    quotas
        .iter()
        .map(|(k, v)| (k.clone(), count_i32(*v)))
        .collect()
}

// ----- registrations --------------------------------------------------------------

/// A request to register for an event: the e-mail of seed 003 (nom, prénom,
/// service, grade, fonction, from an allowed mailbox), the obligations the
/// registrant acknowledges (`deontology`, `pssi` for the CIMI) and how they
/// want to attend.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RegistrationRequest {
    /// The sender's address.
    pub email: String,
    /// Nom.
    pub family_name: String,
    /// Prénom.
    pub given_name: String,
    /// Service.
    pub service: String,
    /// Grade.
    pub grade: String,
    /// Fonction.
    pub function: String,
    /// Identifiers of the statutes' obligations acknowledged.
    pub acknowledged: Vec<String>,
    /// How the registrant wants to attend.
    pub attendance: AttendanceMode,
}

impl From<RegistrationRequest> for cr::RegistrationRequest {
    fn from(r: RegistrationRequest) -> Self {
        cr::RegistrationRequest::new(r.email)
            .names(r.family_name, r.given_name)
            .affiliation(r.service, r.grade, r.function)
            .acknowledging(r.acknowledged)
            .attending(r.attendance.into())
    }
}

impl From<&cr::RegistrationRequest> for RegistrationRequest {
    fn from(r: &cr::RegistrationRequest) -> Self {
        RegistrationRequest {
            email: r.email.clone(),
            family_name: r.family_name.clone(),
            given_name: r.given_name.clone(),
            service: r.service.clone(),
            grade: r.grade.clone(),
            function: r.function.clone(),
            acknowledged: r.acknowledged.iter().map(str::to_string).collect(),
            attendance: r.attendance.into(),
        }
    }
}

/// A registration of a member for an event.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Registration {
    /// Identifier, also the rank in the order of arrival.
    pub id: i64,
    /// The event.
    pub event_id: i64,
    /// The registrant.
    pub member_id: i64,
    /// The audience derived from the address, if any (`interieur`…).
    pub audience: Option<String>,
    /// How the registrant asked to attend.
    pub mode: AttendanceMode,
    /// When the request arrived (ms since the epoch).
    pub requested_at_ms: i64,
    /// Current status.
    pub status: RegistrationStatus,
    /// The place held, when confirmed.
    pub seat: Option<Seat>,
    /// Whether it is in the waiting list for a seat (waitlisted, or confirmed
    /// remotely while waiting).
    pub waiting_for_seat: bool,
    /// When it was confirmed.
    pub confirmed_at_ms: Option<i64>,
    /// When it was promoted from the waiting list to a seat.
    pub promoted_at_ms: Option<i64>,
    /// When it was cancelled.
    pub cancelled_at_ms: Option<i64>,
    /// When the registrant checked in.
    pub checked_in_at_ms: Option<i64>,
}

impl From<&cr::Registration> for Registration {
    fn from(r: &cr::Registration) -> Self {
        Registration {
            id: id_i64(r.id.get()),
            event_id: id_i64(r.event.get()),
            member_id: id_i64(r.member.get()),
            audience: r.audience.as_deref().map(str::to_string),
            mode: r.mode.into(),
            requested_at_ms: millis(r.requested_at),
            status: r.status.into(),
            seat: r.seat.map(Into::into),
            waiting_for_seat: r.waiting_for_seat,
            confirmed_at_ms: opt_millis(r.confirmed_at),
            promoted_at_ms: opt_millis(r.promoted_at),
            cancelled_at_ms: opt_millis(r.cancelled_at),
            checked_in_at_ms: opt_millis(r.checked_in_at),
        }
    }
}

/// The answer to an accepted registration request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RegistrationOutcome {
    /// The registration (new, or the one the person already had).
    pub registration: Registration,
    /// Whether the person already had this live registration (same address,
    /// compared case-insensitively).
    pub already_registered: bool,
}

impl From<cc::RegistrationOutcome> for RegistrationOutcome {
    fn from(o: cc::RegistrationOutcome) -> Self {
        RegistrationOutcome {
            registration: (&o.registration).into(),
            already_registered: o.already_registered,
        }
    }
}

/// One item of a batch registration: exactly one of `outcome` and `error` is
/// set.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RegistrationAttempt {
    /// The registration, when the request was accepted.
    pub outcome: Option<RegistrationOutcome>,
    /// Why not, otherwise (a refusal, usually).
    pub error: Option<crate::error::ErrorInfo>,
}

/// The answer to a cancellation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Cancellation {
    /// The cancelled registration.
    pub registration: Registration,
    /// Registrations promoted to a seat because of it, in order.
    pub promoted: Vec<i64>,
}

impl From<cc::Cancellation> for Cancellation {
    fn from(c: cc::Cancellation) -> Self {
        Cancellation {
            registration: (&c.registration).into(),
            promoted: ids_out(&c.promoted),
        }
    }
}

pub(crate) fn ids_out(ids: &[RegistrationId]) -> Vec<i64> {
    ids.iter().map(|id| id_i64(id.get())).collect()
}

/// How full an event is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Occupancy {
    /// Seats on site.
    pub capacity: i32,
    /// Seats taken.
    pub on_site: i32,
    /// Remote places taken.
    pub remote: i32,
    /// Registrations waiting for a seat (including remote ones waiting).
    pub waiting: i32,
    /// Seats taken per audience (`""` for addresses in no audience).
    pub on_site_by_audience: HashMap<String, i32>,
}

impl From<cc::Occupancy> for Occupancy {
    fn from(o: cc::Occupancy) -> Self {
        Occupancy {
            capacity: count_i32(o.capacity),
            on_site: count_i32(o.on_site),
            remote: count_i32(o.remote),
            waiting: count_i32(o.waiting),
            on_site_by_audience: quotas_out(&o.on_site_by_audience),
        }
    }
}

// ----- events ---------------------------------------------------------------------

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
            .fold(ce::ProgramItem::new(i.kind.into(), i.title), |item, s| {
                item.with_speaker(s.into())
            })
    }
}

impl From<&ce::ProgramItem> for ProgramItem {
    fn from(i: &ce::ProgramItem) -> Self {
        ProgramItem {
            kind: i.kind.into(),
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
            kind: r.kind.into(),
            title: r.title,
            url: r.url,
        }
    }
}

impl From<&ce::Resource> for Resource {
    fn from(r: &ce::Resource) -> Self {
        Resource {
            kind: r.kind.into(),
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

/// What is needed to schedule an event. [`crate::event_spec`] makes one with
/// the defaults (open at once, no window, waiting list, no quota, no venue,
/// no broadcast, empty program).
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
}

impl EventSpec {
    pub(crate) fn into_core(self) -> Result<ce::EventSpec, CimiError> {
        let schedule = ce::Schedule::new(
            instant(self.starts_at_ms, "starts_at_ms")?,
            instant(self.ends_at_ms, "ends_at_ms")?,
        )?;
        let mut spec = ce::EventSpec::new(
            self.kind.into(),
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
}

impl From<&ce::Event> for Event {
    fn from(e: &ce::Event) -> Self {
        Event {
            id: id_i64(e.id.get()),
            kind: e.kind.into(),
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
            state: e.state.into(),
            created_at_ms: millis(e.created_at),
            report: e.report.as_ref().map(Into::into),
            recording_allowed: e.recording_allowed(),
        }
    }
}

// ----- members --------------------------------------------------------------------

/// One dated consent decision.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Consent {
    /// What the decision is about.
    pub kind: ConsentKind,
    /// Granted (`true`) or withdrawn (`false`).
    pub granted: bool,
    /// When the decision was made (ms since the epoch).
    pub at_ms: i64,
}

/// A responsibility in the bureau.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BureauRole {
    /// What the member is responsible for (GitHub, mailing list…).
    pub responsibility: String,
    /// Since when (ms since the epoch).
    pub since_ms: i64,
}

/// A member of the community (member *de fait* by participating, or added to
/// the directory).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Member {
    /// Identifier.
    pub id: i64,
    /// E-mail address (normalised); identifies the person.
    pub email: String,
    /// Nom.
    pub family_name: String,
    /// Prénom.
    pub given_name: String,
    /// Given name then family name, for display.
    pub display_name: String,
    /// Service as declared (free text).
    pub service: String,
    /// Place in the administration, outermost first (Intérieur, DGGN, ST(SI)²).
    pub affiliation: Vec<String>,
    /// Corps or filière.
    pub corps: Option<String>,
    /// Grade.
    pub grade: String,
    /// Fonction.
    pub function: String,
    /// Skills (compétences).
    pub skills: Vec<String>,
    /// Interests.
    pub interests: Vec<String>,
    /// Every consent decision, oldest first.
    pub consents: Vec<Consent>,
    /// First participation or addition to the directory.
    pub joined_at_ms: i64,
    /// Last participation, if any.
    pub last_participation_at_ms: Option<i64>,
    /// Role in the bureau, if any.
    pub bureau_role: Option<BureauRole>,
    /// When the member's personal data was erased, if it was.
    pub erased_at_ms: Option<i64>,
}

impl From<&cm::Member> for Member {
    fn from(m: &cm::Member) -> Self {
        Member {
            id: id_i64(m.id.get()),
            email: m.email.as_str().to_string(),
            family_name: m.family_name.to_string(),
            given_name: m.given_name.to_string(),
            display_name: m.display_name(),
            service: m.service.to_string(),
            affiliation: m.affiliation.units().map(|s| s.to_string()).collect(),
            corps: m.corps().map(|c| c.as_str()).map(str::to_owned),
            grade: m.grade.to_string(),
            function: m.function.to_string(),
            skills: m.skills.iter().map(|s| s.to_string()).collect(),
            interests: m.interests().iter().map(|s| s.to_string()).collect(),
            consents: m
                .consents()
                .iter()
                .map(|c| Consent {
                    kind: c.kind.into(),
                    granted: c.granted,
                    at_ms: millis(c.at),
                })
                .collect(),
            joined_at_ms: millis(m.joined_at),
            last_participation_at_ms: opt_millis(m.last_participation_at),
            bureau_role: m.bureau_role().map(|r| BureauRole {
                responsibility: r.responsibility.to_string(),
                since_ms: millis(r.since),
            }),
            erased_at_ms: opt_millis(m.erased_at()),
        }
    }
}

/// The editable profile of a member.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MemberProfile {
    /// Nom.
    pub family_name: String,
    /// Prénom.
    pub given_name: String,
    /// Declared service.
    pub service: String,
    /// Grade.
    pub grade: String,
    /// Fonction.
    pub function: String,
    /// Corps or filière.
    pub corps: Option<String>,
    /// Place in the administration, outermost first.
    pub affiliation: Vec<String>,
    /// Skills.
    pub skills: Vec<String>,
    /// Interests.
    pub interests: Vec<String>,
}

impl From<MemberProfile> for cc::MemberProfile {
    fn from(p: MemberProfile) -> Self {
        cc::MemberProfile {
            family_name: p.family_name,
            given_name: p.given_name,
            service: p.service,
            grade: p.grade,
            function: p.function,
            corps: p.corps,
            affiliation: cm::Affiliation::new(p.affiliation),
            skills: p.skills.into_iter().collect::<BTreeSet<_>>(),
            interests: p.interests.into_iter().collect::<BTreeSet<_>>(),
        }
    }
}

// ----- statutes -------------------------------------------------------------------

/// A text in French and English.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Text {
    /// French.
    pub fr: String,
    /// English (may be empty: then read the French).
    pub en: String,
}

impl From<&cs::Text> for Text {
    fn from(t: &cs::Text) -> Self {
        Text {
            fr: t.fr.clone(),
            en: t.en.clone(),
        }
    }
}

/// An obligation participants acknowledge (deontology, PSSI…).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Obligation {
    /// Stable identifier, to put in `RegistrationRequest.acknowledged`.
    pub id: String,
    /// What is to be acknowledged.
    pub text: Text,
}

/// An audience derived from the registrant's address; events may give it a
/// seat quota.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Audience {
    /// Stable identifier (the quota key).
    pub id: String,
    /// Human name.
    pub name: Text,
    /// Address patterns that belong to it (`*@*.interieur.gouv.fr`…).
    pub patterns: Vec<String>,
}

/// Who may register and what they must give.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RegistrationPolicy {
    /// Allowed address patterns (`*@*.gouv.fr`); empty allows every valid address.
    pub allowed: Vec<String>,
    /// Fields that must be non-blank.
    pub required_fields: Vec<Field>,
    /// Longest accepted field, in characters.
    pub max_field_chars: i32,
    /// Whether registrants must acknowledge every obligation.
    pub require_acknowledgement: bool,
}

/// A principal entity the bureau should be drawn from.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PrincipalEntity {
    /// Its name (DSIC, SDSICIF, ST(SI)²).
    pub name: String,
    /// Other names (successors, spellings).
    pub aliases: Vec<String>,
}

/// Rules about the bureau.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BureauRules {
    /// Exact size of the bureau, if fixed.
    pub size: Option<i32>,
    /// The principal entities.
    pub principal_entities: Vec<PrincipalEntity>,
    /// Each principal entity must have a bureau member.
    pub each_entity_represented: bool,
    /// Each bureau member must belong to a principal entity.
    pub each_member_from_entity: bool,
    /// Bureau members must be active.
    pub members_active: bool,
}

/// A community's statutes (read-only view; change them with JSON, see
/// `Community.replaceStatutesJson`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Statutes {
    /// Short name.
    pub name: String,
    /// Full name.
    pub full_name: Text,
    /// Values (neutralité, indépendance, esprit de partage).
    pub values: Vec<Text>,
    /// Objectives.
    pub objectives: Vec<Text>,
    /// Rules the community binds itself to.
    pub rules: Vec<Text>,
    /// Obligations participants acknowledge.
    pub obligations: Vec<Obligation>,
    /// Audiences, tried in order.
    pub audiences: Vec<Audience>,
    /// Registration policy.
    pub policy: RegistrationPolicy,
    /// A member is active while the last participation is this many days old or less.
    pub activity_window_days: i32,
    /// Days registrations of non-members are kept after an event, if set.
    pub non_member_retention_days: Option<i32>,
    /// Bureau rules.
    pub bureau: BureauRules,
    /// The community's channels (forum, wiki, mailing list…).
    pub channels: Vec<crate::watch::Channel>,
}

impl From<&cs::Statutes> for Statutes {
    fn from(s: &cs::Statutes) -> Self {
        let texts = |v: &[cs::Text]| v.iter().map(Into::into).collect::<Vec<Text>>();
        Statutes {
            name: s.name.clone(),
            full_name: (&s.full_name).into(),
            values: texts(&s.values),
            objectives: texts(&s.objectives),
            rules: texts(&s.rules),
            obligations: s
                .obligations
                .iter()
                .map(|o| Obligation {
                    id: o.id.clone(),
                    text: (&o.text).into(),
                })
                .collect(),
            audiences: s
                .audiences
                .iter()
                .map(|a| Audience {
                    id: a.id.clone(),
                    name: (&a.name).into(),
                    patterns: a.patterns.iter().map(|p| p.as_str().to_string()).collect(),
                })
                .collect(),
            policy: RegistrationPolicy {
                allowed: s
                    .policy
                    .allowed
                    .iter()
                    .map(|p| p.as_str().to_string())
                    .collect(),
                required_fields: s
                    .policy
                    .required_fields
                    .iter()
                    .map(|f| (*f).into())
                    .collect(),
                max_field_chars: count_i32(s.policy.max_field_chars),
                require_acknowledgement: s.policy.require_acknowledgement,
            },
            activity_window_days: count_i32(s.activity_window_days),
            non_member_retention_days: s.non_member_retention_days.map(count_i32),
            bureau: BureauRules {
                size: s.bureau.size.map(count_i32),
                principal_entities: s
                    .bureau
                    .principal_entities
                    .iter()
                    .map(|e| PrincipalEntity {
                        name: e.name.clone(),
                        aliases: e.aliases.clone(),
                    })
                    .collect(),
                each_entity_represented: s.bureau.each_entity_represented,
                each_member_from_entity: s.bureau.each_member_from_entity,
                members_active: s.bureau.members_active,
            },
            channels: s.channels.iter().map(Into::into).collect(),
        }
    }
}

/// A rule of the statutes that the current bureau breaks.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Violation {
    /// Stable snake_case rule (`bureau_size`, `entity_not_represented`,
    /// `member_outside_entities`, `member_not_active`).
    pub kind: String,
    /// Message in English.
    pub message: String,
    /// Message in French.
    pub message_fr: String,
    /// The bureau member concerned, if any.
    pub member_id: Option<i64>,
    /// The principal entity concerned, if any.
    pub entity: Option<String>,
}

impl From<&cs::Violation> for Violation {
    fn from(v: &cs::Violation) -> Self {
        let (member_id, entity) = match v {
            cs::Violation::EntityNotRepresented { entity } => (None, Some(entity.clone())),
            cs::Violation::MemberOutsideEntities { member }
            | cs::Violation::MemberNotActive { member, .. } => (Some(id_i64(member.get())), None),
            _ => (None, None),
        };
        Violation {
            kind: v.kind().to_string(),
            message: v.message(cimi_core::Lang::En),
            message_fr: v.message(cimi_core::Lang::Fr),
            member_id,
            entity,
        }
    }
}
