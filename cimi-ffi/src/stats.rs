//! Statistics: the community counting itself (computed by the core from the
//! state, never stored).

use crate::community::Community;
use crate::convert::{count_i32, id_i64};
use crate::error::CimiError;
use crate::time::instant;
use crate::{EventKind, EventState, MemberStatus};

/// Figures of one event.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EventStats {
    /// The event.
    pub event_id: i64,
    /// Its kind.
    pub kind: EventKind,
    /// Its lifecycle state.
    pub state: EventState,
    /// Year of its start, in Paris.
    pub year: i32,
    /// Seats on site.
    pub capacity: i32,
    /// Confirmed with a seat.
    pub confirmed_on_site: i32,
    /// Confirmed remotely.
    pub confirmed_remote: i32,
    /// Waiting for a seat now.
    pub waiting: i32,
    /// Promoted from the waiting list, ever.
    pub promoted: i32,
    /// Cancelled by the registrant.
    pub cancelled: i32,
    /// Checked in.
    pub attended: i32,
    /// Confirmed, event held, no check-in.
    pub no_shows: i32,
    /// Seats taken / capacity (`null` when the capacity is 0).
    pub fill_rate: Option<f64>,
    /// Attended / confirmed, once the event is held.
    pub attendance_rate: Option<f64>,
    /// No-shows / confirmed, once the event is held.
    pub no_show_rate: Option<f64>,
}

/// One group of members: administration, audience and status.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MemberGroup {
    /// The outermost unit of the affiliation, or `""` when unknown.
    pub administration: String,
    /// The audience of the address under the statutes, or `""`.
    pub audience: String,
    /// Status at the instant asked.
    pub status: MemberStatus,
    /// How many members.
    pub count: i32,
}

/// Events held (held or reported) in one year and of one kind.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EventsHeld {
    /// Year, in Paris.
    pub year: i32,
    /// Kind.
    pub kind: EventKind,
    /// How many.
    pub count: i32,
}

/// Members who joined in one month.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MembersJoined {
    /// Year, in Paris.
    pub year: i32,
    /// Month (1 to 12), in Paris.
    pub month: i32,
    /// How many.
    pub count: i32,
}

#[uniffi::export]
impl Community {
    /// Figures of every event (fill rate, waiting list, promotions,
    /// attendance, no-shows), by identifier.
    pub fn event_stats(&self) -> Result<Vec<EventStats>, CimiError> {
        self.read(|c| {
            Ok(c.event_stats()
                .into_iter()
                .map(|s| EventStats {
                    event_id: id_i64(s.event.get()),
                    kind: s.kind,
                    state: s.state,
                    year: s.year,
                    capacity: count_i32(s.capacity),
                    confirmed_on_site: count_i32(s.confirmed_on_site),
                    confirmed_remote: count_i32(s.confirmed_remote),
                    waiting: count_i32(s.waiting),
                    promoted: count_i32(s.promoted),
                    cancelled: count_i32(s.cancelled),
                    attended: count_i32(s.attended),
                    no_shows: count_i32(s.no_shows),
                    fill_rate: s.fill_rate,
                    attendance_rate: s.attendance_rate,
                    no_show_rate: s.no_show_rate,
                })
                .collect())
        })
    }

    /// Events held per year (Paris) and kind, sorted.
    pub fn events_held_per_year_and_kind(&self) -> Result<Vec<EventsHeld>, CimiError> {
        self.read(|c| {
            Ok(c.events_held_per_year_and_kind()
                .into_iter()
                .map(|((year, kind), n)| EventsHeld {
                    year,
                    kind,
                    count: count_i32(n),
                })
                .collect())
        })
    }

    /// Members grouped by administration, audience and status at `now_ms`, sorted.
    pub fn member_groups(&self, now_ms: i64) -> Result<Vec<MemberGroup>, CimiError> {
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| {
            Ok(c.member_groups(now)
                .into_iter()
                .map(|g| MemberGroup {
                    administration: g.administration,
                    audience: g.audience,
                    status: g.status,
                    count: count_i32(g.count),
                })
                .collect())
        })
    }

    /// Members who joined, per month (Paris), sorted.
    pub fn members_joined_per_month(&self) -> Result<Vec<MembersJoined>, CimiError> {
        self.read(|c| {
            Ok(c.members_joined_per_month()
                .into_iter()
                .map(|((year, month), n)| MembersJoined {
                    year,
                    month: i32::try_from(month).unwrap_or(0),
                    count: count_i32(n),
                })
                .collect())
        })
    }
}
