//! Statistics: the community counting itself.
//!
//! Events held per kind and per year, members by administration, audience and
//! status, per-event fill rate, waiting list, promotions, attendance and
//! no-shows, and members joined per month. Years and months are Europe/Paris
//! civil dates. Every figure is computed from the state, never stored.
//!
//! ```
//! let c = cimi_core::Community::cimi();
//! assert!(c.event_stats().is_empty());
//! assert!(c.members_joined_per_month().is_empty());
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

use crate::community::Community;
use crate::event::{EventKind, EventState, to_paris};
use crate::ids::EventId;
use crate::member::MemberStatus;
use crate::registration::{Attendance, RegistrationStatus, Seat};

/// Figures of one event.
///
/// ```
/// # use cimi_core::stats::EventStats;
/// # fn f(s: &EventStats) -> Option<f64> { s.fill_rate }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventStats {
    /// The event.
    pub event: EventId,
    /// Its kind.
    pub kind: EventKind,
    /// Its lifecycle state.
    pub state: EventState,
    /// Year of its start, in Paris.
    pub year: i32,
    /// Seats on site.
    pub capacity: u32,
    /// Confirmed with a seat.
    pub confirmed_on_site: u32,
    /// Confirmed remotely.
    pub confirmed_remote: u32,
    /// Waiting for a seat now.
    pub waiting: u32,
    /// Promoted from the waiting list, ever.
    pub promoted: u32,
    /// Cancelled by the registrant.
    pub cancelled: u32,
    /// Checked in.
    pub attended: u32,
    /// Confirmed, event held, no check-in.
    pub no_shows: u32,
    /// Seats taken / capacity (`None` when the capacity is 0).
    pub fill_rate: Option<f64>,
    /// Attended / confirmed, once the event is held (`None` before, or with nobody confirmed).
    pub attendance_rate: Option<f64>,
    /// No-shows / confirmed, once the event is held.
    pub no_show_rate: Option<f64>,
}

/// One group of members: administration, audience and status.
///
/// ```
/// # use cimi_core::stats::MemberGroup;
/// # fn f(g: &MemberGroup) -> u32 { g.count }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberGroup {
    /// The outermost unit of the affiliation, or `""` when unknown.
    pub administration: String,
    /// The audience of the address under the statutes, or `""`.
    pub audience: String,
    /// Status at the instant asked.
    pub status: MemberStatus,
    /// How many members.
    pub count: u32,
}

fn ratio(a: u32, b: u32) -> Option<f64> {
    (b > 0).then(|| f64::from(a) / f64::from(b))
}

impl Community {
    /// Figures of every event, by identifier.
    pub fn event_stats(&self) -> Vec<EventStats> {
        let mut out: BTreeMap<EventId, EventStats> = self
            .events()
            .map(|e| {
                (
                    e.id,
                    EventStats {
                        event: e.id,
                        kind: e.kind,
                        state: e.state,
                        year: to_paris(e.schedule.starts_at).year(),
                        capacity: e.capacity,
                        confirmed_on_site: 0,
                        confirmed_remote: 0,
                        waiting: 0,
                        promoted: 0,
                        cancelled: 0,
                        attended: 0,
                        no_shows: 0,
                        fill_rate: None,
                        attendance_rate: None,
                        no_show_rate: None,
                    },
                )
            })
            .collect();
        for r in self.all_registrations() {
            let Some(s) = out.get_mut(&r.event) else {
                continue;
            };
            let held = s.state.was_held();
            match (r.status, r.seat) {
                (RegistrationStatus::Confirmed, Some(Seat::OnSite)) => s.confirmed_on_site += 1,
                (RegistrationStatus::Confirmed, _) => s.confirmed_remote += 1,
                (RegistrationStatus::Cancelled, _) => s.cancelled += 1,
                _ => {}
            }
            if r.waiting_for_seat {
                s.waiting += 1;
            }
            if r.promoted_at.is_some() {
                s.promoted += 1;
            }
            match r.attendance(held) {
                Attendance::Attended => s.attended += 1,
                Attendance::NoShow => s.no_shows += 1,
                _ => {}
            }
        }
        out.into_values()
            .map(|mut s| {
                s.fill_rate = ratio(s.confirmed_on_site, s.capacity);
                if s.state.was_held() {
                    let confirmed = s.confirmed_on_site + s.confirmed_remote;
                    s.attendance_rate = ratio(s.attended, confirmed);
                    s.no_show_rate = ratio(s.no_shows, confirmed);
                }
                s
            })
            .collect()
    }

    /// Events held (held or reported) per year (Paris) and kind.
    ///
    /// ```
    /// let c = cimi_core::Community::cimi();
    /// assert!(c.events_held_per_year_and_kind().is_empty());
    /// ```
    pub fn events_held_per_year_and_kind(&self) -> BTreeMap<(i32, EventKind), u32> {
        let mut out = BTreeMap::new();
        for e in self.events() {
            if e.state.was_held() {
                *out.entry((to_paris(e.schedule.starts_at).year(), e.kind))
                    .or_default() += 1;
            }
        }
        out
    }

    /// Members grouped by administration, audience and status at `now`, sorted.
    pub fn member_groups(&self, now: DateTime<Utc>) -> Vec<MemberGroup> {
        let window = self.statutes().activity_window();
        let mut counts: BTreeMap<(String, String, &'static str), (MemberStatus, u32)> =
            BTreeMap::new();
        for m in self.members() {
            let status = m.status(window, now);
            let (administration, audience) = if status == MemberStatus::Erased {
                (String::new(), String::new())
            } else {
                (
                    m.affiliation
                        .administration()
                        .unwrap_or_default()
                        .to_string(),
                    self.statutes()
                        .audience_of(&m.email)
                        .unwrap_or_default()
                        .to_string(),
                )
            };
            counts
                .entry((administration, audience, status.kind()))
                .or_insert((status, 0))
                .1 += 1;
        }
        counts
            .into_iter()
            .map(
                |((administration, audience, _), (status, count))| MemberGroup {
                    administration,
                    audience,
                    status,
                    count,
                },
            )
            .collect()
    }

    /// Members who joined, per (year, month) in Paris.
    pub fn members_joined_per_month(&self) -> BTreeMap<(i32, u32), u32> {
        let mut out = BTreeMap::new();
        for m in self.members() {
            let d = to_paris(m.joined_at);
            *out.entry((d.year(), d.month())).or_default() += 1;
        }
        out
    }
}
