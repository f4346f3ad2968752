//! The community: its statutes, members, events and the registration engine.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use cimi_core::{Community, event::{EventKind, EventSpec, Schedule}};
//! use cimi_core::registration::{RegistrationRequest, RegistrationStatus};
//!
//! let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
//! let mut c = Community::cimi();
//! let when = Schedule::new(now + Duration::days(22), now + Duration::days(22) + Duration::hours(2))?;
//! let ev = c.schedule_event(EventSpec::new(EventKind::Miditech, "L'État plateforme", when, 1), now)?;
//!
//! let ask = |email: &str| RegistrationRequest::new(email)
//!     .names("Martin", "Alice")
//!     .affiliation("DNUM", "ingénieure des SIC", "architecte")
//!     .acknowledging(["deontology", "pssi"]);
//! let first = c.register(ev, &ask("alice@interieur.gouv.fr"), now)?;
//! let second = c.register(ev, &ask("bob@agri.gouv.fr"), now)?;
//! assert_eq!(first.registration.status, RegistrationStatus::Confirmed);
//! assert_eq!(second.registration.status, RegistrationStatus::Waitlisted);
//!
//! // Alice cancels: Bob gets the seat.
//! let cancel = c.cancel_registration(first.registration.id, now + Duration::hours(1))?;
//! assert_eq!(cancel.promoted, vec![second.registration.id]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::address::EmailAddress;
use crate::change::{Action, Change, Record};
use crate::directory::{Directory, Lookup};
use crate::error::{Entity, Error, FormatError, StateError};
use crate::event::{
    Event, EventSpec, EventState, ProgramItem, RemoteBroadcast, Report, Resource, Venue,
};
use crate::help::{HelpRequest, HelpRequestId, SkillIndex};
use crate::ids::{EventId, MemberId, RegistrationId};
use crate::member::{Affiliation, BureauRole, Consent, ConsentKind, Member, MemberStatus};
use crate::registration::{
    AttendanceMode, Field, Refusal, Registration, RegistrationRequest, RegistrationStatus, Seat,
};
use crate::statutes::{RegistrationRules, Statutes, Violation};
use crate::table::IdTable;
use crate::text::Text;
use crate::watch::{WatchItem, WatchItemId};

/// Current format version of [`Community::to_json`] documents.
pub const COMMUNITY_FORMAT_VERSION: u32 = 1;
const COMMUNITY_FORMAT: &str = "cimi.community";
/// Largest community document accepted by [`Community::from_json`], in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 4 << 30;
/// Longest compte-rendu summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 100_000;
/// Largest capacity (seats or remote places) an event may have.
pub const MAX_CAPACITY: u32 = 10_000_000;

/// The editable profile of a member.
///
/// ```
/// use cimi_core::community::MemberProfile;
/// let p = MemberProfile { family_name: "Meslier".into(), given_name: "Isabelle".into(),
///                         grade: "commandant".into(), ..Default::default() };
/// assert!(p.skills.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
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
    /// Structured affiliation.
    pub affiliation: Affiliation,
    /// Skills.
    pub skills: BTreeSet<String>,
    /// Interests.
    pub interests: BTreeSet<String>,
}

/// The answer to an accepted registration request.
///
/// ```
/// # use cimi_core::community::RegistrationOutcome;
/// # fn f(o: &RegistrationOutcome) -> bool {
/// o.already_registered // true when the same person asked again
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationOutcome {
    /// The registration (new, or the one the person already had).
    pub registration: Registration,
    /// Whether the person already had this live registration.
    pub already_registered: bool,
}

/// The answer to a cancellation.
///
/// ```
/// # use cimi_core::community::Cancellation;
/// # fn f(c: &Cancellation) -> usize { c.promoted.len() }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    /// The cancelled registration.
    pub registration: Registration,
    /// Registrations promoted to a seat because of it, in order.
    pub promoted: Vec<RegistrationId>,
}

/// How full an event is.
///
/// ```
/// # use cimi_core::community::Occupancy;
/// # fn f(o: &Occupancy) -> u32 { o.capacity - o.on_site }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occupancy {
    /// Seats on site.
    pub capacity: u32,
    /// Seats taken.
    pub on_site: u32,
    /// Remote places taken.
    pub remote: u32,
    /// Registrations waiting for a seat (including remote ones waiting).
    pub waiting: u32,
    /// Seats taken per audience (`""` for addresses in no audience).
    pub on_site_by_audience: BTreeMap<String, u32>,
}

/// Hash maps of the hot paths: foldhash is several times faster than SipHash
/// and still seeded per process, so keys chosen by an attacker cannot be made
/// to collide.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Derived bookkeeping of one event, rebuilt from registrations on load.
#[derive(Debug, Clone, Default)]
struct Book {
    live: FastMap<MemberId, RegistrationId>,
    on_site: u32,
    on_site_by_audience: FastMap<Option<Text>, u32>,
    remote: u32,
    waiting: BTreeMap<Option<Text>, BTreeSet<RegistrationId>>,
}

static EMPTY_BOOK: std::sync::LazyLock<Book> = std::sync::LazyLock::new(Book::default);

impl Book {
    fn audience_seats(&self, audience: &Option<Text>) -> u32 {
        self.on_site_by_audience.get(audience).copied().unwrap_or(0)
    }

    fn has_room(&self, event: &Event, audience: &Option<Text>) -> bool {
        self.on_site < event.capacity
            && event
                .quota(audience.as_deref())
                .is_none_or(|q| self.audience_seats(audience) < q)
    }

    fn remote_has_room(&self, event: &Event) -> bool {
        event
            .remote
            .as_ref()
            .is_some_and(|r| r.capacity.is_none_or(|c| self.remote < c))
    }

    fn waiting_len(&self) -> usize {
        self.waiting.values().map(BTreeSet::len).sum()
    }

    /// The earliest waiting registration whose audience has room.
    fn next_promotion(&self, event: &Event) -> Option<RegistrationId> {
        self.waiting
            .iter()
            .filter(|(aud, _)| self.has_room(event, aud))
            .filter_map(|(_, q)| q.first().copied())
            .min()
    }

    fn add(&mut self, r: &Registration) {
        if !r.is_live() {
            return;
        }
        self.live.insert(r.member, r.id);
        if r.status == RegistrationStatus::Confirmed {
            match r.seat {
                Some(Seat::OnSite) => {
                    self.on_site += 1;
                    match self.on_site_by_audience.get_mut(&r.audience) {
                        Some(n) => *n += 1,
                        None => {
                            self.on_site_by_audience.insert(r.audience.clone(), 1);
                        }
                    }
                }
                Some(Seat::Remote) => self.remote += 1,
                None => {}
            }
        }
        if r.waiting_for_seat {
            match self.waiting.get_mut(&r.audience) {
                Some(queue) => queue.insert(r.id),
                None => self
                    .waiting
                    .entry(r.audience.clone())
                    .or_default()
                    .insert(r.id),
            };
        }
    }

