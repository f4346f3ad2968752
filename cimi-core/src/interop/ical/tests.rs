//! Unit tests of the iCalendar writer: folding, parameter values, URIs, slugs,
//! and events whose every text field is hostile.

use chrono::Utc;

use super::encoding::{is_line_break, param_value, uri_escape};
use super::vevent::{slug, vevent};
use super::writer::Writer;
use super::{MAX_LINE_OCTETS, PROPERTY_NAMES, canonical_text, fold, unescape_text, unfold};
use crate::address::EmailAddress;
use crate::community::Community;
use crate::event::Event;
use crate::ids::{EventId, RegistrationId};
use crate::registration::{Registration, RegistrationStatus};

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
        rejection: None,
        offered_at: None,
        offer_expires_at: None,
        cancel_secret: None,
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
        Some(chrono::Duration::minutes(30)),
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
