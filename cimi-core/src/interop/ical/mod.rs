//! iCalendar (RFC 5545) export: one event, a calendar of several events, and
//! a per-attendee invitation (iTIP, RFC 5546).
//!
//! The writer is small and hand-written so that it can promise:
//! - CRLF line endings, content lines folded at 75 octets without ever
//!   splitting a UTF-8 character (nor a backslash escape);
//! - TEXT values escaped (`\\`, `\;`, `\,`, line breaks as `\n`): no character
//!   of any input can start a new content line, whatever the parser (CR, LF,
//!   and the other characters some parsers take for line breaks — vertical tab,
//!   form feed, NEL, U+2028, U+2029 — are escaped or replaced);
//! - start and end in Europe/Paris (`TZID=Europe/Paris`) with a VTIMEZONE that
//!   follows the EU rules (summer time from the last Sunday of March at 01:00
//!   UTC to the last Sunday of October at 01:00 UTC);
//! - a stable UID per event, derived from the event id and the community name,
//!   so that an export and a later invitation update the same calendar entry;
//! - DTSTAMP from the `now` parameter: the output depends only on the inputs.
//!
//! ```
//! use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
//! use cimi_core::event::{EventKind, EventSpec, Schedule, Venue};
//! use cimi_core::interop::ical;
//! use cimi_core::Community;
//!
//! let mut c = Community::cimi();
//! let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
//! let when = Schedule::paris(NaiveDate::from_ymd_opt(2017, 12, 12).unwrap(),
//!     NaiveTime::from_hms_opt(12, 30, 0).unwrap(), NaiveTime::from_hms_opt(14, 30, 0).unwrap())?;
//! let id = c.schedule_event(EventSpec::new(EventKind::Miditech, "L'État plateforme", when, 80)
//!     .with_venue(Venue::new("DGGN", "4 rue Claude Bernard, 92130 Issy-les-Moulineaux")), now)?;
//!
//! let ics = ical::event(&c, id, now)?;
//! assert!(ics.contains("\r\nDTSTART;TZID=Europe/Paris:20171212T123000\r\n"));
//! assert!(ics.contains("\r\nLOCATION:DGGN\\, 4 rue Claude Bernard\\, 92130 Issy-les-Moulineaux\r\n"));
//! assert!(ics.contains("\r\nDTSTAMP:20171120T090000Z\r\n"));
//! assert!(ics.lines().all(|l| l.trim_end_matches('\r').len() <= 75));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Split by concern: `encoding` escapes TEXT values, folds content lines and
// encodes parameter values and URIs; `writer` writes content lines, the
// calendar head and the time zone; `vevent` writes one event (UID,
// description, location, video link, organizer and attendee); `export` builds
// the documents (one event, a calendar, an invitation).

mod encoding;
mod export;
#[cfg(test)]
mod tests;
mod vevent;
mod writer;

pub use encoding::{canonical_text, escape_text, fold, unescape_text, unfold};
pub use export::{
    IcalOptions, calendar, calendar_with, event, event_with, invitation, invitation_with,
    whole_calendar, whole_calendar_with,
};
pub use vevent::event_uid;

/// Longest physical line, in octets, CRLF excluded (RFC 5545 §3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// The product identifier written in every calendar.
pub const PRODID: &str = "-//CIMI//cimi-core//FR";

/// The time zone of every event.
pub const TZID: &str = "Europe/Paris";

/// Every property and component delimiter this writer emits. Each physical
/// line of its output starts with one of these names followed by `:` or `;`,
/// or with a space (a folded continuation).
///
/// ```
/// assert!(cimi_core::interop::ical::PROPERTY_NAMES.contains(&"DTSTART"));
/// ```
pub const PROPERTY_NAMES: &[&str] = &[
    "BEGIN",
    "END",
    "VERSION",
    "PRODID",
    "CALSCALE",
    "METHOD",
    "NAME",
    "X-WR-CALNAME",
    "X-WR-TIMEZONE",
    "TZID",
    "X-LIC-LOCATION",
    "TZOFFSETFROM",
    "TZOFFSETTO",
    "TZNAME",
    "DTSTART",
    "DTEND",
    "RRULE",
    "UID",
    "DTSTAMP",
    "CREATED",
    "SEQUENCE",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "CONFERENCE",
    "URL",
    "STATUS",
    "CATEGORIES",
    "TRANSP",
    "CLASS",
    "ACTION",
    "TRIGGER",
    "ORGANIZER",
    "ATTENDEE",
];
