//! One VEVENT: its stable UID, its description in French, its location, its
//! video link, and for an invitation the organizer and the attendee.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::encoding::{escape_text, mailto, param_value, uri_escape};
use super::writer::{Writer, utc};
use crate::address::EmailAddress;
use crate::community::Community;
use crate::event::{Event, EventState};
use crate::i18n::Lang;
use crate::ids::EventId;
use crate::interop::{capitalised, loose_key};
use crate::registration::{Registration, RegistrationStatus, Seat};

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

/// A slug of the community name for UIDs: ASCII letters and digits, accents
/// dropped, other characters as `-`.
pub(super) fn slug(name: &str) -> String {
    let key = loose_key(name);
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
        capitalised(event.kind.label(Lang::Fr)),
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
            (RegistrationStatus::Pending, _) => "en attente de validation",
            (RegistrationStatus::Offered, _) => "une place vous est proposée",
            _ => "annulée",
        };
        let _ = writeln!(d, "Votre inscription : {status}");
        if let (RegistrationStatus::Offered, Some(deadline)) = (r.status, r.offer_expires_at) {
            let _ = writeln!(
                d,
                "Répondez avant le {} (heure de Paris), sinon elle ira à la personne suivante.",
                crate::event::to_paris(deadline).format("%d/%m/%Y %H:%M")
            );
        }
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

/// One VEVENT. `attendee` is the registration of an invitation; `reminder`
/// adds a VALARM that long before the start.
pub(super) fn vevent(
    w: &mut Writer,
    community: &Community,
    event: &Event,
    now: DateTime<Utc>,
    invite: Option<(&Registration, &EmailAddress, &str, &EmailAddress)>,
    reminder: Option<chrono::Duration>,
) {
    let registration_cancelled =
        invite.is_some_and(|(r, ..)| r.status == RegistrationStatus::Cancelled);
    let cancelled = event.state == EventState::Cancelled || registration_cancelled;
    // The event's revision, one more for an attendee whose registration was
    // cancelled while the event stands (their entry is withdrawn).
    let sequence = u64::from(event.revision)
        + u64::from(registration_cancelled && event.state != EventState::Cancelled);
    w.begin("VEVENT");
    w.line("UID", &[], &escape_text(&event_uid(community, event.id)));
    w.line("DTSTAMP", &[], &utc(now));
    w.line("CREATED", &[], &utc(event.created_at));
    w.line("SEQUENCE", &[], &sequence.to_string());
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
            RegistrationStatus::Pending | RegistrationStatus::Offered => "NEEDS-ACTION",
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
    if let Some(before) = reminder.filter(|_| !cancelled) {
        w.begin("VALARM");
        w.line("ACTION", &[], "DISPLAY");
        w.text("DESCRIPTION", &event.title);
        w.line("TRIGGER", &[], &trigger(before));
        w.end("VALARM");
    }
    w.end("VEVENT");
}

/// A TRIGGER before the start (RFC 5545 §3.3.6 duration): `-PT30M`, `-P1DT2H`.
fn trigger(before: chrono::Duration) -> String {
    let secs = before.num_seconds().max(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    let mut out = String::from("-P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if rest > 0 || days == 0 {
        out.push('T');
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if s > 0 || (h == 0 && m == 0) {
            out.push_str(&format!("{s}S"));
        }
    }
    out
}
