//! Per-event admission: an event's own address patterns and audiences narrow
//! or replace the statutes' policy, and each refusal names the rule.

mod common;

use chrono::Duration;
use cimi_core::Community;
use cimi_core::event::{Admission, EventKind, EventSpec, Schedule};
use cimi_core::registration::RegistrationRequest;
use common::t0;

fn ask(email: &str) -> RegistrationRequest {
    RegistrationRequest::new(email)
        .names("Martin", "Alice")
        .affiliation("DNUM", "attachée", "cheffe de projet")
        .acknowledging_all()
}

fn event(c: &mut Community, admission: Admission) -> cimi_core::ids::EventId {
    let s = Schedule::new(
        t0() + Duration::days(30),
        t0() + Duration::days(30) + Duration::hours(2),
    )
    .unwrap();
    c.schedule_event(
        EventSpec::new(EventKind::Workshop, "Atelier", s, 10).with_admission(admission),
        t0(),
    )
    .unwrap()
}

fn kind(c: &mut Community, ev: cimi_core::ids::EventId, email: &str) -> String {
    match c.register(ev, &ask(email), t0()) {
        Ok(o) => o.registration.status.kind().to_string(),
        Err(e) => e.kind().to_string(),
    }
}

#[test]
fn an_event_reserved_to_the_home_ministry_refuses_other_ministries() {
    let mut c = Community::cimi();
    let ev = event(&mut c, Admission::default().audiences(["interieur"]));
    assert_eq!(kind(&mut c, ev, "alice@interieur.gouv.fr"), "confirmed");
    assert_eq!(
        kind(&mut c, ev, "bob@agri.gouv.fr"),
        "audience_not_admitted"
    );
    assert_eq!(
        kind(&mut c, ev, "eve@gmail.com"),
        "address_not_allowed",
        "the statutes refuse first"
    );
    let e = c.register(ev, &ask("bob@agri.gouv.fr"), t0()).unwrap_err();
    assert!(
        e.message(cimi_core::Lang::Fr).contains("interieur"),
        "{}",
        e.message(cimi_core::Lang::Fr)
    );
}

#[test]
fn an_events_patterns_narrow_or_replace_the_policy() {
    let mut c = Community::cimi();
    let narrow = event(
        &mut c,
        Admission::default().allowing(["*@*.interieur.gouv.fr".parse().unwrap()]),
    );
    assert_eq!(
        kind(&mut c, narrow, "a@dgpn.interieur.gouv.fr"),
        "confirmed"
    );
    assert_eq!(
        kind(&mut c, narrow, "b@agri.gouv.fr"),
        "address_not_admitted"
    );
    let towns = event(
        &mut c,
        Admission::default()
            .allowing(["*@paris.fr".parse().unwrap()])
            .replacing_policy(),
    );
    assert_eq!(
        kind(&mut c, towns, "c@paris.fr"),
        "confirmed",
        "outside the statutes' policy, admitted by the event"
    );
    assert_eq!(
        kind(&mut c, towns, "d@interieur.gouv.fr"),
        "address_not_admitted"
    );
}

#[test]
fn admission_is_checked_kept_and_replayed() {
    let mut c = Community::cimi();
    c.set_recording(true);
    let s = Schedule::new(
        t0() + Duration::days(30),
        t0() + Duration::days(30) + Duration::hours(2),
    )
    .unwrap();
    let unknown = EventSpec::new(EventKind::Workshop, "Atelier", s, 10)
        .with_admission(Admission::default().audiences(["nobody"]));
    assert_eq!(
        c.schedule_event(unknown, t0()).unwrap_err().kind(),
        "invalid_input"
    );
    let ev = event(&mut c, Admission::default());
    c.set_admission(ev, Admission::default().audiences(["interieur"]), t0())
        .unwrap();
    assert_eq!(kind(&mut c, ev, "b@agri.gouv.fr"), "audience_not_admitted");
    let back = Community::from_json(&c.to_json()).unwrap();
    assert_eq!(back, c);
    let mut replica = Community::cimi();
    for change in c.drain_changes() {
        replica.apply(change).unwrap();
    }
    assert_eq!(replica.event(ev), c.event(ev));
}