    fn remove(&mut self, r: &Registration) {
        if !r.is_live() {
            return;
        }
        if self.live.get(&r.member) == Some(&r.id) {
            self.live.remove(&r.member);
        }
        if r.status == RegistrationStatus::Confirmed {
            match r.seat {
                Some(Seat::OnSite) => {
                    self.on_site -= 1;
                    if let Some(n) = self.on_site_by_audience.get_mut(&r.audience) {
                        *n -= 1;
                    }
                }
                Some(Seat::Remote) => self.remote -= 1,
                None => {}
            }
        }
        if r.waiting_for_seat
            && let Some(q) = self.waiting.get_mut(&r.audience)
        {
            q.remove(&r.id);
            if q.is_empty() {
                self.waiting.remove(&r.audience);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct NextIds {
    pub(crate) member: u64,
    pub(crate) event: u64,
    pub(crate) registration: u64,
    #[serde(default = "one")]
    pub(crate) help: u64,
    #[serde(default = "one")]
    pub(crate) watch: u64,
}

fn one() -> u64 {
    1
}

/// A community: statutes, members, events and registrations.
///
/// All operations take the current instant as a parameter, so behaviour is
/// deterministic and testable. The type has no interior mutability; share it
/// between threads behind a lock.
#[derive(Clone)]
pub struct Community {
    pub(crate) statutes: Statutes,
    /// The statutes' registration rules, compiled; follows every change of
    /// statutes.
    rules: RegistrationRules,
    pub(crate) members: Directory,
    pub(crate) events: BTreeMap<EventId, Event>,
    pub(crate) registrations: IdTable<Registration>,
    pub(crate) help: BTreeMap<HelpRequestId, HelpRequest>,
    pub(crate) watch: BTreeMap<WatchItemId, WatchItem>,
    books: FastMap<EventId, Book>,
    pub(crate) skills: SkillIndex,
    pub(crate) next: NextIds,
    recording: bool,
    changes: Vec<Change>,
    undo: Vec<Undo>,
}

/// How to undo one committed record.
#[derive(Debug, Clone)]
enum Undo {
    Put(Record),
    RemoveMember(MemberId),
    RemoveEvent(EventId),
    RemoveRegistration(RegistrationId),
    RemoveHelp(HelpRequestId),
    RemoveWatch(WatchItemId),
}

/// Whether a record's texts (a member's fields, a registration's audience)
/// are the community's shared copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Texts {
    /// Texts from outside (a caller, a document): shared on the way in.
    Own,
    /// Texts the community's interner handed out (or empty).
    Shared,
}

/// A point in the change history to roll back to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    undo: usize,
    changes: usize,
    next: NextIds,
}

/// Debug output shows sizes only: the community holds personal data.
impl std::fmt::Debug for Community {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Community")
            .field("statutes", &self.statutes.name)
            .field("members", &self.members.len())
            .field("events", &self.events.len())
            .field("registrations", &self.registrations.len())
            .field("help_requests", &self.help.len())
            .field("watch_items", &self.watch.len())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Community {
    fn eq(&self, other: &Self) -> bool {
        self.statutes == other.statutes
            && self.members == other.members
            && self.events == other.events
            && self.registrations == other.registrations
            && self.help == other.help
            && self.watch == other.watch
            && self.next == other.next
    }
}
impl Eq for Community {}

fn has_forbidden_chars(s: &str) -> bool {
    !is_printable_ascii(s) && crate::address::scan_text(s).0
}

/// `str::trim`, answered at once when both ends are visible ASCII (the
/// common case; other ends may be spaces, which need decoding).
fn trim(s: &str) -> &str {
    let ends = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if ends(s.as_bytes().first()) && ends(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Whether every byte is printable ASCII, the common case, which needs no
/// decoding (one character per byte). No early exit: the loop vectorises.
fn is_printable_ascii(s: &str) -> bool {
    !s.bytes()
        .fold(false, |bad, b| bad | !(0x20..0x7f).contains(&b))
}

/// An event by identifier, or `not_found`.
fn event_in(events: &BTreeMap<EventId, Event>, id: EventId) -> Result<&Event, Error> {
    events
        .get(&id)
        .ok_or_else(|| Error::not_found(Entity::Event, id.get()))
}

/// Refuses a record read from outside whose texts or lists break the limits.
fn within_limits<T: Serialize + ?Sized>(location: &str, value: &T) -> Result<(), Error> {
    crate::limits::check(value).map_err(|over| {
        let location = if over.path.is_empty() {
            location.to_string()
        } else {
            format!("{location}.{}", over.path)
        };
        FormatError::OverLimit {
            location,
            what: over.what,
            limit: over.limit,
        }
        .into()
    })
}

/// The first text of a member that holds control or invisible characters.
fn member_text_problem(m: &Member) -> Option<&'static str> {
    let fields = [
        ("family_name", m.family_name.as_str()),
        ("given_name", m.given_name.as_str()),
        ("service", m.service.as_str()),
        ("grade", m.grade.as_str()),
        ("function", m.function.as_str()),
        ("corps", m.corps().map(|c| c.as_str()).unwrap_or("")),
    ];
    if let Some((name, _)) = fields.iter().find(|(_, v)| has_forbidden_chars(v)) {
        return Some(name);
    }
    if m.affiliation.units().any(has_forbidden_chars) {
        return Some("affiliation");
    }
    if m.skills
        .iter()
        .chain(m.interests().iter())
        .any(has_forbidden_chars)
    {
        return Some("skills");
    }
    None
}

impl Community {
    /// An empty community under these statutes.
    ///
    /// ```
    /// let c = cimi_core::Community::new(cimi_core::statutes::Statutes::cimi())?;
    /// assert_eq!(c.members().count(), 0);
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn new(statutes: Statutes) -> Result<Community, Error> {
        statutes.validate()?;
        Ok(Community {
            rules: RegistrationRules::new(&statutes),
            statutes,
            members: Directory::default(),
            events: BTreeMap::new(),
            registrations: IdTable::default(),
            help: BTreeMap::new(),
            watch: BTreeMap::new(),
            books: FastMap::default(),
            skills: SkillIndex::default(),
            next: NextIds {
                member: 1,
                event: 1,
                registration: 1,
                help: 1,
                watch: 1,
            },
            recording: false,
            changes: Vec::new(),
            undo: Vec::new(),
        })
    }

    /// An empty community under the CIMI statutes.
    pub fn cimi() -> Community {
        Community::new(Statutes::cimi()).expect("the CIMI preset is valid")
    }

    /// The statutes.
    pub fn statutes(&self) -> &Statutes {
        &self.statutes
    }

    /// Replaces the statutes (for instance after the bureau amends them).
    ///
    /// Existing registrations are kept as they are, even those the new policy
    /// would refuse or whose audience the new statutes drop: they record what
    /// the statutes of their time allowed. Past events keep their quotas too.
    /// An upcoming event's quotas, though, must name audiences of the new
    /// statutes: [`StateError::AudienceInUse`] names the first that does not
    /// (change its quotas with [`set_quota`](Self::set_quota) first).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use cimi_core::{Community, Statutes};
    /// let t = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
    /// let mut c = Community::cimi();
    /// let mut amended = Statutes::cimi();
    /// amended.policy.require_acknowledgement = false;
    /// c.replace_statutes(amended, t)?;
    /// assert!(!c.statutes().policy.require_acknowledgement);
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn replace_statutes(&mut self, statutes: Statutes, at: DateTime<Utc>) -> Result<(), Error> {
        statutes.validate()?;
        for e in self.events.values().filter(|e| e.state.is_upcoming()) {
            if let Some(aud) = e.quotas.keys().find(|a| statutes.audience(a).is_none()) {
                return Err(StateError::AudienceInUse {
                    audience: aud.to_string(),
                    event: e.id,
                }
                .into());
            }
        }
        self.commit(
            Action::StatutesReplaced,
            at,
            Record::Statutes(Box::new(statutes)),
        );
        Ok(())
    }

    // ----- recording and replay -------------------------------------------------

    /// Starts or stops keeping the changes made, for [`drain_changes`](Self::drain_changes).
    pub fn set_recording(&mut self, on: bool) {
        self.recording = on;
        if !on {
            self.changes.clear();
            self.undo.clear();
        }
    }

    /// Takes the changes recorded since the last call.
    pub fn drain_changes(&mut self) -> Vec<Change> {
        self.forget_undo();
        std::mem::take(&mut self.changes)
    }

    /// Applies a recorded change (replay). The change is taken as a fact: the
    /// record replaces its previous version, and derived bookkeeping follows.
    ///
    /// Fails, leaving the state as it was, when the change refers to an unknown
    /// event or member, or would break an invariant (over capacity or quota,
    /// one person twice).
    pub fn apply(&mut self, change: Change) -> Result<(), Error> {
        self.check_change(&change.record)?;
        self.commit(change.action, change.at, change.record);
        Ok(())
    }

    fn check_change(&self, record: &Record) -> Result<(), Error> {
        let bad = |problem: String| {
            Error::Format(FormatError::Inconsistent {
                location: "change".into(),
                problem,
            })
        };
        within_limits("change", record)?;
        match record {
            Record::Statutes(s) => s.validate()?,
            Record::Member(m) => {
                if let Some(field) = member_text_problem(m) {
                    return Err(bad(format!(
                        "member {}: {field} holds control or invisible characters",
                        m.id
                    )));
                }
                if let Some(other) = self.members.by_address(m.email.as_str())
                    && other != m.id
                    && !m.is_erased()
                {
                    return Err(bad(format!(
                        "member {} reuses the address of {other}",
                        m.id
                    )));
                }
            }
            Record::Event(e) => {
                if e.schedule.ends_at <= e.schedule.starts_at {
                    return Err(bad(format!("event {} ends before it starts", e.id)));
                }
                self.check_event(e)
                    .map_err(|err| bad(format!("event {}: {err}", e.id)))?;
                let book = self.books.get(&e.id).unwrap_or(&EMPTY_BOOK);
                check_book(e, book, false).map_err(bad)?;
            }
            Record::WatchItem(w) => {
                if !self.members.contains_key(&w.shared_by) {
                    return Err(bad(format!(
                        "watch item {} shared by unknown member {}",
                        w.id, w.shared_by
                    )));
                }
                if w.event.is_some_and(|e| !self.events.contains_key(&e)) {
                    return Err(bad(format!("watch item {} names an unknown event", w.id)));
                }
                if w.help_request.is_some_and(|h| !self.help.contains_key(&h)) {
                    return Err(bad(format!(
                        "watch item {} names an unknown help request",
                        w.id
                    )));
                }
            }
            Record::HelpRequest(h) => {
                for m in
                    std::iter::once(&h.asker).chain(h.steps.iter().flat_map(|s| &s.referred_to))
                {
                    if !self.members.contains_key(m) {
                        return Err(bad(format!(
                            "help request {} names unknown member {m}",
                            h.id
                        )));
                    }
                }
                if h.steps.is_empty() {
                    return Err(bad(format!("help request {} has no step", h.id)));
                }
            }
            Record::Registration(r) => {
                let event = self.events.get(&r.event).ok_or_else(|| {
                    bad(format!(
                        "registration {} for unknown event {}",
                        r.id, r.event
                    ))
                })?;
                if !self.members.contains_key(&r.member) {
                    return Err(bad(format!(
                        "registration {} for unknown member {}",
                        r.id, r.member
                    )));
                }
                check_registration_shape(r).map_err(bad)?;
                let book = self.books.get(&r.event).unwrap_or(&EMPTY_BOOK);
                let old = self.registrations.get(&r.id);
                if let Some(old) = old
                    && (old.event != r.event || old.member != r.member)
                {
                    return Err(bad(format!(
                        "registration {} changes event or member",
                        r.id
                    )));
                }
                if r.is_live()
                    && let Some(other) = book.live.get(&r.member).filter(|other| **other != r.id)
                {
                    return Err(bad(format!(
                        "member {} already holds registration {other} for event {}",
                        r.member, r.event
                    )));
                }
                // The hard limits after the change, computed without copying the book.
                let seat = |x: &Registration| {
                    (x.status == RegistrationStatus::Confirmed)
                        .then_some(x.seat)
                        .flatten()
                };
                let (was, will) = (old.and_then(seat), seat(r));
                if will == Some(Seat::OnSite) && was != Some(Seat::OnSite) {
                    if book.on_site + 1 > event.capacity {
                        return Err(bad(format!("event {} would exceed its capacity", event.id)));
                    }
                    if let Some(q) = event.quota(r.audience.as_deref())
                        && book.audience_seats(&r.audience) + 1 > q
                    {
                        return Err(bad(format!("event {} would exceed a quota", event.id)));
                    }
                }
                if will == Some(Seat::Remote) && was != Some(Seat::Remote) {
                    if let Some(cap) = event.remote.as_ref().and_then(|x| x.capacity)
                        && book.remote + 1 > cap
                    {
                        return Err(bad(format!(
                            "event {} would exceed its remote places",
                            event.id
                        )));
                    }
                    if event.remote.is_none() {
                        return Err(bad(format!("event {} is not broadcast", event.id)));
                    }
                }
            }
        }
        Ok(())
    }

    /// Applies a record, keeping the change when recording. Never fails: every
    /// caller has checked the record first.
    pub(crate) fn commit(&mut self, action: Action, at: DateTime<Utc>, record: Record) {
        if self.recording {
            self.record(action, at, record.clone());
        }
        self.put(record, Texts::Own);
    }

    /// [`commit`](Self::commit) for a member whose texts are the community's
    /// shared copies (a stored member, edited with interned texts); boxed
    /// into a record only when changes are recorded.
    /// `found` is a lookup of its address, if the caller made one.
    fn commit_member(
        &mut self,
        action: Action,
        at: DateTime<Utc>,
        member: Member,
        found: Option<Lookup>,
    ) {
        if self.recording {
            self.record(action, at, Record::Member(Box::new(member.clone())));
        }
        self.put_member(member, Texts::Shared, found);
    }

    /// [`commit`](Self::commit) for a registration whose audience is the
    /// community's shared copy (a stored registration, or one `register`
    /// built); boxed only when changes are recorded.
    fn commit_registration(&mut self, action: Action, at: DateTime<Utc>, r: Registration) {
        if self.recording {
            self.record(action, at, Record::Registration(Box::new(r.clone())));
        }
        self.put_registration(r, Texts::Shared);
    }

    /// Notes a change about to be put, and what undoes it.
    fn record(&mut self, action: Action, at: DateTime<Utc>, record: Record) {
        let previous = self.previous_version(&record);
        self.undo.push(previous);
        self.changes.push(Change { action, at, record });
    }

    /// [`commit`](Self::commit) for a record built from a caller's lists and
    /// texts (a profile, a program, a report, a help step, a watch item):
    /// refused, changing nothing, when it breaks the limits every loaded
    /// record is held to, so that what the engine writes it can read back.
    pub(crate) fn commit_within_limits(
        &mut self,
        action: Action,
        at: DateTime<Utc>,
        record: Record,
    ) -> Result<(), Error> {
        match &record {
            Record::Statutes(s) => within_limits("statutes", s),
            Record::Member(m) => within_limits("member", m),
            Record::Event(e) => within_limits("event", e),
            Record::Registration(r) => within_limits("registration", r),
            Record::HelpRequest(h) => within_limits("help_request", h),
            Record::WatchItem(w) => within_limits("watch_item", w),
        }?;
        self.commit(action, at, record);
        Ok(())
    }

    /// What undoes a record: its previous version, or its removal.
    fn previous_version(&self, record: &Record) -> Undo {
        match record {
            Record::Statutes(_) => Undo::Put(Record::Statutes(Box::new(self.statutes.clone()))),
            Record::Member(m) => self
                .members
                .get(&m.id)
                .map_or(Undo::RemoveMember(m.id), |old| {
                    Undo::Put(Record::Member(Box::new(old.clone())))
                }),
            Record::Event(e) => self
                .events
                .get(&e.id)
                .map_or(Undo::RemoveEvent(e.id), |old| {
                    Undo::Put(Record::Event(Box::new(old.clone())))
                }),
            Record::Registration(r) => self
                .registrations
                .get(&r.id)
                .map_or(Undo::RemoveRegistration(r.id), |old| {
                    Undo::Put(Record::Registration(Box::new(old.clone())))
                }),
            Record::HelpRequest(h) => self.help.get(&h.id).map_or(Undo::RemoveHelp(h.id), |old| {
                Undo::Put(Record::HelpRequest(Box::new(old.clone())))
            }),
            Record::WatchItem(w) => self
                .watch
                .get(&w.id)
                .map_or(Undo::RemoveWatch(w.id), |old| {
                    Undo::Put(Record::WatchItem(Box::new(old.clone())))
                }),
        }
    }

    /// A point to roll back to (see [`rollback`](Self::rollback)); recording
    /// must be on for changes after it to be undoable.
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            undo: self.undo.len(),
            changes: self.changes.len(),
            next: self.next,
        }
    }

    /// Undoes every change made since `mark`, newest first.
    pub(crate) fn rollback(&mut self, mark: Mark) {
        while self.undo.len() > mark.undo {
            match self.undo.pop().expect("undo entry") {
                Undo::Put(record) => self.put(record, Texts::Own),
                Undo::RemoveMember(id) => {
                    if let Some(old) = self.members.remove(&id) {
                        self.skills.remove(&old);
                    }
                }
                Undo::RemoveEvent(id) => {
                    self.events.remove(&id);
                    self.books.remove(&id);
                }
                Undo::RemoveRegistration(id) => {
                    if let Some(r) = self.registrations.remove(&id)
                        && let Some(book) = self.books.get_mut(&r.event)
                    {
                        book.remove(&r);
                    }
                }
                Undo::RemoveHelp(id) => {
                    self.help.remove(&id);
                }
                Undo::RemoveWatch(id) => {
                    self.watch.remove(&id);
                }
            }
        }
        self.changes.truncate(mark.changes);
        self.next = mark.next;
    }

    /// Takes the recorded changes, keeping what undoes them until
    /// [`forget_undo`](Self::forget_undo) or [`rollback`](Self::rollback).
    pub(crate) fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    /// Forgets the undo entries (once changes are durable).
    pub(crate) fn forget_undo(&mut self) {
        for undo in std::mem::take(&mut self.undo) {
            if let Undo::Put(Record::Member(old)) = undo {
                // The last holder of texts only that version used: let the
                // directory forget them (erased names must not linger).
                self.members.release(&old);
            }
        }
    }

    fn put(&mut self, record: Record, texts: Texts) {
        match record {
            Record::Statutes(s) => {
                self.statutes = *s;
                self.rules = RegistrationRules::new(&self.statutes);
            }
            Record::Member(m) => self.put_member(*m, texts, None),
            Record::Event(e) => {
                let e = *e;
                self.next.event = self.next.event.max(e.id.get() + 1);
                self.books.entry(e.id).or_default();
                self.events.insert(e.id, e);
            }
            Record::WatchItem(w) => {
                self.next.watch = self.next.watch.max(w.id.get() + 1);
                self.watch.insert(w.id, *w);
            }
            Record::HelpRequest(h) => {
                self.next.help = self.next.help.max(h.id.get() + 1);
                self.help.insert(h.id, *h);
            }
            Record::Registration(r) => self.put_registration(*r, texts),
        }
    }

    fn put_member(&mut self, m: Member, texts: Texts, found: Option<Lookup>) {
        let id = m.id;
        self.next.member = self.next.member.max(id.get() + 1);
        let old = match texts {
            Texts::Own => self.members.put(m),
            Texts::Shared => self.members.put_shared(m, found),
        };
        self.skills.update(old.as_ref(), &self.members[&id]);
    }

    fn put_registration(&mut self, mut r: Registration, texts: Texts) {
        if texts == Texts::Own
            && let Some(a) = &r.audience
        {
            r.audience = Some(self.members.interner.share(a));
        }
        self.next.registration = self.next.registration.max(r.id.get() + 1);
        let book = self.books.entry(r.event).or_default();
        if let Some(old) = self.registrations.get(&r.id) {
            book.remove(old);
        }
        book.add(&r);
        self.registrations.insert(r.id, r);
    }

    // ----- members --------------------------------------------------------------

    /// A member by identifier.
    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.members.get(&id)
    }

    /// A member by address (compared case-insensitively).
    ///
    /// ```
    /// let mut c = cimi_core::Community::cimi();
    /// let id = c.add_member("Ada@Interieur.gouv.fr", Default::default(), chrono::Utc::now())?;
    /// assert_eq!(c.member_by_email("ada@interieur.gouv.fr").map(|m| m.id), Some(id));
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn member_by_email(&self, email: &str) -> Option<&Member> {
        let email = EmailAddress::parse(email).ok()?;
        self.members
            .by_address(email.as_str())
            .and_then(|id| self.members.get(&id))
    }

    /// All members, by identifier.
    pub fn members(&self) -> impl Iterator<Item = &Member> + '_ {
        self.members.values()
    }

