//! Fixtures shared by the integration tests (`mod common;` in each test file).
#![allow(dead_code)] // each test binary compiles this module and uses only some of it

use std::path::PathBuf;

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use cimi_core::event::{EventKind, EventSpec, Schedule};
use cimi_core::ids::EventId;
use cimi_core::registration::RegistrationRequest;
use cimi_core::{Community, Error};

/// Paris civil time (a date and an hour and minute), as a UTC instant.
pub fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Paris
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// 1 March 2026, 09:00 UTC: the time at which the store tests act.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

/// Schedules, at [`t0`], a two-hour "PostgreSQL" workshop of `seats` seats
/// thirty days later.
pub fn schedule(c: &mut Community, seats: u32) -> Result<EventId, Error> {
    let s = Schedule::new(
        t0() + Duration::days(30),
        t0() + Duration::days(30) + Duration::hours(2),
    )?;
    c.schedule_event(
        EventSpec::new(EventKind::Workshop, "PostgreSQL", s, seats),
        t0(),
    )
}

/// A complete request from `agent{i}@{domain}` ("Nom Prénom", attaché at
/// the DNUM, both obligations acknowledged).
pub fn agent_at(i: usize, domain: &str) -> RegistrationRequest {
    RegistrationRequest::new(format!("agent{i}@{domain}"))
        .names("Nom", "Prénom")
        .affiliation("DNUM", "attaché", "chef de projet")
        .acknowledging(["deontology", "pssi"])
}

/// [`agent_at`] at `interieur.gouv.fr`.
pub fn agent(i: usize) -> RegistrationRequest {
    agent_at(i, "interieur.gouv.fr")
}

/// A complete, valid request from `email` for Alice Martin, attachée at the
/// DNUM, both obligations acknowledged.
pub fn valid(email: &str) -> RegistrationRequest {
    RegistrationRequest::new(email)
        .names("Martin", "Alice")
        .affiliation("DNUM", "attachée", "cheffe de projet")
        .acknowledging(["deontology", "pssi"])
}

/// A directory of this test binary and process under the system's temporary
/// directory, removed first if a previous run left it.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "cimi-{}-{name}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Compares `got` with the golden file `tests/golden/<name>` of the
/// workspace (`name` may start with a subdirectory); with `UPDATE_GOLDEN`
/// set, writes `got` there first.
pub fn golden(name: &str, got: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "output differs from {}; rerun with UPDATE_GOLDEN=1 and review the diff\n{got}",
        path.display()
    );
}

/// A community document without its registrations' cancellation secrets:
/// two communities built apart by the same operations differ only there
/// (each secret is drawn at random when the registration is made).
pub fn without_cancel_secrets(document: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(document).unwrap();
    if let Some(registrations) = value
        .get_mut("registrations")
        .and_then(|r| r.as_array_mut())
    {
        for r in registrations {
            if let Some(r) = r.as_object_mut() {
                r.remove("cancel_secret");
            }
        }
    }
    value.to_string()
}
