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

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::change::{Action, Change, Record};
use crate::directory::Directory;
use crate::error::{Error, StateError};
use crate::event::Event;
use crate::help::{HelpRequest, HelpRequestId};
use crate::ids::{EventId, MemberId, RegistrationId};
use crate::registration::Registration;
use crate::statutes::Statutes;
use crate::table::IdTable;
use crate::watch::{WatchItem, WatchItemId};
use help::SkillIndex;
use rules::RegistrationRules;

mod book;
mod document;
mod events;
mod help;
mod invariants;
mod ledger;
mod members;
mod registrations;
mod rules;
#[cfg(test)]
mod tests;
mod validate;
mod watch;

pub use crate::member::MemberProfile;
pub(crate) use book::FastMap;
use book::{Book, EMPTY_BOOK};
pub use events::ReportAttendees;
use invariants::*;
pub(crate) use ledger::Ledger;
pub use registrations::{Cancellation, Occupancy, OfferRound, RegistrationOutcome};
use validate::*;

/// Current format version of [`Community::to_json`] documents.
pub const COMMUNITY_FORMAT_VERSION: u32 = 1;
const COMMUNITY_FORMAT: &str = "cimi.community";
pub use crate::limits::{MAX_CAPACITY, MAX_DOCUMENT_BYTES, MAX_SUMMARY_CHARS};

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
    statutes: Statutes,
    /// The statutes' registration rules, compiled; follows every change of
    /// statutes.
    rules: RegistrationRules,
    members: Directory,
    events: BTreeMap<EventId, Event>,
    registrations: IdTable<Registration>,
    help: BTreeMap<HelpRequestId, HelpRequest>,
    watch: BTreeMap<WatchItemId, WatchItem>,
    books: FastMap<EventId, Book>,
    skills: SkillIndex,
    next: NextIds,
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
    /// An upcoming event's quotas and admitted audiences, though, must name audiences of the new
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
            if let Some(aud) = e
                .quotas
                .keys()
                .chain(&e.admission.audiences)
                .find(|a| statutes.audience(a).is_none())
            {
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
}