    fn member_checked(&self, id: MemberId) -> Result<&Member, Error> {
        self.members
            .get(&id)
            .ok_or_else(|| Error::not_found(Entity::Member, id.get()))
    }

    /// Records a participation at `at` by the person with this address
    /// (`found` is the directory's lookup of it, naming the member already
    /// holding it, if any): membership *de fait* is created or refreshed,
    /// after `edit` updates the record; the texts `edit` sets must come from
    /// the community's interner.
    pub(crate) fn participate(
        &mut self,
        found: Lookup,
        email: EmailAddress,
        at: DateTime<Utc>,
        edit: impl FnOnce(&mut Member),
    ) -> MemberId {
        let (mut member, action) = match found.member.and_then(|id| self.members.get(&id)) {
            Some(m) => (m.clone(), Action::MemberUpdated),
            None => (
                Member::new(MemberId::new(self.next.member), email, at),
                Action::MemberAdded,
            ),
        };
        edit(&mut member);
        member.record_participation(at);
        let id = member.id;
        self.commit_member(action, at, member, Some(found));
        id
    }

    pub(crate) fn live_member(&self, id: MemberId) -> Result<Member, Error> {
        let m = self.member_checked(id)?;
        if m.is_erased() {
            return Err(StateError::MemberErased.into());
        }
        Ok(m.clone())
    }

