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
                // The cancellation secret is a credential, not data about
                // the person: an export is shared and kept, a token must not be.
                let mut registration = serde_json::json!(r);
                if let Some(fields) = registration.as_object_mut() {
                    fields.remove("cancel_secret");
                }
                serde_json::json!({
                    "registration": registration,
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

    /// The people the statutes' retention rule applies to at `now`: everyone
    /// the community holds who is not an active member (dormant), holds no
    /// bureau role, is not yet erased, has no upcoming registration and no
    /// help request still open, and whose last trace is older than
    /// `non_member_retention_days`. The last trace is the latest of: joining
    /// the directory (an imported row), the last participation, the end of
    /// the last event registered for, the last step of a help request asked
    /// or referred to. People recorded without ever registering (imported
    /// rows, help requests) are covered as registrants are. Without that
    /// setting, nobody.
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// use cimi_core::{Community, community::MemberProfile};
    /// let t = Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap();
    /// let mut c = Community::cimi(); // activity window and retention: 365 days each
    /// let imported = c.add_member("alice@interieur.gouv.fr", MemberProfile::default(), t)?;
    /// assert!(c.retention_candidates(t + Duration::days(300)).is_empty());
    /// assert_eq!(c.retention_candidates(t + Duration::days(400)), vec![imported]);
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn retention_candidates(&self, now: DateTime<Utc>) -> Vec<MemberId> {
        let Some(days) = self.statutes().non_member_retention_days else {
            return Vec::new();
        };
        let limit = now - chrono::Duration::days(i64::from(days));
        let window = self.statutes().activity_window();
        let mut last_trace: HashMap<MemberId, DateTime<Utc>> = HashMap::new();
        let mut kept: BTreeSet<MemberId> = BTreeSet::new();
        let mut trace = |id: MemberId, at: DateTime<Utc>| {
            let t = last_trace.entry(id).or_insert(at);
            *t = (*t).max(at);
        };
        for r in self.all_registrations() {
            if let Some(e) = self.event(r.event) {
                if e.state.is_upcoming() {
                    kept.insert(r.member);
                }
                trace(r.member, e.schedule.ends_at);
            }
        }
        for h in self.help_requests() {
            let last = h.steps.last().map_or_else(|| h.asked_at(), |s| s.at);
            if !matches!(
                h.state(),
                crate::help::HelpState::Resolved | crate::help::HelpState::Closed
            ) {
                kept.insert(h.asker);
            }
            trace(h.asker, last);
            for m in h.referred_to() {
                trace(m, last);
            }
        }
        self.members()
            .filter(|m| !m.is_erased() && m.bureau_role().is_none())
            .filter(|m| m.status(window, now) == crate::member::MemberStatus::Dormant)
            .filter(|m| !kept.contains(&m.id))
            .filter(|m| {
                let own = m
                    .last_participation_at
                    .unwrap_or(m.joined_at)
                    .max(m.joined_at);
                let last = last_trace.get(&m.id).map_or(own, |t| (*t).max(own));
                last < limit
            })
            .map(|m| m.id)
            .collect()
    }
}
