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

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use crate::address::EmailAddress;
use crate::community::Community;
use crate::error::{Entity, Error, StateError};
use crate::event::{Event, EventState, paris_instant};
use crate::i18n::Lang;
use crate::ids::{EventId, RegistrationId};
use crate::registration::{Registration, RegistrationStatus, Seat};

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
    "ORGANIZER",
    "ATTENDEE",
];

/// Whether a character is taken for a line break by some parser (RFC 5545
/// parsers split on CRLF; Python's `str.splitlines`, used by the `icalendar`
/// package, also splits on these).
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{1C}'
            ..='\u{1E}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// What [`escape_text`] preserves of a text: every line break (CRLF, CR, LF,
/// U+2028, U+2029) becomes LF and every other control character except TAB
/// becomes U+FFFD. For text without control characters (TAB and LF allowed)
/// this is the text itself.
///
/// ```
/// use cimi_core::interop::ical::canonical_text;
/// assert_eq!(canonical_text("a\r\nb\rc\u{2028}d\u{7}"), "a\nb\nc\nd\u{FFFD}");
/// assert_eq!(canonical_text("ligne 1\nligne 2 🎉"), "ligne 1\nligne 2 🎉");
/// ```
pub fn canonical_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' => out.push('\t'),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma are
/// backslash-escaped, every line break (CRLF, CR, LF, U+2028, U+2029) becomes
/// `\n`, and other control characters (except TAB) become U+FFFD. The result
/// holds no character that any parser takes for a line break.
///
/// ```
/// use cimi_core::interop::ical::{escape_text, unescape_text};
/// let e = escape_text("a;b,c\\d\r\nBEGIN:VEVENT");
/// assert_eq!(e, "a\\;b\\,c\\\\d\\nBEGIN:VEVENT");
/// assert_eq!(unescape_text(&e), "a;b,c\\d\nBEGIN:VEVENT");
/// ```
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in canonical_text(s).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Reverses [`escape_text`]: `\\`, `\;`, `\,`, `\n` and `\N` are decoded; any
/// other backslash is kept as it is. `unescape_text(&escape_text(s))` equals
/// [`canonical_text(s)`](canonical_text).
///
/// ```
/// assert_eq!(cimi_core::interop::ical::unescape_text("a\\nb\\,c\\x"), "a\nb,c\\x");
/// ```
pub fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some(';') => out.push(';'),
            Some(',') => out.push(','),
            Some('n' | 'N') => out.push('\n'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Folds one content line (RFC 5545 §3.1): physical lines of at most
/// [`MAX_LINE_OCTETS`] octets joined by CRLF and a space, never splitting a
/// UTF-8 character or a backslash escape. No CRLF is added at the end.
///
/// A content line holds no line break; should one be given anyway, it is
/// replaced by U+FFFD so that it can never start a new property.
/// `unfold(&fold(line))` is `line` for every line without line breaks.
///
/// ```
/// use cimi_core::interop::ical::{fold, unfold};
/// let line = format!("SUMMARY:{}", "é".repeat(60));
/// let folded = fold(&line);
/// assert!(folded.split("\r\n").all(|l| l.len() <= 75));
/// assert!(folded.split("\r\n").skip(1).all(|l| l.starts_with(' ')));
/// assert_eq!(unfold(&folded), line);
/// ```
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 64 * 3 + 4);
    let mut used = 0usize;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let c = if is_line_break(c) { '\u{FFFD}' } else { c };
        // A unit is one character, or a backslash and the character it escapes.
        let mut unit = [0u8; 8];
        let mut len = c.encode_utf8(&mut unit[..4]).len();
        if c == '\\'
            && let Some(&next) = chars.peek()
            && !is_line_break(next)
        {
            chars.next();
            len += next.encode_utf8(&mut unit[len..]).len();
        }
        if used + len > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        // The unit is valid UTF-8: one or two whole characters.
        out.push_str(std::str::from_utf8(&unit[..len]).unwrap_or("\u{FFFD}"));
        used += len;
    }
    out
}

