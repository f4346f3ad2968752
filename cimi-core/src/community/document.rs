//! The community as one versioned JSON document: writing it, and loading it with the
//! same checks as a replayed change.

use serde::{Deserialize, Serialize};

use super::*;
use crate::change::{Action, Record};
use crate::error::{Error, FormatError};
use crate::event::Event;
use crate::help::HelpRequest;
use crate::member::Member;
use crate::registration::{Registration, Seat};
use crate::statutes::Statutes;
use crate::watch::WatchItem;

impl Community {
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

    pub(super) fn from_document(doc: Document) -> Result<Community, Error> {
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
}

#[derive(Serialize)]
pub(super) struct DocumentRef<'a> {
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
pub(super) struct Header {
    format: Option<String>,
    version: Option<u32>,
}

#[derive(Deserialize)]
pub(super) struct Document {
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
