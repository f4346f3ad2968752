//! How an event offers freed seats to its waiting list, with a deadline.
//!
//! ```
//! use chrono::Duration;
//! let o = cimi_core::event::WaitlistOffers::new(Duration::hours(48));
//! assert_eq!(o.hold(), Duration::hours(48));
//! ```

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::limits::{MAX_OFFER_CUTOFF_DAYS, MAX_OFFER_HOLD_DAYS};

/// How an event offers freed seats to its waiting list.
///
/// When a seat frees, the earliest waiting registration whose audience has
/// room gets an offer (status `offered`) holding the seat until a deadline:
/// `hold` after the offer, shortened so that it never runs past `cutoff`
/// before the start. Once the offer window has closed (`cutoff` before the
/// start) a freed seat goes to the next in line at once, as without offers.
/// A registration following remotely while it waits for a seat is already
/// attending: it gets the seat at once too.
///
/// The hold must be between a minute and [`MAX_OFFER_HOLD_DAYS`] days and
/// the cut-off at most [`MAX_OFFER_CUTOFF_DAYS`] days: scheduling an event
/// with other values is refused (`invalid_input`).
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use cimi_core::event::WaitlistOffers;
/// let o = WaitlistOffers::new(Duration::hours(48)).with_cutoff(Duration::hours(24));
/// let start = Utc.with_ymd_and_hms(2026, 1, 10, 9, 0, 0).unwrap();
/// let at = Utc.with_ymd_and_hms(2026, 1, 8, 12, 0, 0).unwrap();
/// assert_eq!(o.deadline(at, start), Some(start - Duration::hours(24))); // shortened
/// assert_eq!(o.deadline(start - Duration::hours(2), start), None); // window closed
/// # use cimi_core::event::{EventKind, EventSpec, Schedule};
/// let s = Schedule::new(start, start + Duration::hours(2)).unwrap();
/// let spec = EventSpec::new(EventKind::Workshop, "Rust", s, 20).with_waitlist_offers(o);
/// assert_eq!(spec.waitlist_offers, Some(o));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WaitlistOffers {
    hold_seconds: i64,
    #[serde(default)]
    cutoff_seconds: i64,
}

impl WaitlistOffers {
    /// Offers held for `hold`, with no cut-off: an offer never runs past
    /// the start.
    pub fn new(hold: TimeDelta) -> Self {
        WaitlistOffers {
            hold_seconds: hold.num_seconds(),
            cutoff_seconds: 0,
        }
    }

    /// No offer runs past `cutoff` before the start.
    pub fn with_cutoff(mut self, cutoff: TimeDelta) -> Self {
        self.cutoff_seconds = cutoff.num_seconds();
        self
    }

    /// How long an offer holds its seat.
    pub fn hold(&self) -> TimeDelta {
        TimeDelta::try_seconds(self.hold_seconds).unwrap_or(TimeDelta::MAX)
    }

    /// How long before the start offers stop.
    pub fn cutoff(&self) -> TimeDelta {
        TimeDelta::try_seconds(self.cutoff_seconds).unwrap_or(TimeDelta::MAX)
    }

    /// Whether the hold and the cut-off are within the limits.
    ///
    /// ```
    /// use chrono::Duration;
    /// use cimi_core::event::WaitlistOffers;
    /// assert!(WaitlistOffers::new(Duration::hours(48)).is_valid());
    /// assert!(!WaitlistOffers::new(Duration::seconds(5)).is_valid());
    /// ```
    pub fn is_valid(&self) -> bool {
        (60..=MAX_OFFER_HOLD_DAYS * 86_400).contains(&self.hold_seconds)
            && (0..=MAX_OFFER_CUTOFF_DAYS * 86_400).contains(&self.cutoff_seconds)
    }

    /// When an offer made at `at` for an event starting at `starts_at`
    /// expires; `None` when the offer window has closed.
    pub fn deadline(&self, at: DateTime<Utc>, starts_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // At the ends of the range of instants, the bounds stop there.
        let last = starts_at
            .checked_sub_signed(self.cutoff())
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let held = at
            .checked_add_signed(self.hold())
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let deadline = held.min(last);
        (deadline > at).then_some(deadline)
    }
}