/// Unfolds text (RFC 5545 §3.1): every CRLF (or bare LF) followed by one
/// space or tab is removed.
///
/// ```
/// assert_eq!(cimi_core::interop::ical::unfold("DESCRIPTION:ab\r\n c\r\nEND:VEVENT"),
///            "DESCRIPTION:abc\r\nEND:VEVENT");
/// ```
pub fn unfold(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let fold_len = match bytes[i..] {
            [b'\r', b'\n', b' ' | b'\t', ..] => 3,
            [b'\n', b' ' | b'\t', ..] => 2,
            _ => 0,
        };
        if fold_len > 0 {
            i += fold_len;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    // Only ASCII bytes were removed, between whole characters.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A parameter value (RFC 5545 §3.2 with RFC 6868 caret encoding), always
/// quoted: `^` → `^^`, `"` → `^'`, line breaks → `^n`, other control
/// characters (except TAB) → U+FFFD.
fn param_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in canonical_text(s).chars() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\n' => out.push_str("^n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Percent-encodes what may not appear raw in a URI value: controls, space,
/// non-ASCII, and `"<>\^`{|}`, plus the characters of `extra`.
fn uri_escape(s: &str, extra: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b <= b' '
            || b >= 0x7f
            || matches!(
                b,
                b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
            )
            || extra.contains(&b)
        {
            let _ = write!(out, "%{b:02X}");
        } else {
            out.push(b as char);
        }
    }
    out
}

/// A `mailto:` URI for a validated address.
fn mailto(address: &EmailAddress) -> String {
    format!("mailto:{}", uri_escape(address.as_str(), b"%?#"))
}

/// Schemes accepted for the video link.
const LINK_SCHEMES: [&str; 6] = ["https:", "http:", "sip:", "sips:", "tel:", "xmpp:"];

/// The video link, if it is a URI with an accepted scheme.
fn video_link(event: &Event) -> Option<String> {
    let url = event.remote.as_ref()?.url.trim();
    let lower = url.to_ascii_lowercase();
    LINK_SCHEMES
        .iter()
        .any(|s| lower.starts_with(s) && lower.len() > s.len())
        .then(|| uri_escape(url, b""))
}

/// A calendar being written, one content line at a time.
struct Writer {
    out: String,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            out: String::with_capacity(4096),
        }
    }

    /// A raw content line whose value is already in its final form.
    fn line(&mut self, name: &str, params: &[(&str, String)], value: &str) {
        let mut l = String::with_capacity(name.len() + value.len() + 16);
        l.push_str(name);
        for (k, v) in params {
            l.push(';');
            l.push_str(k);
            l.push('=');
            l.push_str(v);
        }
        l.push(':');
        l.push_str(value);
        self.out.push_str(&fold(&l));
        self.out.push_str("\r\n");
    }

    fn text(&mut self, name: &str, value: &str) {
        self.line(name, &[], &escape_text(value));
    }

    fn begin(&mut self, component: &str) {
        self.line("BEGIN", &[], component);
    }

    fn end(&mut self, component: &str) {
        self.line("END", &[], component);
    }

    fn calendar_head(&mut self, method: &str, name: Option<&str>) {
        self.begin("VCALENDAR");
        self.line("VERSION", &[], "2.0");
        self.line("PRODID", &[], PRODID);
        self.line("CALSCALE", &[], "GREGORIAN");
        self.line("METHOD", &[], method);
        if let Some(name) = name {
            self.text("NAME", name);
            self.text("X-WR-CALNAME", name);
        }
        self.line("X-WR-TIMEZONE", &[], TZID);
        self.vtimezone();
    }

    /// Europe/Paris under the EU rules in force since 1996 (summer time since
    /// 1981 on the last Sunday of March; winter time on the last Sunday of
    /// October since 1996), as most calendar servers publish it.
    fn vtimezone(&mut self) {
        self.begin("VTIMEZONE");
        self.line("TZID", &[], TZID);
        self.line("X-LIC-LOCATION", &[], TZID);
        self.begin("DAYLIGHT");
        self.line("TZOFFSETFROM", &[], "+0100");
        self.line("TZOFFSETTO", &[], "+0200");
        self.line("TZNAME", &[], "CEST");
        self.line("DTSTART", &[], "19810329T020000");
        self.line("RRULE", &[], "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
        self.end("DAYLIGHT");
        self.begin("STANDARD");
        self.line("TZOFFSETFROM", &[], "+0200");
        self.line("TZOFFSETTO", &[], "+0100");
        self.line("TZNAME", &[], "CET");
        self.line("DTSTART", &[], "19961027T030000");
        self.line("RRULE", &[], "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
        self.end("STANDARD");
        self.end("VTIMEZONE");
    }

    /// DTSTART or DTEND: Paris civil time with TZID, or UTC when the civil
    /// time would not name this instant (the repeated hour in October).
    fn time(&mut self, name: &str, at: DateTime<Utc>) {
        let local = crate::event::to_paris(at).naive_local();
        if paris_instant(local) == Ok(at) {
            self.line(
                name,
                &[("TZID", TZID.to_string())],
                &local.format("%Y%m%dT%H%M%S").to_string(),
            );
        } else {
            self.line(name, &[], &utc(at));
        }
    }

    fn finish(mut self) -> String {
        self.end("VCALENDAR");
        self.out
    }
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A slug of the community name for UIDs: ASCII letters and digits, accents
/// dropped, other characters as `-`.
fn slug(name: &str) -> String {
    let key = super::loose_key(name);
    let s: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(40)
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "community".into() } else { s }
}

/// The stable UID of an event: derived from its identifier and the community
/// name (a readable slug and a CRC-32C of the exact name), the same in every
/// export and invitation.
///
/// ```
/// use cimi_core::{ids::EventId, interop::ical, Community};
/// let c = Community::cimi();
/// let uid = ical::event_uid(&c, EventId::new(3));
/// assert!(uid.starts_with("e3-cimi-"));
/// assert!(uid.ends_with("@cimi-core.invalid"));
/// assert_eq!(uid, ical::event_uid(&Community::cimi(), EventId::new(3)));
/// ```
pub fn event_uid(community: &Community, id: EventId) -> String {
    let name = &community.statutes().name;
    format!(
        "e{}-{}-{:08x}@cimi-core.invalid",
        id.get(),
        slug(name),
        crc32c::crc32c(name.as_bytes())
    )
}

/// The DESCRIPTION: kind and title, schedule, program with speakers, venue,
/// video link, recording, and the registration when given.
fn description(event: &Event, registration: Option<&Registration>) -> String {
    let mut d = String::new();
    let _ = writeln!(
        d,
        "{} « {} »",
        super::capitalised(event.kind.label(Lang::Fr)),
        event.title
    );
    let (s, e) = (event.schedule.starts_paris(), event.schedule.ends_paris());
    if s.date_naive() == e.date_naive() {
        let _ = writeln!(
            d,
            "Le {} de {} à {} (heure de Paris)",
            s.format("%d/%m/%Y"),
            s.format("%H:%M"),
            e.format("%H:%M")
        );
    } else {
        let _ = writeln!(
            d,
            "Du {} au {} (heure de Paris)",
            s.format("%d/%m/%Y %H:%M"),
            e.format("%d/%m/%Y %H:%M")
        );
    }
    if let Some(r) = registration {
        let status = match (r.status, r.seat) {
            (RegistrationStatus::Confirmed, Some(Seat::Remote)) if r.waiting_for_seat => {
                "confirmée à distance, en liste d'attente pour une place sur place"
            }
            (RegistrationStatus::Confirmed, Some(Seat::Remote)) => "confirmée, à distance",
            (RegistrationStatus::Confirmed, _) => "confirmée, sur place",
            (RegistrationStatus::Waitlisted, _) => "en liste d'attente",
            _ => "annulée",
        };
        let _ = writeln!(d, "Votre inscription : {status}");
    }
    if !event.program.is_empty() {
        d.push_str("\nProgramme :\n");
        for (i, item) in event.program.iter().enumerate() {
            let _ = write!(d, "{}. {}", i + 1, item.kind.label(Lang::Fr));
            if !item.title.trim().is_empty() {
                let _ = write!(d, " — {}", item.title.trim());
            }
            d.push('\n');
            if !item.speakers.is_empty() {
                let names: Vec<String> = item
                    .speakers
                    .iter()
                    .map(|s| {
                        let extra: Vec<&str> = [s.title.trim(), s.organisation.trim()]
                            .into_iter()
                            .filter(|x| !x.is_empty())
                            .collect();
                        if extra.is_empty() {
                            s.name.trim().to_string()
                        } else {
                            format!("{} ({})", s.name.trim(), extra.join(", "))
                        }
                    })
                    .collect();
                let label = if names.len() > 1 {
                    "Intervenants"
                } else {
                    "Intervenant"
                };
                let _ = writeln!(d, "   {label} : {}", names.join(" ; "));
            }
        }
    }
    if let Some(v) = &event.venue {
        let _ = writeln!(d, "\nLieu : {}", location(v));
    }
    if let Some(link) = video_link(event) {
        let _ = writeln!(d, "Visioconférence : {link}");
    }
    if event.remote.is_some() {
        if event.recording_allowed() {
            d.push_str(
                "Enregistrement : oui, avec l'accord des intervenants et des participants\n",
            );
        } else {
            d.push_str("Enregistrement : non\n");
        }
    }
    d.trim_end().to_string()
}

fn location(v: &crate::event::Venue) -> String {
    match (v.name.trim(), v.address.trim()) {
        ("", a) => a.to_string(),
        (n, "") => n.to_string(),
        (n, a) => format!("{n}, {a}"),
    }
}

/// One VEVENT. `attendee` is the registration of an invitation.
fn vevent(
    w: &mut Writer,
    community: &Community,
    event: &Event,
    now: DateTime<Utc>,
    invite: Option<(&Registration, &EmailAddress, &str, &EmailAddress)>,
) {
    let cancelled = event.state == EventState::Cancelled
        || invite.is_some_and(|(r, ..)| r.status == RegistrationStatus::Cancelled);
    w.begin("VEVENT");
    w.line("UID", &[], &escape_text(&event_uid(community, event.id)));
    w.line("DTSTAMP", &[], &utc(now));
    w.line("CREATED", &[], &utc(event.created_at));
    w.line("SEQUENCE", &[], if cancelled { "1" } else { "0" });
    w.time("DTSTART", event.schedule.starts_at);
    w.time("DTEND", event.schedule.ends_at);
    w.text("SUMMARY", &event.title);
    w.text("DESCRIPTION", &description(event, invite.map(|(r, ..)| r)));
    if let Some(v) = &event.venue {
        w.text("LOCATION", &location(v));
    }
    if let Some(link) = video_link(event) {
        w.line(
            "CONFERENCE",
            &[
                ("VALUE", "URI".into()),
                ("FEATURE", "AUDIO,VIDEO".into()),
                ("LABEL", param_value("Visioconférence")),
            ],
            &link,
        );
    }
    w.line("CATEGORIES", &[], &escape_text(event.kind.label(Lang::Fr)));
    let status = match event.state {
        EventState::Cancelled => "CANCELLED",
        EventState::Draft => "TENTATIVE",
        _ if cancelled => "CANCELLED",
        _ => "CONFIRMED",
    };
    w.line("STATUS", &[], status);
    w.line("TRANSP", &[], "OPAQUE");
    w.line("CLASS", &[], "PUBLIC");
    if let Some((r, organizer, attendee_name, attendee)) = invite {
        w.line(
            "ORGANIZER",
            &[("CN", param_value(&community.statutes().name))],
            &mailto(organizer),
        );
        let partstat = match r.status {
            RegistrationStatus::Confirmed => "ACCEPTED",
            RegistrationStatus::Waitlisted => "TENTATIVE",
            _ => "DECLINED",
        };
        let mut params = Vec::new();
        if !attendee_name.trim().is_empty() {
            params.push(("CN", param_value(attendee_name.trim())));
        }
        params.push(("CUTYPE", "INDIVIDUAL".into()));
        params.push(("ROLE", "REQ-PARTICIPANT".into()));
        params.push(("PARTSTAT", partstat.into()));
        params.push(("RSVP", "FALSE".into()));
        w.line("ATTENDEE", &params, &mailto(attendee));
    }
    w.end("VEVENT");
}

fn find_event(community: &Community, id: EventId) -> Result<&Event, Error> {
    community.event(id).ok_or(Error::NotFound {
        entity: Entity::Event,
        id: id.get(),
    })
}

/// One event as an iCalendar document (`METHOD:PUBLISH`).
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use cimi_core::event::{EventKind, EventSpec, RemoteBroadcast, Schedule};
/// use cimi_core::{interop::ical, Community};
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let mut c = Community::cimi();
/// let when = Schedule::new(now + Duration::days(7), now + Duration::days(7) + Duration::hours(2))?;
/// let id = c.schedule_event(EventSpec::new(EventKind::Workshop, "PostgreSQL", when, 10)
///     .with_remote(RemoteBroadcast { url: "https://visio.example/pg".into(), capacity: None }), now)?;
/// let ics = ical::event(&c, id, now)?;
/// assert!(ical::unfold(&ics).contains("\r\nCONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=\"Visioconférence\":https://visio.example/pg\r\n"));
/// assert!(ical::unescape_text(&ical::unfold(&ics)).contains("Visioconférence : https://visio.example/pg"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn event(community: &Community, id: EventId, now: DateTime<Utc>) -> Result<String, Error> {
    calendar_of(community, &[id], now, None)
}