    /// Checks a long text (up to [`MAX_SUMMARY_CHARS`], line breaks and tabs allowed).
    pub(crate) fn check_long_text(&self, field: &str, value: &str) -> Result<(), Error> {
        if value.chars().count() > MAX_SUMMARY_CHARS
            || has_forbidden_chars(&value.replace(['\n', '\r', '\t'], " "))
        {
            return Err(Error::input(
                field,
                format!(
                    "longer than {MAX_SUMMARY_CHARS} characters or contains control characters"
                ),
                format!("plus de {MAX_SUMMARY_CHARS} caractères ou caractères de contrôle"),
            ));
        }
        Ok(())
    }

    pub(crate) fn check_text(&self, field: &str, value: &str) -> Result<(), Error> {
        let max = self.statutes.policy.max_field_chars as usize;
        if value.chars().count() > max {
            return Err(Error::input(
                field,
                format!("longer than {max} characters"),
                format!("plus de {max} caractères"),
            ));
        }
        if has_forbidden_chars(value) {
            return Err(Error::input(
                field,
                "contains control or invisible characters",
                "contient des caractères de contrôle ou invisibles",
            ));
        }
        Ok(())
    }

    fn check_profile(&self, p: &MemberProfile) -> Result<(), Error> {
        for (name, value) in [
            ("family_name", p.family_name.as_str()),
            ("given_name", p.given_name.as_str()),
            ("service", p.service.as_str()),
            ("grade", p.grade.as_str()),
            ("function", p.function.as_str()),
            ("corps", p.corps.as_deref().unwrap_or("")),
        ] {
            self.check_text(name, value)?;
        }
        for unit in p.affiliation.units() {
            self.check_text("affiliation", unit)?;
        }
        for tag in p.skills.iter().chain(&p.interests) {
            self.check_text("skills", tag)?;
        }
        if p.skills.len() + p.interests.len() > 1_000 {
            return Err(Error::input(
                "skills",
                "more than 1000 tags",
                "plus de 1000 étiquettes",
            ));
        }
        Ok(())
    }

    fn apply_profile(m: &mut Member, p: MemberProfile) {
        m.family_name = p.family_name.trim().into();
        m.given_name = p.given_name.trim().into();
        m.service = p.service.trim().into();
        m.grade = p.grade.trim().into();
        m.function = p.function.trim().into();
        m.set_corps(
            p.corps
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .map(Into::into),
        );
        m.affiliation = p.affiliation;
        m.skills = p
            .skills
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        m.set_interests(
            p.interests
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        );
    }

    /// Adds a member to the directory (for instance from an organiser's list).
    /// Members also appear on their own by participating.
    pub fn add_member(
        &mut self,
        email: &str,
        profile: MemberProfile,
        at: DateTime<Utc>,
    ) -> Result<MemberId, Error> {
        let email = EmailAddress::parse(email)?;
        if self.members.by_address(email.as_str()).is_some() {
            return Err(StateError::DuplicateMember.into());
        }
        self.check_profile(&profile)?;
        let id = MemberId::new(self.next.member);
        let mut m = Member::new(id, email, at);
        Self::apply_profile(&mut m, profile);
        self.commit_within_limits(Action::MemberAdded, at, Record::Member(Box::new(m)))?;
        Ok(id)
    }

    /// Replaces a member's profile.
    pub fn update_profile(
        &mut self,
        id: MemberId,
        profile: MemberProfile,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut m = self.live_member(id)?;
        self.check_profile(&profile)?;
        Self::apply_profile(&mut m, profile);
        self.commit_within_limits(Action::MemberUpdated, at, Record::Member(Box::new(m)))
    }

    /// Records a consent decision, dated `at`.
    pub fn set_consent(
        &mut self,
        id: MemberId,
        kind: ConsentKind,
        granted: bool,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut m = self.live_member(id)?;
        if m.consents().len() >= 10_000 {
            return Err(Error::input(
                "consents",
                "too many decisions",
                "trop de décisions",
            ));
        }
        m.push_consent(Consent { kind, granted, at });
        self.commit(Action::MemberUpdated, at, Record::Member(Box::new(m)));
        Ok(())
    }

    /// Gives a member a bureau responsibility, or removes it with `None`.
    pub fn set_bureau_role(
        &mut self,
        id: MemberId,
        responsibility: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut m = self.live_member(id)?;
        if let Some(r) = responsibility {
            self.check_text("responsibility", r)?;
        }
        m.set_bureau_role(responsibility.map(|r| BureauRole {
            responsibility: r.trim().into(),
            since: at,
        }));
        self.commit(Action::MemberUpdated, at, Record::Member(Box::new(m)));
        Ok(())
    }

