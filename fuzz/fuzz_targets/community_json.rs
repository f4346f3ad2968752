//! Any bytes as a community document: never a panic; refused with a typed
//! error, or a community that keeps every invariant, writes a document that
//! loads again to an equal community and the same JSON, and keeps its
//! invariants (and its loadability) through a cancellation and a registration
//! on each event.
#![no_main]

use chrono::{DateTime, Utc};
use cimi_core::registration::{AttendanceMode, RegistrationRequest};
use cimi_core::{Community, Lang};
use libfuzzer_sys::fuzz_target;

/// An address the policy allows, derived from its first pattern.
fn allowed_address(c: &Community) -> String {
    let Some(p) = c.statutes().policy.allowed.first() else {
        return "fuzz@interieur.gouv.fr".into();
    };
    let (local, domain) = p.as_str().rsplit_once('@').expect("a pattern has an '@'");
    let local = if local == "*" { "fuzz" } else { local };
    let domain = match domain {
        "*" => "example.org".to_string(),
        d => match d.strip_prefix("*.") {
            Some(suffix) => format!("sub.{suffix}"),
            None => d.to_string(),
        },
    };
    format!("{local}@{domain}")
}

/// Writes and loads back; the same JSON both times.
fn round_trip(c: &Community, what: &str) {
    let doc = c.to_json();
    let back = Community::from_json(&doc)
        .unwrap_or_else(|e| panic!("a document the library wrote ({what}) is refused: {e}"));
    assert!(
        back == *c,
        "{what}: the community changed through to_json/from_json"
    );
    assert_eq!(
        back.to_json(),
        doc,
        "{what}: to_json of the loaded community differs"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut c = match Community::from_json(text) {
        Ok(c) => c,
        Err(e) => {
            assert!(!e.kind().is_empty());
            assert!(!e.message(Lang::Fr).is_empty() && !e.message(Lang::En).is_empty());
            return;
        }
    };
    if let Err(broken) = c.check_invariants() {
        panic!("a loaded community breaks an invariant: {broken}");
    }
    round_trip(&c, "as loaded");

    // A few operations on the loaded state, at an instant before every event.
    let now: DateTime<Utc> = c
        .events()
        .map(|e| e.created_at)
        .min()
        .unwrap_or(DateTime::UNIX_EPOCH);
    let request = RegistrationRequest::new(allowed_address(&c))
        .names("Fuzz", "Cimi")
        .affiliation("DNUM", "attaché", "testeur")
        .acknowledging(
            c.statutes()
                .obligations
                .iter()
                .map(|o| o.id.clone())
                .collect::<Vec<_>>(),
        )
        .attending(AttendanceMode::OnSiteOrRemote);
    let events: Vec<_> = c.events().map(|e| e.id).take(4).collect();
    for event in events {
        let live = c.registrations(event).find(|r| r.is_live()).map(|r| r.id);
        if let Some(id) = live {
            let _ = c.cancel_registration(id, now);
            if let Err(broken) = c.check_invariants() {
                panic!("a cancellation on a loaded community breaks an invariant: {broken}");
            }
        }
        let _ = c.register(event, &request, now);
        if let Err(broken) = c.check_invariants() {
            panic!("a registration on a loaded community breaks an invariant: {broken}");
        }
        let occupancy = c.occupancy(event).expect("a listed event has an occupancy");
        assert!(occupancy.on_site <= occupancy.capacity);
    }
    round_trip(&c, "after operations");
});
