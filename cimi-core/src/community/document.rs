//! The community as one versioned JSON document: writing it, and loading it with the
//! same checks as a replayed change.

use serde::{Deserialize, Serialize};

use super::*;
use crate::change::{Action, Record};
use crate::error::{Error, FormatError};
use crate::event::Event;
use crate::help::HelpRequest;
use crate::member::Member;
use crate::registration::Registration;
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
        within_limits("statutes", &doc.statutes)?;
        doc.statutes.validate()?;
        let next = doc.next_ids;
        let mut c = Community::new(doc.statutes)?;
        c.members.reserve(doc.members.len());
        for (i, m) in doc.members.into_iter().enumerate() {
            let loc = format!("members[{i}]");
            fresh_id(
                &loc,
                m.id.get(),
                next.member,
                "member",
                c.members.contains_key(&m.id),
            )?;
            let at = m.joined_at;
            c.load(&loc, Action::MemberAdded, at, Record::Member(Box::new(m)))?;
        }
        for (i, e) in doc.events.into_iter().enumerate() {
            let loc = format!("events[{i}]");
            fresh_id(
                &loc,
                e.id.get(),
                next.event,
                "event",
                c.events.contains_key(&e.id),
            )?;
            let at = e.created_at;
            c.load(&loc, Action::EventScheduled, at, Record::Event(Box::new(e)))?;
        }
        for (i, r) in doc.registrations.into_iter().enumerate() {
            // A registration records what the statutes of its time allowed:
            // neither the policy nor the audiences of today's statutes apply
            // to it (see `replace_statutes`).
            let loc = format!("registrations[{i}]");
            let taken = c.registrations.contains_key(&r.id);
            fresh_id(&loc, r.id.get(), next.registration, "registration", taken)?;
            let at = r.requested_at;
            c.load(
                &loc,
                Action::Registered,
                at,
                Record::Registration(Box::new(r)),
            )?;
        }
        for (i, h) in doc.help_requests.into_iter().enumerate() {
            let loc = format!("help_requests[{i}]");
            fresh_id(
                &loc,
                h.id.get(),
                next.help,
                "help",
                c.help.contains_key(&h.id),
            )?;
            let at = h.asked_at();
            c.load(
                &loc,
                Action::HelpAsked,
                at,
                Record::HelpRequest(Box::new(h)),
            )?;
        }
        for (i, w) in doc.watch_items.into_iter().enumerate() {
            let loc = format!("watch_items[{i}]");
            fresh_id(
                &loc,
                w.id.get(),
                next.watch,
                "watch",
                c.watch.contains_key(&w.id),
            )?;
            let at = w.shared_at;
            c.load(
                &loc,
                Action::WatchShared,
                at,
                Record::WatchItem(Box::new(w)),
            )?;
        }
        c.check_books()
            .map_err(|(id, problem)| FormatError::Inconsistent {
                location: format!("event {id}"),
                problem,
            })?;
        c.next = next;
        Ok(c)
    }

    /// Checks a record of a document (as a replayed change is checked) and
    /// commits it; problems are reported at `location`.
    fn load(
        &mut self,
        location: &str,
        action: Action,
        at: DateTime<Utc>,
        record: Record,
    ) -> Result<(), Error> {
        self.check_record(&record)
            .map_err(|e| located(e, location))?;
        self.commit(action, at, record);
        Ok(())
    }
}

/// Refuses a document record whose identifier is taken or not below the
/// document's next identifier of its kind.
fn fresh_id(location: &str, id: u64, next: u64, kind: &str, taken: bool) -> Result<(), Error> {
    let problem = if id >= next {
        format!("identifier {id} is not below next_ids.{kind}")
    } else if taken {
        format!("identifier {id} appears twice")
    } else {
        return Ok(());
    };
    Err(FormatError::Inconsistent {
        location: location.to_string(),
        problem,
    }
    .into())
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