    /// Erases a member's personal data (GDPR right to erasure): names,
    /// affiliation, skills, consents and bureau role are removed, the address is
    /// replaced by a tombstone, the texts of their help requests are removed,
    /// and their registrations for upcoming events are cancelled (seats go to
    /// the waiting list). Registrations and attendance of past events stay, so
    /// the aggregates stay right. Erasing twice changes nothing.
    ///
    /// ```
    /// let mut c = cimi_core::Community::cimi();
    /// let t = chrono::Utc::now();
    /// let id = c.add_member("ada@interieur.gouv.fr", Default::default(), t)?;
    /// c.erase_member(id, t)?;
    /// assert!(c.member_by_email("ada@interieur.gouv.fr").is_none());
    /// assert_eq!(c.member(id).unwrap().email.as_str(), format!("erased-{}@erased.invalid", id.get()));
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn erase_member(&mut self, id: MemberId, at: DateTime<Utc>) -> Result<(), Error> {
        let m = self.member_checked(id)?;
        if m.is_erased() {
            return Ok(());
        }
        let upcoming: Vec<RegistrationId> = self
            .registrations
            .values()
            .filter(|r| r.member == id && r.is_live())
            .filter(|r| {
                self.events
                    .get(&r.event)
                    .is_some_and(|e| e.state.is_upcoming())
            })
            .map(|r| r.id)
            .collect();
        for r in upcoming {
            self.cancel_registration(r, at)?;
        }
        let tombstone = EmailAddress::parse(&format!("erased-{}@erased.invalid", id.get()))
            .expect("tombstone addresses are valid");
        let mut erased = Member::new(id, tombstone, self.members[&id].joined_at);
        erased.last_participation_at = self.members[&id].last_participation_at;
        erased.set_erased_at(Some(at));
        self.commit(Action::MemberErased, at, Record::Member(Box::new(erased)));
        let asked: Vec<HelpRequest> = self
            .help
            .values()
            .filter(|h| h.asker == id)
            .cloned()
            .collect();
        for mut h in asked {
            h.topic.clear();
            h.text.clear();
            self.commit(Action::HelpErased, at, Record::HelpRequest(Box::new(h)));
        }
        Ok(())
    }

    /// A member's status at `now`.
    pub fn member_status(&self, id: MemberId, now: DateTime<Utc>) -> Result<MemberStatus, Error> {
        Ok(self
            .member_checked(id)?
            .status(self.statutes.activity_window(), now))
    }

    /// The members holding a bureau role.
    pub fn bureau(&self) -> Vec<&Member> {
        self.members
            .values()
            .filter(|m| m.bureau_role().is_some() && !m.is_erased())
            .collect()
    }

    /// Every rule of the statutes that the current bureau breaks, at `now`.
    ///
    /// ```
    /// let c = cimi_core::Community::cimi();
    /// let kinds: Vec<_> = c.check_statutes(chrono::Utc::now()).iter().map(|v| v.kind()).collect();
    /// assert_eq!(kinds[0], "bureau_size");
    /// ```
    pub fn check_statutes(&self, now: DateTime<Utc>) -> Vec<Violation> {
        self.statutes.check_bureau(&self.bureau(), now)
    }

    // ----- events ---------------------------------------------------------------

    /// An event by identifier.
    pub fn event(&self, id: EventId) -> Option<&Event> {
        self.events.get(&id)
    }

