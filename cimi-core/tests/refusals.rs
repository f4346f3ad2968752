//! One test per refusal kind, plus idempotence and the remote rules.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use cimi_core::event::{EventKind, EventSpec, RemoteBroadcast, Schedule};
use cimi_core::ids::EventId;
use cimi_core::registration::{
    AttendanceMode, Field, Refusal, RegistrationRequest, RegistrationStatus, Seat,
};
use cimi_core::{Community, Error, Lang};
use common::valid;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap()
}

fn schedule() -> Schedule {
    let start = Utc.with_ymd_and_hms(2017, 12, 12, 11, 30, 0).unwrap();
    Schedule::new(start, start + Duration::hours(2)).unwrap()
}

fn community(capacity: u32, edit: impl FnOnce(EventSpec) -> EventSpec) -> (Community, EventId) {
    let mut c = Community::cimi();
    let spec = edit(EventSpec::new(
        EventKind::Miditech,
        "L'État plateforme",
        schedule(),
        capacity,
    ));
    let id = c.schedule_event(spec, now()).unwrap();
    (c, id)
}

fn refusal(
    c: &mut Community,
    ev: EventId,
    req: &RegistrationRequest,
    at: DateTime<Utc>,
) -> Refusal {
    match c.register(ev, req, at) {
        Err(Error::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn invalid_address() {
    let (mut c, ev) = community(10, |s| s);
    let r = refusal(&mut c, ev, &valid("alice(c)@agri.gouv.fr"), now());
    assert_eq!(r.kind(), "invalid_address");
    assert!(r.message(Lang::Fr).starts_with("adresse invalide"));
}

#[test]
fn address_not_allowed() {
    let (mut c, ev) = community(10, |s| s);
    for email in [
        "alice@gmail.com",
        "alice@gouv.fr",
        "alice@evilgouv.fr",
        "alice@agri.gouv.fr.evil.com",
    ] {
        let r = refusal(&mut c, ev, &valid(email), now());
        assert_eq!(r.kind(), "address_not_allowed", "{email}");
        assert!(r.message(Lang::En).contains("*@*.gouv.fr"));
    }
    assert_eq!(c.members().count(), 0, "a refusal creates no member");
}

#[test]
fn missing_field() {
    let (mut c, ev) = community(10, |s| s);
    for field in Field::ALL {
        let mut req = valid("alice@interieur.gouv.fr");
        match field {
            Field::FamilyName => req.family_name = "   ".into(),
            Field::GivenName => req.given_name = String::new(),
            Field::Service => req.service = "\u{a0} ".into(),
            Field::Grade => req.grade = String::new(),
            Field::Function => req.function = String::new(),
            _ => unreachable!(),
        }
        let r = refusal(&mut c, ev, &req, now());
        assert_eq!(r, Refusal::MissingField { field });
    }
}

#[test]
fn field_too_long() {
    let (mut c, ev) = community(10, |s| s);
    let mut req = valid("alice@interieur.gouv.fr");
    req.function = "é".repeat(201);
    assert_eq!(
        refusal(&mut c, ev, &req, now()),
        Refusal::FieldTooLong {
            field: Field::Function,
            max: 200
        }
    );
    req.function = "é".repeat(200);
    assert!(
        c.register(ev, &req, now()).is_ok(),
        "the limit counts characters, not bytes"
    );
}

#[test]
fn invalid_field() {
    let (mut c, ev) = community(10, |s| s);
    let mut req = valid("alice@interieur.gouv.fr");
    req.family_name = "Martin\r\nBcc: x".into();
    assert_eq!(refusal(&mut c, ev, &req, now()).kind(), "invalid_field");
    req.family_name = "Mar\u{202E}tin".into();
    assert_eq!(refusal(&mut c, ev, &req, now()).kind(), "invalid_field");
}

#[test]
fn obligation_not_acknowledged() {
    let (mut c, ev) = community(10, |s| s);
    let mut req = valid("alice@interieur.gouv.fr");
    req.acknowledged.remove("pssi");
    let r = refusal(&mut c, ev, &req, now());
    assert_eq!(
        r,
        Refusal::ObligationNotAcknowledged {
            obligation: "pssi".into()
        }
    );
    assert!(r.message(Lang::Fr).contains("pssi"));
}

#[test]
fn registration_not_open_yet() {
    let opens = now() + Duration::days(2);
    let (mut c, ev) = community(10, |s| s.with_window(Some(opens), None));
    let r = refusal(&mut c, ev, &valid("alice@interieur.gouv.fr"), now());
    assert_eq!(r.kind(), "registration_not_open_yet");
    assert!(
        r.message(Lang::Fr).contains("22/11/2017 à 10:00"),
        "{}",
        r.message(Lang::Fr)
    );
    assert!(
        c.register(ev, &valid("alice@interieur.gouv.fr"), opens)
            .is_ok()
    );

    let (mut c, ev) = community(10, |mut s| {
        s.draft = true;
        s
    });
    assert_eq!(
        refusal(&mut c, ev, &valid("alice@interieur.gouv.fr"), now()).kind(),
        "registration_not_open_yet"
    );
    c.open_registration(ev, now()).unwrap();
    assert!(
        c.register(ev, &valid("alice@interieur.gouv.fr"), now())
            .is_ok()
    );
}

#[test]
fn registration_closed() {
    let closes = now() + Duration::days(1);
    let (mut c, ev) = community(10, |s| s.with_window(None, Some(closes)));
    assert_eq!(
        refusal(&mut c, ev, &valid("a@interieur.gouv.fr"), closes).kind(),
        "registration_closed"
    );
    let (mut c, ev) = community(10, |s| s);
    // Without a window, registration closes when the event starts.
    assert_eq!(
        refusal(
            &mut c,
            ev,
            &valid("a@interieur.gouv.fr"),
            schedule().starts_at
        )
        .kind(),
        "registration_closed"
    );
    c.close_registration(ev, now()).unwrap();
    assert_eq!(
        refusal(&mut c, ev, &valid("a@interieur.gouv.fr"), now()).kind(),
        "registration_closed"
    );
}

#[test]
fn event_cancelled() {
    let (mut c, ev) = community(10, |s| s);
    c.cancel_event(ev, now()).unwrap();
    assert_eq!(
        refusal(&mut c, ev, &valid("a@interieur.gouv.fr"), now()).kind(),
        "event_cancelled"
    );
}

#[test]
fn event_full_without_waiting_list() {
    let (mut c, ev) = community(1, |mut s| {
        s.waitlist = false;
        s
    });
    c.register(ev, &valid("a@interieur.gouv.fr"), now())
        .unwrap();
    let r = refusal(&mut c, ev, &valid("b@interieur.gouv.fr"), now());
    assert_eq!(r, Refusal::EventFull);
    assert_eq!(r.message(Lang::Fr), "l'événement est complet");
}

#[test]
fn remote_unavailable_and_full() {
    let (mut c, ev) = community(1, |s| s);
    let req = valid("a@interieur.gouv.fr").attending(AttendanceMode::Remote);
    assert_eq!(
        refusal(&mut c, ev, &req, now()).kind(),
        "remote_unavailable"
    );

    let (mut c, ev) = community(1, |s| {
        s.with_remote(RemoteBroadcast {
            url: "https://visio/x".into(),
            capacity: Some(1),
        })
    });
    let out = c.register(ev, &req, now()).unwrap();
    assert_eq!(out.registration.seat, Some(Seat::Remote));
    let req2 = valid("b@interieur.gouv.fr").attending(AttendanceMode::Remote);
    assert_eq!(refusal(&mut c, ev, &req2, now()).kind(), "remote_full");
}

#[test]
fn full_room_confirms_remote_and_keeps_waiting_place() {
    let (mut c, ev) = community(1, |s| {
        s.with_remote(RemoteBroadcast {
            url: "https://visio/x".into(),
            capacity: None,
        })
    });
    let first = c
        .register(ev, &valid("a@interieur.gouv.fr"), now())
        .unwrap();
    let flexible = valid("b@agri.gouv.fr").attending(AttendanceMode::OnSiteOrRemote);
    let second = c.register(ev, &flexible, now()).unwrap().registration;
    assert_eq!(second.status, RegistrationStatus::Confirmed);
    assert_eq!(second.seat, Some(Seat::Remote));
    assert!(second.waiting_for_seat);
    assert_eq!(c.waiting_list(ev), vec![second.id]);

    let cancel = c.cancel_registration(first.registration.id, now()).unwrap();
    assert_eq!(cancel.promoted, vec![second.id]);
    let promoted = c.registration(second.id).unwrap();
    assert_eq!(promoted.seat, Some(Seat::OnSite));
    assert!(!promoted.waiting_for_seat);
    assert_eq!(c.occupancy(ev).unwrap().remote, 0);
}

#[test]
fn same_person_twice_gets_the_same_registration() {
    let (mut c, ev) = community(5, |s| s);
    let a = c
        .register(ev, &valid("Alice.Martin@AGRI.GOUV.FR"), now())
        .unwrap();
    let b = c
        .register(
            ev,
            &valid("alice.martin@agri.gouv.fr"),
            now() + Duration::hours(1),
        )
        .unwrap();
    assert!(!a.already_registered);
    assert!(b.already_registered);
    assert_eq!(a.registration, b.registration);
    assert_eq!(c.members().count(), 1);
    assert_eq!(
        c.member(a.registration.member).unwrap().email.as_str(),
        "Alice.Martin@agri.gouv.fr"
    );
    // Even an incomplete repeat gets the existing registration back.
    let c2 = c
        .register(
            ev,
            &RegistrationRequest::new("ALICE.MARTIN@agri.gouv.fr"),
            now(),
        )
        .unwrap();
    assert!(c2.already_registered);
    // After a cancellation, asking again is a new request at the end of the line.
    c.cancel_registration(a.registration.id, now()).unwrap();
    let d = c
        .register(ev, &valid("alice.martin@agri.gouv.fr"), now())
        .unwrap();
    assert!(!d.already_registered);
    assert!(d.registration.id > a.registration.id);
}

#[test]
fn quotas_per_audience_and_promotion_order() {
    let (mut c, ev) = community(3, |s| s.with_quota("other_ministries", 1));
    let a = c
        .register(ev, &valid("a@agri.gouv.fr"), now())
        .unwrap()
        .registration;
    let b = c
        .register(ev, &valid("b@finances.gouv.fr"), now())
        .unwrap()
        .registration;
    let x = c
        .register(ev, &valid("x@interieur.gouv.fr"), now())
        .unwrap()
        .registration;
    let y = c
        .register(ev, &valid("y@interieur.gouv.fr"), now())
        .unwrap()
        .registration;
    let z = c
        .register(ev, &valid("z@interieur.gouv.fr"), now())
        .unwrap()
        .registration;
    assert_eq!(a.status, RegistrationStatus::Confirmed);
    assert_eq!(
        b.status,
        RegistrationStatus::Waitlisted,
        "other ministries' quota is 1"
    );
    assert_eq!(x.status, RegistrationStatus::Confirmed);
    assert_eq!(y.status, RegistrationStatus::Confirmed);
    assert_eq!(z.status, RegistrationStatus::Waitlisted);
    assert_eq!(c.waiting_list(ev), vec![b.id, z.id]);
    // An interieur seat frees: b waits longer but its audience has no room; z gets it.
    let out = c.cancel_registration(x.id, now()).unwrap();
    assert_eq!(out.promoted, vec![z.id]);
    // An other-ministries seat frees: b gets it.
    let out = c.cancel_registration(a.id, now()).unwrap();
    assert_eq!(out.promoted, vec![b.id]);
}

#[test]
fn cancel_twice_is_idempotent_and_unknown_ids_are_not_found() {
    let (mut c, ev) = community(5, |s| s);
    let r = c
        .register(ev, &valid("a@interieur.gouv.fr"), now())
        .unwrap()
        .registration;
    let first = c.cancel_registration(r.id, now()).unwrap();
    let again = c
        .cancel_registration(r.id, now() + Duration::hours(1))
        .unwrap();
    assert_eq!(first.registration, again.registration);
    assert_eq!(
        c.cancel_registration(cimi_core::ids::RegistrationId::new(999), now())
            .unwrap_err()
            .kind(),
        "registration_not_found"
    );
    assert_eq!(
        c.register(EventId::new(42), &valid("a@interieur.gouv.fr"), now())
            .unwrap_err()
            .kind(),
        "event_not_found"
    );
}

#[test]
fn every_refusal_kind_is_distinct_and_bilingual() {
    let examples = Refusal::examples();
    let mut kinds: Vec<_> = examples.iter().map(Refusal::kind).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), examples.len());
    for r in &examples {
        assert_ne!(r.message(Lang::Fr), r.message(Lang::En), "{}", r.kind());
        assert!(!r.message(Lang::Fr).is_empty());
    }
}

#[test]
fn check_in_and_no_show() {
    let (mut c, ev) = community(5, |s| s);
    let a = c
        .register(ev, &valid("a@interieur.gouv.fr"), now())
        .unwrap()
        .registration;
    let b = c
        .register(ev, &valid("b@interieur.gouv.fr"), now())
        .unwrap()
        .registration;
    let start = schedule().starts_at;
    c.check_in(a.id, start).unwrap();
    assert_eq!(
        c.mark_held(ev, start - Duration::minutes(5))
            .unwrap_err()
            .kind(),
        "event_not_started"
    );
    c.mark_held(ev, start + Duration::hours(2)).unwrap();
    use cimi_core::registration::Attendance;
    assert_eq!(
        c.registration(a.id).unwrap().attendance(true),
        Attendance::Attended
    );
    assert_eq!(
        c.registration(b.id).unwrap().attendance(true),
        Attendance::NoShow
    );
    assert_eq!(
        c.check_in(b.id, start).unwrap_err().kind(),
        "check_in_not_possible"
    );
    assert_eq!(
        c.cancel_registration(b.id, start).unwrap_err().kind(),
        "event_over"
    );
}