/// Several events in one calendar (`METHOD:PUBLISH`, one VTIMEZONE, the
/// calendar named after the community). Any unknown identifier is an error.
///
/// ```
/// use cimi_core::{ids::EventId, interop::ical, Community};
/// let c = Community::cimi();
/// let err = ical::calendar(&c, &[EventId::new(9)], chrono::Utc::now()).unwrap_err();
/// assert_eq!(err.kind(), "event_not_found");
/// ```
pub fn calendar(
    community: &Community,
    ids: &[EventId],
    now: DateTime<Utc>,
) -> Result<String, Error> {
    calendar_of(community, ids, now, Some(&community.statutes().name))
}

fn calendar_of(
    community: &Community,
    ids: &[EventId],
    now: DateTime<Utc>,
    name: Option<&str>,
) -> Result<String, Error> {
    let events = ids
        .iter()
        .map(|&id| find_event(community, id))
        .collect::<Result<Vec<_>, _>>()?;
    let mut w = Writer::new();
    w.calendar_head("PUBLISH", name);
    for e in events {
        vevent(&mut w, community, e, now, None);
    }
    Ok(w.finish())
}

/// The invitation of one registrant (iTIP `METHOD:REQUEST`): the event with
/// ORGANIZER (`organizer_email`, named after the community) and one ATTENDEE
/// whose PARTSTAT follows the registration: confirmed → `ACCEPTED`, waiting
/// list → `TENTATIVE`. A cancelled registration (or event) gives
/// `METHOD:CANCEL` with `PARTSTAT=DECLINED` and `STATUS:CANCELLED`, so that
/// calendar clients remove the entry. The UID is the event's
/// ([`event_uid`]), so a later invitation updates the same entry.
///
/// Errors: unknown registration, invalid organizer address, erased member.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use cimi_core::event::{EventKind, EventSpec, Schedule};
/// use cimi_core::registration::RegistrationRequest;
/// use cimi_core::{interop::ical, Community};
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let mut c = Community::cimi();
/// let when = Schedule::new(now + Duration::days(7), now + Duration::days(7) + Duration::hours(2))?;
/// let ev = c.schedule_event(EventSpec::new(EventKind::Miditech, "IA", when, 10), now)?;
/// let req = RegistrationRequest::new("jean.dupont@interieur.gouv.fr").names("Dupont", "Jean")
///     .affiliation("DNUM", "attaché", "chef de projet").acknowledging(["deontology", "pssi"]);
/// let reg = c.register(ev, &req, now)?.registration.id;
/// let ics = ical::invitation(&c, reg, "cimi@interieur.gouv.fr", now)?;
/// assert!(ics.contains("\r\nMETHOD:REQUEST\r\n"));
/// assert!(ics.contains("\r\nORGANIZER;CN=\"CIMI\":mailto:cimi@interieur.gouv.fr\r\n"));
/// assert!(ical::unfold(&ics).contains("ATTENDEE;CN=\"Jean Dupont\";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:jean.dupont@interieur.gouv.fr"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn invitation(
    community: &Community,
    registration: RegistrationId,
    organizer_email: &str,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let r = community
        .registration(registration)
        .ok_or(Error::NotFound {
            entity: Entity::Registration,
            id: registration.get(),
        })?;
    let organizer = EmailAddress::parse(organizer_email)?;
    let event = find_event(community, r.event)?;
    let member = community.member(r.member).ok_or(Error::NotFound {
        entity: Entity::Member,
        id: r.member.get(),
    })?;
    if member.is_erased() {
        return Err(StateError::MemberErased.into());
    }
    let cancel = r.status == RegistrationStatus::Cancelled || event.state == EventState::Cancelled;
    let mut w = Writer::new();
    w.calendar_head(if cancel { "CANCEL" } else { "REQUEST" }, None);
    let name = member.display_name();
    vevent(
        &mut w,
        community,
        event,
        now,
        Some((r, &organizer, &name, &member.email)),
    );
    Ok(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_characters_and_escapes_whole() {
        let line = format!("DESCRIPTION:{}", "\\n🎉é".repeat(40));
        let folded = fold(&line);
        for l in folded.split("\r\n") {
            assert!(l.len() <= MAX_LINE_OCTETS, "{l:?}");
            assert!(!l.ends_with('\\'), "escape split: {l:?}");
        }
        assert_eq!(unfold(&folded), line);
    }

    #[test]
    fn line_breaks_in_a_content_line_are_neutralised() {
        let folded = fold("SUMMARY:a\r\nBEGIN:VEVENT\u{2028}x");
        assert!(!folded.contains('\n') || folded.contains("\r\n "));
        assert_eq!(folded.split("\r\n").count(), 1);
    }

    #[test]
    fn param_values_are_quoted_and_caret_encoded() {
        assert_eq!(param_value("a\"b^c\r\nd;e:f"), "\"a^'b^^c^nd;e:f\"");
    }

    #[test]
    fn uris_have_no_raw_controls_or_spaces() {
        assert_eq!(
            uri_escape("https://x/a b\r\nc\"é", b""),
            "https://x/a%20b%0D%0Ac%22%C3%A9"
        );
    }

    use crate::event::{
        EventKind, EventSpec, ItemKind, ProgramItem, RemoteBroadcast, Schedule, Speaker, Venue,
    };
    use proptest::prelude::*;

    /// Writes an event whose every text field is `hostile` (bypassing the
    /// engine's checks) and checks every physical line.
    fn check_hostile(hostile: &str) {
        let c = Community::cimi();
        let at = chrono::DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let schedule = Schedule {
            starts_at: at,
            ends_at: at + chrono::Duration::hours(2),
        };
        let spec = EventSpec::new(EventKind::Miditech, hostile, schedule, 5)
            .with_venue(Venue::new(hostile, hostile))
            .with_remote(RemoteBroadcast {
                url: format!("https://x.example/{hostile}"),
                capacity: None,
            })
            .with_item(
                ProgramItem::new(ItemKind::Talk, hostile)
                    .with_speaker(Speaker::new(hostile, hostile, hostile)),
            );
        let event = Event::from_spec(EventId::new(1), spec, at);
        let registration = Registration {
            id: RegistrationId::new(1),
            event: event.id,
            member: crate::ids::MemberId::new(1),
            audience: None,
            mode: Default::default(),
            requested_at: at,
            status: RegistrationStatus::Waitlisted,
            seat: None,
            waiting_for_seat: true,
            confirmed_at: None,
            promoted_at: None,
            cancelled_at: None,
            checked_in_at: None,
        };
        let address = EmailAddress::parse("a@interieur.gouv.fr").expect("address");
        let mut w = Writer::new();
        w.calendar_head("REQUEST", Some(hostile));
        vevent(
            &mut w,
            &c,
            &event,
            at,
            Some((&registration, &address, hostile, &address)),
        );
        let out = w.finish();
        assert!(out.ends_with("\r\n"));
        for line in out[..out.len() - 2].split("\r\n") {
            assert!(line.len() <= MAX_LINE_OCTETS, "{line:?}");
            assert!(!line.chars().any(is_line_break), "{line:?}");
            if !line.starts_with(' ') {
                let name = &line[..line.find([':', ';']).unwrap_or(line.len())];
                assert!(PROPERTY_NAMES.contains(&name), "{line:?}");
            }
        }
        let unfolded = unfold(&out);
        let summary = unfolded
            .split("\r\n")
            .find_map(|l| l.strip_prefix("SUMMARY:"))
            .unwrap_or_default();
        assert_eq!(unescape_text(summary), canonical_text(hostile));
    }

    #[test]
    fn hostile_event_fields() {
        check_hostile(
            "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\nX-EVIL:1\rY:2\u{2028}Z:3\u{85}\u{0B}\u{0C}\u{1C}\"^;,\\",
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn no_input_starts_a_property(s in "(\\PC|[\r\n\u{0B}\u{0C}\u{1C}-\u{1E}\u{85}\u{2028}\u{2029}]|BEGIN:VEVENT|\\\\|;|,|\"){0,60}") {
            check_hostile(&s);
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("CIMI"), "cimi");
        assert_eq!(slug("Civic Tech — Ville d'Évry"), "civic-tech-ville-d-evry");
        assert_eq!(slug("\r\n"), "community");
    }
}