    /// All events, by identifier.
    pub fn events(&self) -> impl Iterator<Item = &Event> + '_ {
        self.events.values()
    }

    fn event_checked(&self, id: EventId) -> Result<&Event, Error> {
        event_in(&self.events, id)
    }

    fn check_event(&self, e: &Event) -> Result<(), Error> {
        if e.title.trim().is_empty() {
            return Err(Error::input(
                "title",
                "must not be blank",
                "ne doit pas être vide",
            ));
        }
        self.check_text("title", &e.title)?;
        if e.capacity > MAX_CAPACITY {
            return Err(Error::input(
                "capacity",
                format!("at most {MAX_CAPACITY}"),
                format!("au plus {MAX_CAPACITY}"),
            ));
        }
        for (aud, q) in &e.quotas {
            // A past event keeps the quotas of the statutes of its time.
            if e.state.is_upcoming() && self.statutes.audience(aud).is_none() {
                return Err(Error::input(
                    "quotas",
                    format!("unknown audience '{aud}'"),
                    format!("public « {aud} » inconnu"),
                ));
            }
            if *q > MAX_CAPACITY {
                return Err(Error::input(
                    "quotas",
                    format!("at most {MAX_CAPACITY}"),
                    format!("au plus {MAX_CAPACITY}"),
                ));
            }
        }
        if let (Some(o), Some(c)) = (e.registration_opens_at, e.registration_closes_at)
            && c <= o
        {
            return Err(Error::input(
                "registration window",
                "must close after it opens",
                "doit se fermer après son ouverture",
            ));
        }
        if let Some(r) = &e.remote {
            self.check_text("remote.url", &r.url)?;
            if r.capacity.is_some_and(|c| c > MAX_CAPACITY) {
                return Err(Error::input(
                    "remote.capacity",
                    format!("at most {MAX_CAPACITY}"),
                    format!("au plus {MAX_CAPACITY}"),
                ));
            }
        }
        if let Some(v) = &e.venue {
            self.check_text("venue.name", &v.name)?;
            self.check_text("venue.address", &v.address)?;
        }
        if e.program.len() > 1_000 {
            return Err(Error::input(
                "program",
                "more than 1000 items",
                "plus de 1000 éléments",
            ));
        }
        for item in &e.program {
            self.check_text("program.title", &item.title)?;
            for s in &item.speakers {
                self.check_text("speaker.name", &s.name)?;
                self.check_text("speaker.title", &s.title)?;
                self.check_text("speaker.organisation", &s.organisation)?;
            }
        }
        Ok(())
    }

    /// Schedules an event. Unless the spec says `draft`, it accepts
    /// registrations at once (within its window).
    pub fn schedule_event(&mut self, spec: EventSpec, at: DateTime<Utc>) -> Result<EventId, Error> {
        let id = EventId::new(self.next.event);
        let event = Event::from_spec(id, spec, at);
        self.check_event(&event)?;
        self.commit_within_limits(Action::EventScheduled, at, Record::Event(Box::new(event)))?;
        Ok(id)
    }

    fn update_event(
        &mut self,
        id: EventId,
        at: DateTime<Utc>,
        edit: impl FnOnce(&mut Event, &Book) -> Result<(), Error>,
    ) -> Result<Vec<RegistrationId>, Error> {
        let mut e = self.event_checked(id)?.clone();
        if !e.state.is_upcoming() {
            return Err(StateError::EventOver.into());
        }
        edit(&mut e, self.books.get(&id).unwrap_or(&EMPTY_BOOK))?;
        self.check_event(&e)?;
        self.commit_within_limits(Action::EventUpdated, at, Record::Event(Box::new(e)))?;
        Ok(self.promote(id, at))
    }

    /// Changes the seat capacity; growing it promotes waiting registrations,
    /// which are returned in order. It cannot go below the seats confirmed.
    pub fn set_capacity(
        &mut self,
        id: EventId,
        capacity: u32,
        at: DateTime<Utc>,
    ) -> Result<Vec<RegistrationId>, Error> {
        self.update_event(id, at, |e, book| {
            if capacity < book.on_site {
                return Err(StateError::CapacityBelowConfirmed {
                    confirmed: book.on_site,
                    requested: capacity,
                }
                .into());
            }
            e.capacity = capacity;
            Ok(())
        })
    }

    /// Sets (`Some`) or removes (`None`) an audience's quota; returns the
    /// registrations promoted as a result.
    pub fn set_quota(
        &mut self,
        id: EventId,
        audience: &str,
        quota: Option<u32>,
        at: DateTime<Utc>,
    ) -> Result<Vec<RegistrationId>, Error> {
        let audience = audience.to_string();
        self.update_event(id, at, |e, book| {
            match quota {
                Some(q) => {
                    let confirmed = book.audience_seats(&Some(audience.as_str().into()));
                    if q < confirmed {
                        return Err(StateError::QuotaBelowConfirmed {
                            audience,
                            confirmed,
                            requested: q,
                        }
                        .into());
                    }
                    e.quotas.insert(audience, q);
                }
                None => {
                    e.quotas.remove(&audience);
                }
            }
            Ok(())
        })
    }

    /// Replaces the program.
    pub fn set_program(
        &mut self,
        id: EventId,
        program: Vec<ProgramItem>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.update_event(id, at, |e, _| {
            e.program = program;
            Ok(())
        })
        .map(drop)
    }

    /// Sets or removes the venue.
    pub fn set_venue(
        &mut self,
        id: EventId,
        venue: Option<Venue>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.update_event(id, at, |e, _| {
            e.venue = venue;
            Ok(())
        })
        .map(drop)
    }

    /// Sets or removes the remote broadcast; it cannot drop below the remote
    /// places already confirmed.
    pub fn set_remote(
        &mut self,
        id: EventId,
        remote: Option<RemoteBroadcast>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.update_event(id, at, |e, book| {
            let room = remote
                .as_ref()
                .map(|r| r.capacity.unwrap_or(u32::MAX))
                .unwrap_or(0);
            if book.remote > room {
                return Err(StateError::RemoteInUse {
                    remote: book.remote,
                }
                .into());
            }
            e.remote = remote;
            Ok(())
        })
        .map(drop)
    }

    /// Sets the registration window.
    pub fn set_registration_window(
        &mut self,
        id: EventId,
        opens_at: Option<DateTime<Utc>>,
        closes_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.update_event(id, at, |e, _| {
            e.registration_opens_at = opens_at;
            e.registration_closes_at = closes_at;
            Ok(())
        })
        .map(drop)
    }

    fn transition(
        &mut self,
        id: EventId,
        to: EventState,
        at: DateTime<Utc>,
        report: Option<Report>,
    ) -> Result<(), Error> {
        let mut e = self.event_checked(id)?.clone();
        if !e.state.can_become(to) {
            return Err(StateError::EventTransition { from: e.state, to }.into());
        }
        if to == EventState::Held && at < e.schedule.starts_at {
            return Err(StateError::EventNotStarted.into());
        }
        e.state = to;
        if report.is_some() {
            e.report = report;
        }
        self.commit_within_limits(Action::EventStateChanged, at, Record::Event(Box::new(e)))
    }

    /// Opens a draft (or re-opens a closed) event for registration.
    pub fn open_registration(&mut self, id: EventId, at: DateTime<Utc>) -> Result<(), Error> {
        self.transition(id, EventState::Open, at, None)
    }

    /// Closes registration. The waiting list still moves on cancellations.
    pub fn close_registration(&mut self, id: EventId, at: DateTime<Utc>) -> Result<(), Error> {
        self.transition(id, EventState::Closed, at, None)
    }

    /// Marks the event as held (not before it starts). Confirmed registrants
    /// who did not check in are then no-shows.
    pub fn mark_held(&mut self, id: EventId, at: DateTime<Utc>) -> Result<(), Error> {
        self.transition(id, EventState::Held, at, None)
    }

    /// Publishes the compte-rendu of a held event.
    pub fn publish_report(
        &mut self,
        id: EventId,
        summary: &str,
        resources: Vec<Resource>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.check_long_text("summary", summary)?;
        for r in &resources {
            self.check_text("resource.title", &r.title)?;
            self.check_text("resource.url", &r.url)?;
        }
        let report = Report {
            summary: summary.to_string(),
            resources,
            published_at: at,
        };
        self.transition(id, EventState::Reported, at, Some(report))
    }

    /// Cancels an event that has not been held.
    pub fn cancel_event(&mut self, id: EventId, at: DateTime<Utc>) -> Result<(), Error> {
        self.transition(id, EventState::Cancelled, at, None)
    }

    // ----- registrations --------------------------------------------------------

    /// A registration by identifier.
    pub fn registration(&self, id: RegistrationId) -> Option<&Registration> {
        self.registrations.get(&id)
    }

    /// Every registration of an event (including cancelled ones), in order of arrival.
    pub fn registrations(&self, event: EventId) -> impl Iterator<Item = &Registration> + '_ {
        self.registrations
            .values()
            .filter(move |r| r.event == event)
    }

    /// Every registration of the community, in order of arrival.
    pub fn all_registrations(&self) -> impl Iterator<Item = &Registration> + '_ {
        self.registrations.values()
    }

    /// The waiting list of an event, in promotion order (order of arrival).
    pub fn waiting_list(&self, event: EventId) -> Vec<RegistrationId> {
        let mut ids: Vec<_> = self
            .books
            .get(&event)
            .map(|b| b.waiting.values().flatten().copied().collect())
            .unwrap_or_default();
        ids.sort_unstable();
        ids
    }

    /// The confirmed registrations of an event (on site and remote), in order.
    pub fn confirmed(&self, event: EventId) -> Vec<&Registration> {
        self.registrations(event)
            .filter(|r| r.status == RegistrationStatus::Confirmed)
            .collect()
    }

    /// How full an event is.
    pub fn occupancy(&self, event: EventId) -> Result<Occupancy, Error> {
        let e = self.event_checked(event)?;
        let book = self.books.get(&event).unwrap_or(&EMPTY_BOOK);
        Ok(Occupancy {
            capacity: e.capacity,
            on_site: book.on_site,
            remote: book.remote,
            waiting: u32::try_from(book.waiting_len()).unwrap_or(u32::MAX),
            on_site_by_audience: book
                .on_site_by_audience
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(a, n)| (a.as_deref().unwrap_or_default().to_string(), *n))
                .collect(),
        })
    }

    /// The request's fields, trimmed, in [`Field::ALL`]'s order, once checked.
    fn check_fields<'r>(&self, req: &'r RegistrationRequest) -> Result<[&'r str; 5], Refusal> {
        let policy = &self.statutes.policy;
        let values = Field::ALL.map(|field| trim(req.field(field)));
        for (field, value) in Field::ALL.into_iter().zip(values) {
            let chars = if is_printable_ascii(value) {
                value.len()
            } else {
                match crate::address::scan_text(value) {
                    (true, _) => return Err(Refusal::InvalidField { field }),
                    (false, chars) => chars,
                }
            };
            if chars > policy.max_field_chars as usize {
                return Err(Refusal::FieldTooLong {
                    field,
                    max: policy.max_field_chars,
                });
            }
            if value.is_empty() && policy.required_fields.contains(&field) {
                return Err(Refusal::MissingField { field });
            }
        }
        if policy.require_acknowledgement
            && let Some(o) = self.rules.unacknowledged(&req.acknowledged)
        {
            return Err(Refusal::ObligationNotAcknowledged {
                obligation: o.to_string(),
            });
        }
        Ok(values)
    }

    fn check_window(event: &Event, at: DateTime<Utc>) -> Result<(), Refusal> {
        match event.state {
            EventState::Cancelled => Err(Refusal::EventCancelled),
            EventState::Draft => Err(Refusal::NotOpenYet {
                opens_at: event.registration_opens_at,
            }),
            EventState::Closed | EventState::Held | EventState::Reported => {
                Err(Refusal::RegistrationClosed)
            }
            EventState::Open => {
                if event.registration_opens_at.is_some_and(|o| at < o) {
                    Err(Refusal::NotOpenYet {
                        opens_at: event.registration_opens_at,
                    })
                } else if at >= event.registration_deadline() {
                    Err(Refusal::RegistrationClosed)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Judges a registration request arriving at `at`.
    ///
    /// In order: the address must be valid and allowed; a person who already
    /// holds a live registration for the event gets it back (idempotence); the
    /// event must be open and inside its window; fields must be present, not too
    /// long and free of control characters; obligations must be acknowledged.
    /// Then the request gets a seat if its audience has room, else (when it
    /// accepts remote attendance) a remote place while waiting for a seat, else
    /// a place in the waiting list, else it is refused as full.
    ///
    /// Registering makes (or refreshes) the person a member *de fait*.
    pub fn register(
        &mut self,
        event: EventId,
        req: &RegistrationRequest,
        at: DateTime<Utc>,
    ) -> Result<RegistrationOutcome, Error> {
        // The events alone are borrowed: the interner is used while `ev` is held.
        let ev = event_in(&self.events, event)?;
        let email =
            EmailAddress::parse(&req.email).map_err(|reason| Refusal::InvalidAddress { reason })?;
        let Some(audience) = self.rules.admit(&email).map(Option::<&Text>::cloned) else {
            let allowed = self
                .statutes
                .policy
                .allowed
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Refusal::AddressNotAllowed { allowed }.into());
        };
        let found = self.members.lookup(email.as_str());
        if let Some(mid) = found.member
            && let Some(rid) = self.books.get(&event).and_then(|b| b.live.get(&mid))
        {
            return Ok(RegistrationOutcome {
                registration: self.registrations[rid].clone(),
                already_registered: true,
            });
        }
        Self::check_window(ev, at)?;
        let values = self.check_fields(req)?;

        let book = self.books.get(&event).unwrap_or(&EMPTY_BOOK);
        let room = book.has_room(ev, &audience);
        let remote_room = book.remote_has_room(ev);
        let (status, seat, waiting) = match req.attendance {
            AttendanceMode::OnSite => {
                if room {
                    (RegistrationStatus::Confirmed, Some(Seat::OnSite), false)
                } else if ev.waitlist {
                    (RegistrationStatus::Waitlisted, None, true)
                } else {
                    return Err(Refusal::EventFull.into());
                }
            }
            AttendanceMode::Remote => {
                if ev.remote.is_none() {
                    return Err(Refusal::RemoteUnavailable.into());
                }
                if !remote_room {
                    return Err(Refusal::RemoteFull.into());
                }
                (RegistrationStatus::Confirmed, Some(Seat::Remote), false)
            }
            AttendanceMode::OnSiteOrRemote => {
                if room {
                    (RegistrationStatus::Confirmed, Some(Seat::OnSite), false)
                } else if remote_room {
                    (
                        RegistrationStatus::Confirmed,
                        Some(Seat::Remote),
                        ev.waitlist,
                    )
                } else if ev.waitlist {
                    (RegistrationStatus::Waitlisted, None, true)
                } else {
                    return Err(Refusal::EventFull.into());
                }
            }
        };

        // Membership de fait: create or refresh.
        let texts = &mut self.members.interner;
        let fields = values.map(|value| texts.intern(value));
        let member_id = self.participate(found, email, at, |member| {
            let [family, given, service, grade, function] = fields;
            member.family_name = family;
            member.given_name = given;
            member.service = service;
            member.grade = grade;
            member.function = function;
        });

        let registration = Registration {
            id: RegistrationId::new(self.next.registration),
            event,
            member: member_id,
            audience,
            mode: req.attendance,
            requested_at: at,
            status,
            seat,
            waiting_for_seat: waiting,
            confirmed_at: (status == RegistrationStatus::Confirmed).then_some(at),
            promoted_at: None,
            cancelled_at: None,
            checked_in_at: None,
        };
        self.commit_registration(Action::Registered, at, registration.clone());
        Ok(RegistrationOutcome {
            registration,
            already_registered: false,
        })
    }

    /// Judges a batch of requests for one event, in order, all at `at`.
    pub fn register_many(
        &mut self,
        event: EventId,
        requests: &[RegistrationRequest],
        at: DateTime<Utc>,
    ) -> Vec<Result<RegistrationOutcome, Error>> {
        requests
            .iter()
            .map(|r| self.register(event, r, at))
            .collect()
    }

    /// Promotes waiting registrations while their audience has room.
    fn promote(&mut self, event: EventId, at: DateTime<Utc>) -> Vec<RegistrationId> {
        let mut promoted = Vec::new();
        while let Some(next) = self
            .events
            .get(&event)
            .and_then(|ev| self.books.get(&event).and_then(|b| b.next_promotion(ev)))
        {
            let mut r = self.registrations[&next].clone();
            r.status = RegistrationStatus::Confirmed;
            r.seat = Some(Seat::OnSite);
            r.waiting_for_seat = false;
            r.promoted_at = Some(at);
            if r.confirmed_at.is_none() {
                r.confirmed_at = Some(at);
            }
            self.commit_registration(Action::Promoted, at, r);
            promoted.push(next);
        }
        promoted
    }

    /// Cancels a registration (by the registrant) at `at`; the seat goes to the
    /// earliest waiting registration whose audience has room. Cancelling an
    /// already cancelled registration changes nothing and answers the same.
    pub fn cancel_registration(
        &mut self,
        id: RegistrationId,
        at: DateTime<Utc>,
    ) -> Result<Cancellation, Error> {
        let r = self
            .registrations
            .get(&id)
            .ok_or_else(|| Error::not_found(Entity::Registration, id.get()))?;
        if !r.is_live() {
            return Ok(Cancellation {
                registration: r.clone(),
                promoted: Vec::new(),
            });
        }
        let ev = self.event_checked(r.event)?;
        if !ev.state.is_upcoming() {
            return Err(StateError::EventOver.into());
        }
        let event = r.event;
        let mut r = r.clone();
        r.status = RegistrationStatus::Cancelled;
        r.seat = None;
        r.waiting_for_seat = false;
        r.cancelled_at = Some(at);
        self.commit_registration(Action::Cancelled, at, r.clone());
        let promoted = self.promote(event, at);
        Ok(Cancellation {
            registration: r,
            promoted,
        })
    }

    /// Checks a confirmed registrant in at `at` (on site or remote). Checking
    /// in twice keeps the first time.
    pub fn check_in(
        &mut self,
        id: RegistrationId,
        at: DateTime<Utc>,
    ) -> Result<Registration, Error> {
        let r = self
            .registrations
            .get(&id)
            .ok_or_else(|| Error::not_found(Entity::Registration, id.get()))?;
        match r.status {
            RegistrationStatus::Cancelled => return Err(StateError::RegistrationCancelled.into()),
            RegistrationStatus::Waitlisted => return Err(StateError::NotConfirmed.into()),
            _ => {}
        }
        let ev = self.event_checked(r.event)?;
        if !matches!(ev.state, EventState::Open | EventState::Closed) {
            return Err(StateError::CheckInNotPossible.into());
        }
        if r.checked_in_at.is_some() {
            return Ok(r.clone());
        }
        let mut r = r.clone();
        r.checked_in_at = Some(at);
        let mut m = self.members[&r.member].clone();
        m.record_participation(at);
        self.commit_registration(Action::CheckedIn, at, r.clone());
        self.commit_member(Action::MemberUpdated, at, m, None);
        Ok(r)
    }

    // ----- serialization --------------------------------------------------------

    /// The whole state as a versioned JSON document.
    ///
    /// ```
    /// let c = cimi_core::Community::cimi();
    /// let back = cimi_core::Community::from_json(&c.to_json())?;
    /// assert_eq!(back, c);
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(&DocumentRef {
            format: COMMUNITY_FORMAT,
            version: COMMUNITY_FORMAT_VERSION,
            next_ids: self.next,
            statutes: &self.statutes,
            members: self.members.values().collect(),
            events: self.events.values().collect(),
            registrations: self.registrations.values().collect(),
            help_requests: self.help.values().collect(),
            watch_items: self.watch.values().collect(),
        })
        .expect("a community always serializes")
    }

    /// Loads a document written by [`to_json`](Self::to_json). A document of
    /// another format or version, or one that describes an impossible community
    /// (over capacity or quota, one person twice, unknown references, colliding
    /// identifiers, a seat left free while a request waits), is refused with an error that
    /// says where; nothing is half-loaded.
    pub fn from_json(text: &str) -> Result<Community, Error> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(FormatError::TooLarge {
                limit: MAX_DOCUMENT_BYTES,
            }
            .into());
        }
        let header: Header =
            serde_json::from_str(text).map_err(|e| FormatError::Syntax(e.to_string()))?;
        if header.format.as_deref() != Some(COMMUNITY_FORMAT) {
            return Err(FormatError::WrongFormat {
                expected: COMMUNITY_FORMAT,
            }
            .into());
        }
        match header.version {
            Some(COMMUNITY_FORMAT_VERSION) => {}
            Some(found) => {
                return Err(FormatError::UnsupportedVersion {
                    found,
                    supported: COMMUNITY_FORMAT_VERSION,
                }
                .into());
            }
            None => return Err(FormatError::Syntax("missing \"version\"".into()).into()),
        }
        let doc: Document =
            serde_json::from_str(text).map_err(|e| FormatError::Syntax(e.to_string()))?;
        Community::from_document(doc)
    }

    fn from_document(doc: Document) -> Result<Community, Error> {
        let bad = |location: String, problem: String| -> Error {
            FormatError::Inconsistent { location, problem }.into()
        };
        within_limits("statutes", &doc.statutes)?;
        doc.statutes.validate()?;
        let mut c = Community::new(doc.statutes)?;
        c.members.reserve(doc.members.len());
        for (i, m) in doc.members.into_iter().enumerate() {
            let loc = format!("members[{i}]");
            within_limits(&loc, &m)?;
            if let Some(field) = member_text_problem(&m) {
                return Err(bad(
                    format!("{loc}.{field}"),
                    "control or invisible characters".into(),
                ));
            }
            if m.id.get() >= doc.next_ids.member {
                return Err(bad(
                    loc,
                    format!("identifier {} is not below next_ids.member", m.id),
                ));
            }
            if c.members.contains_key(&m.id) {
                return Err(bad(loc, format!("identifier {} appears twice", m.id)));
            }
            if !m.is_erased() && c.members.by_address(m.email.as_str()).is_some() {
                return Err(bad(loc, "two members share one address".into()));
            }
            c.commit(
                Action::MemberAdded,
                m.joined_at,
                Record::Member(Box::new(m)),
            );
        }
        for (i, e) in doc.events.into_iter().enumerate() {
            let loc = format!("events[{i}]");
            within_limits(&loc, &e)?;
            if e.id.get() >= doc.next_ids.event {
                return Err(bad(
                    loc,
                    format!("identifier {} is not below next_ids.event", e.id),
                ));
            }
            if c.events.contains_key(&e.id) {
                return Err(bad(loc, format!("identifier {} appears twice", e.id)));
            }
            if e.schedule.ends_at <= e.schedule.starts_at {
                return Err(bad(loc, "the event ends before it starts".into()));
            }
            c.check_event(&e)
                .map_err(|err| bad(format!("events[{i}]"), err.to_string()))?;
            c.commit(
                Action::EventScheduled,
                e.created_at,
                Record::Event(Box::new(e)),
            );
        }
        for (i, r) in doc.registrations.into_iter().enumerate() {
            let loc = format!("registrations[{i}]");
            within_limits(&loc, &r)?;
            if r.id.get() >= doc.next_ids.registration {
                return Err(bad(
                    loc,
                    format!("identifier {} is not below next_ids.registration", r.id),
                ));
            }
            if c.registrations.contains_key(&r.id) {
                return Err(bad(loc, format!("identifier {} appears twice", r.id)));
            }
            check_registration_shape(&r).map_err(|p| bad(loc.clone(), p))?;
            // A registration records what the statutes of its time allowed:
            // neither the policy nor the audiences of today's statutes apply
            // to it (see `replace_statutes`).
            if !c.members.contains_key(&r.member) {
                return Err(bad(loc, format!("unknown member {}", r.member)));
            }
            let event = c
                .events
                .get(&r.event)
                .ok_or_else(|| bad(loc.clone(), format!("unknown event {}", r.event)))?;
            if r.seat == Some(Seat::Remote) && event.remote.is_none() {
                return Err(bad(
                    loc,
                    "a remote place for an event without broadcast".into(),
                ));
            }
            let book = c.books.entry(r.event).or_default();
            if r.is_live() && book.live.contains_key(&r.member) {
                return Err(bad(
                    loc,
                    format!("member {} registered twice for event {}", r.member, r.event),
                ));
            }
            c.commit(
                Action::Registered,
                r.requested_at,
                Record::Registration(Box::new(r)),
            );
        }
        for (i, h) in doc.help_requests.into_iter().enumerate() {
            let loc = format!("help_requests[{i}]");
            within_limits(&loc, &h)?;
            if h.id.get() >= doc.next_ids.help {
                return Err(bad(
                    loc,
                    format!("identifier {} is not below next_ids.help", h.id),
                ));
            }
            if c.help.contains_key(&h.id) {
                return Err(bad(loc, format!("identifier {} appears twice", h.id)));
            }
            c.check_change(&Record::HelpRequest(Box::new(h.clone())))
                .map_err(|e| bad(loc, e.to_string()))?;
            let at = h.asked_at();
            c.commit(Action::HelpAsked, at, Record::HelpRequest(Box::new(h)));
        }
        for (i, w) in doc.watch_items.into_iter().enumerate() {
            let loc = format!("watch_items[{i}]");
            within_limits(&loc, &w)?;
            if w.id.get() >= doc.next_ids.watch {
                return Err(bad(
                    loc,
                    format!("identifier {} is not below next_ids.watch", w.id),
                ));
            }
            if c.watch.contains_key(&w.id) {
                return Err(bad(loc, format!("identifier {} appears twice", w.id)));
            }
            let at = w.shared_at;
            let record = Record::WatchItem(Box::new(w));
            c.check_change(&record)
                .map_err(|e| bad(loc, e.to_string()))?;
            c.commit(Action::WatchShared, at, record);
        }
        c.check_books()
            .map_err(|(id, p)| bad(format!("event {id}"), p))?;
        c.next = doc.next_ids;
        Ok(c)
    }

    /// Checks every event's bookkeeping against its capacity, quotas and
    /// remote places, and that no seat is left free while a request waits:
    /// what holds between operations.
    pub(crate) fn check_books(&self) -> Result<(), (EventId, String)> {
        for (id, e) in &self.events {
            let book = self.books.get(id).unwrap_or(&EMPTY_BOOK);
            check_book(e, book, true).map_err(|p| (*id, p))?;
        }
        Ok(())
    }

    /// Checks every invariant of the registration engine; used by tests and
    /// fuzzing. Returns a description of the first broken invariant.
    ///
    /// ```
    /// assert!(cimi_core::Community::cimi().check_invariants().is_ok());
    /// ```
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut rebuilt: HashMap<EventId, Book> = HashMap::new();
        for r in self.registrations.values() {
            let book = rebuilt.entry(r.event).or_default();
            if r.is_live() && book.live.contains_key(&r.member) {
                return Err(format!(
                    "member {} holds two live registrations for {}",
                    r.member, r.event
                ));
            }
            check_registration_shape(r)?;
            book.add(r);
        }
        for (id, e) in &self.events {
            let book = rebuilt.remove(id).unwrap_or_default();
            check_book(e, &book, true)?;
            let kept = self.books.get(id).cloned().unwrap_or_default();
            if kept.on_site != book.on_site
                || kept.remote != book.remote
                || kept.live != book.live
                || kept.waiting != book.waiting
            {
                return Err(format!("bookkeeping of {id} out of date"));
            }
        }
        if !rebuilt.is_empty() {
            return Err("registrations for unknown events".into());
        }
        Ok(())
    }
}

