//! GDPR on the community's state: subject access (everything held about a
//! person) and the statutes' retention rule. Erasure is
//! [`Community::erase_member`]; removing an erased person from the records
//! kept for the audit trail is [`Store::compact`](crate::store::Store::compact).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use crate::community::Community;
use crate::error::Error;
use crate::ids::MemberId;

impl Community {
    /// Everything the community holds about a member, as a JSON value.
    ///
    /// ```
    /// let mut c = cimi_core::Community::cimi();
    /// let t = chrono::Utc::now();
    /// let id = c.add_member("ada@interieur.gouv.fr", Default::default(), t)?;
    /// let doc = c.subject_access(id, t)?;
    /// assert_eq!(doc["member"]["email"], "ada@interieur.gouv.fr");
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn subject_access(
        &self,
        id: MemberId,
        now: DateTime<Utc>,
    ) -> Result<serde_json::Value, Error> {
        let m = self
            .member(id)
            .ok_or_else(|| Error::not_found(crate::error::Entity::Member, id.get()))?;
        let registrations: Vec<serde_json::Value> = self
            .all_registrations()
            .filter(|r| r.member == id)
            .map(|r| {
                let event = self.event(r.event);
                let held = event.is_some_and(|e| e.state.was_held());
                serde_json::json!({
                    "registration": r,
                    "event_title": event.map(|e| e.title.as_str()),
                    "event_starts_at": event.map(|e| e.schedule.starts_at),
                    "attendance": r.attendance(held).kind(),
                })
            })
            .collect();
        let asked: Vec<_> = self.help_requests().filter(|h| h.asker == id).collect();
        let referred: Vec<_> = self
            .help_requests()
            .filter(|h| h.asker != id && h.referred_to().contains(&id))
            .map(|h| h.id)
            .collect();
        let shared: Vec<_> = self.watch_items().filter(|w| w.shared_by == id).collect();
        Ok(serde_json::json!({
            "format": "cimi.subject_access",
            "generated_at": now,
            "member": m,
            "status": m.status(self.statutes().activity_window(), now).kind(),
            "audience": self.statutes().audience_of(&m.email),
            "registrations": registrations,
            "help_requests_asked": asked,
            "help_requests_referred_to": referred,
            "watch_items_shared": shared,
        }))
    }

    /// The people the statutes' retention rule applies to at `now`: not
    /// active members (dormant), holding no bureau role, not yet erased,
    /// whose every registered event ended more than
    /// `non_member_retention_days` ago. Without that setting, nobody.
    pub fn retention_candidates(&self, now: DateTime<Utc>) -> Vec<MemberId> {
        let Some(days) = self.statutes().non_member_retention_days else {
            return Vec::new();
        };
        let limit = now - chrono::Duration::days(i64::from(days));
        let window = self.statutes().activity_window();
        let mut last_event_end: HashMap<MemberId, DateTime<Utc>> = HashMap::new();
        let mut has_upcoming: BTreeSet<MemberId> = BTreeSet::new();
        for r in self.all_registrations() {
            if let Some(e) = self.event(r.event) {
                if e.state.is_upcoming() {
                    has_upcoming.insert(r.member);
                }
                let end = last_event_end.entry(r.member).or_insert(e.schedule.ends_at);
                *end = (*end).max(e.schedule.ends_at);
            }
        }
        self.members()
            .filter(|m| !m.is_erased() && m.bureau_role().is_none())
            .filter(|m| m.status(window, now) == crate::member::MemberStatus::Dormant)
            .filter(|m| !has_upcoming.contains(&m.id))
            .filter(|m| last_event_end.get(&m.id).is_some_and(|end| *end < limit))
            .map(|m| m.id)
            .collect()
    }
}
