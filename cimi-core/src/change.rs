//! Recorded state changes (domain events).
//!
//! Every operation of a [`Community`](crate::Community) that changes its state
//! does so by applying one or more [`Change`]s: what happened
//! ([`Action`]), when, and the new version of the record it touched. Replaying
//! the same changes on the same starting state gives the same state, which is
//! what a journal needs.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use cimi_core::{Community, change::Action};
//! let t = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
//! let mut c = Community::cimi();
//! c.set_recording(true);
//! c.add_member("ada@interieur.gouv.fr", Default::default(), t)?;
//! let changes = c.drain_changes();
//! assert_eq!(changes[0].action, Action::MemberAdded);
//!
//! let mut replica = Community::cimi();
//! for ch in &changes { replica.apply(ch.clone())?; }
//! assert_eq!(replica, c);
//! # Ok::<(), cimi_core::Error>(())
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::help::HelpRequest;
use crate::member::Member;
use crate::registration::Registration;
use crate::statutes::Statutes;
use crate::watch::WatchItem;

/// What happened.
///
/// ```
/// assert_eq!(cimi_core::change::Action::Promoted.kind(), "promoted");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// The statutes were replaced.
    StatutesReplaced,
    /// A member was added to the directory.
    MemberAdded,
    /// A member's profile, consents or role changed, or a participation was recorded.
    MemberUpdated,
    /// An event was scheduled.
    EventScheduled,
    /// An event's details changed (program, capacity, quotas, venue…).
    EventUpdated,
    /// An event moved in its lifecycle.
    EventStateChanged,
    /// A registration was accepted (confirmed or waiting).
    Registered,
    /// A registration was cancelled.
    Cancelled,
    /// A waiting registration got a seat.
    Promoted,
    /// A registrant checked in.
    CheckedIn,
    /// An organiser approved a pending registration (a moderated event).
    Approved,
    /// An organiser rejected a pending registration, with a reason.
    Rejected,
    /// A freed seat was offered to a waiting registration, until a deadline.
    OfferMade,
    /// The person accepted the seat offered.
    OfferAccepted,
    /// The person declined the seat offered.
    OfferDeclined,
    /// An offer's deadline passed unanswered.
    OfferExpired,
    /// Someone asked for help.
    HelpAsked,
    /// A help request was referred to members.
    HelpReferred,
    /// A help request was resolved.
    HelpResolved,
    /// A help request was closed.
    HelpClosed,
    /// A member's personal data was erased.
    MemberErased,
    /// The texts of a help request were erased with its asker's data.
    HelpErased,
    /// A watch item was shared.
    WatchShared,
    /// A watch item was published on a channel.
    WatchPublished,
}

impl Action {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            Action::StatutesReplaced => "statutes_replaced",
            Action::MemberAdded => "member_added",
            Action::MemberUpdated => "member_updated",
            Action::EventScheduled => "event_scheduled",
            Action::EventUpdated => "event_updated",
            Action::EventStateChanged => "event_state_changed",
            Action::Registered => "registered",
            Action::Cancelled => "cancelled",
            Action::Promoted => "promoted",
            Action::CheckedIn => "checked_in",
            Action::Approved => "approved",
            Action::Rejected => "rejected",
            Action::OfferMade => "offer_made",
            Action::OfferAccepted => "offer_accepted",
            Action::OfferDeclined => "offer_declined",
            Action::OfferExpired => "offer_expired",
            Action::HelpAsked => "help_asked",
            Action::HelpReferred => "help_referred",
            Action::HelpResolved => "help_resolved",
            Action::HelpClosed => "help_closed",
            Action::MemberErased => "member_erased",
            Action::HelpErased => "help_erased",
            Action::WatchShared => "watch_shared",
            Action::WatchPublished => "watch_published",
        }
    }
}

/// The new version of the record a change touched.
///
/// ```
/// # use cimi_core::change::Record;
/// # fn f(r: &Record) -> &'static str {
/// match r { Record::Member(_) => "member", _ => "other" }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Record {
    /// Statutes.
    Statutes(Box<Statutes>),
    /// A member.
    Member(Box<Member>),
    /// An event.
    Event(Box<Event>),
    /// A registration.
    Registration(Box<Registration>),
    /// A help request.
    HelpRequest(Box<HelpRequest>),
    /// A watch item.
    WatchItem(Box<WatchItem>),
}

/// One recorded state change.
///
/// ```
/// # use cimi_core::change::Change;
/// # fn f(c: &Change) { let _ = (c.action.kind(), c.at); }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// What happened.
    pub action: Action,
    /// When (the instant the operation was given).
    pub at: DateTime<Utc>,
    /// The record's new version.
    pub record: Record,
}