fn check_registration_shape(r: &Registration) -> Result<(), String> {
    let ok = match r.status {
        RegistrationStatus::Confirmed => {
            r.seat.is_some() && (!r.waiting_for_seat || r.seat == Some(Seat::Remote))
        }
        RegistrationStatus::Waitlisted => r.seat.is_none() && r.waiting_for_seat,
        RegistrationStatus::Cancelled => r.seat.is_none() && !r.waiting_for_seat,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "registration {} has an impossible status/seat/waiting combination",
            r.id
        ))
    }
}

/// Checks capacity, quotas and remote places; with `settled`, also that no seat
/// is left free while an eligible request waits (which holds between
/// operations, not between the changes of one operation).
fn check_book(e: &Event, book: &Book, settled: bool) -> Result<(), String> {
    if book.on_site > e.capacity {
        return Err(format!(
            "event {} has {} seats taken for a capacity of {}",
            e.id, book.on_site, e.capacity
        ));
    }
    for (aud, n) in &book.on_site_by_audience {
        if let Some(q) = e.quota(aud.as_deref())
            && *n > q
        {
            return Err(format!(
                "event {} has {n} seats taken by audience '{}' for a quota of {q}",
                e.id,
                aud.as_deref().unwrap_or("")
            ));
        }
    }
    if e.remote.is_none() && book.remote > 0 {
        return Err(format!(
            "event {} holds remote places but is not broadcast",
            e.id
        ));
    }
    if let Some(cap) = e.remote.as_ref().and_then(|r| r.capacity)
        && book.remote > cap
    {
        return Err(format!(
            "event {} has more remote places taken than allowed",
            e.id
        ));
    }
    if settled
        && e.state.is_upcoming()
        && let Some(r) = book.next_promotion(e)
    {
        return Err(format!("event {} leaves a seat free while {r} waits", e.id));
    }
    Ok(())
}

#[derive(Serialize)]
struct DocumentRef<'a> {
    format: &'static str,
    version: u32,
    next_ids: NextIds,
    statutes: &'a Statutes,
    members: Vec<&'a Member>,
    events: Vec<&'a Event>,
    registrations: Vec<&'a Registration>,
    help_requests: Vec<&'a HelpRequest>,
    watch_items: Vec<&'a WatchItem>,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

#[derive(Deserialize)]
struct Document {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u32,
    next_ids: NextIds,
    statutes: Statutes,
    members: Vec<Member>,
    events: Vec<Event>,
    registrations: Vec<Registration>,
    #[serde(default)]
    help_requests: Vec<HelpRequest>,
    #[serde(default)]
    watch_items: Vec<WatchItem>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shortcuts of the registration path answer as the general tests do.
        #[test]
        fn text_shortcuts_agree(s in "([ -~]|\\s|\\PC|[\\u{0}-\\u{20}\\u{85}\\u{a0}])*") {
            prop_assert_eq!(trim(&s), s.trim());
            prop_assert_eq!(
                is_printable_ascii(&s),
                s.bytes().all(|b| (0x20..0x7f).contains(&b))
            );
            if is_printable_ascii(&s) {
                prop_assert!(!s.chars().any(crate::address::is_control_or_invisible));
                prop_assert_eq!(s.len(), s.chars().count());
            }
        }
    }
}
