//! Moderated registration: requests wait as `pending` until an organiser
//! approves them (a seat or a place in the waiting list by the usual rules at
//! that moment) or rejects them with a reason kept and shown to the person.

mod common;

use chrono::Duration;
use cimi_core::event::{EventKind, EventSpec, Schedule};
use cimi_core::ids::EventId;
use cimi_core::registration::{RegistrationRequest, RegistrationStatus, Seat};
use cimi_core::{Community, Lang};
use common::t0;
use proptest::prelude::*;

fn ask(i: usize) -> RegistrationRequest {
    RegistrationRequest::new(format!("agent{i}@interieur.gouv.fr"))
        .names(format!("Nom{i}"), "Prénom")
        .affiliation("DNUM", "attaché", "chef de projet")
        .acknowledging_all()
}

fn moderated(c: &mut Community, seats: u32, waitlist: bool) -> EventId {
    let s = Schedule::new(
        t0() + Duration::days(30),
        t0() + Duration::days(30) + Duration::hours(2),
    )
    .unwrap();
    let mut spec = EventSpec::new(EventKind::Workshop, "Atelier", s, seats).moderated();
    spec.waitlist = waitlist;
    c.schedule_event(spec, t0()).unwrap()
}

#[test]
fn requests_wait_for_approval_then_follow_the_usual_rules() {
    let mut c = Community::cimi();
    let ev = moderated(&mut c, 1, true);
    let a = c.register(ev, &ask(1), t0()).unwrap().registration;
    let b = c.register(ev, &ask(2), t0()).unwrap().registration;
    assert_eq!(
        (a.status, b.status),
        (RegistrationStatus::Pending, RegistrationStatus::Pending)
    );
    assert_eq!(
        c.occupancy(ev).unwrap().on_site,
        0,
        "a pending request holds no seat"
    );
    assert_eq!(c.check_in(a.id, t0()).unwrap_err().kind(), "not_confirmed");
    // The same person asking again gets their pending request back.
    assert!(c.register(ev, &ask(1), t0()).unwrap().already_registered);

    // Approved in the order the organiser chooses: b first takes the seat.
    let b = c.approve(b.id, t0()).unwrap();
    assert_eq!(
        (b.status, b.seat),
        (RegistrationStatus::Confirmed, Some(Seat::OnSite))
    );
    let a = c.approve(a.id, t0()).unwrap();
    assert_eq!(a.status, RegistrationStatus::Waitlisted);
    assert_eq!(c.approve(a.id, t0()).unwrap_err().kind(), "not_pending");
    // A seat freed goes to the waiting list as usual.
    let freed = c
        .cancel_registration(b.id, t0() + Duration::hours(1))
        .unwrap();
    assert_eq!(freed.promoted, vec![a.id]);
    c.check_invariants().unwrap();
}

#[test]
fn a_rejection_keeps_its_reason_and_a_full_event_without_waitlist_refuses_the_approval() {
    let mut c = Community::cimi();
    let ev = moderated(&mut c, 1, false);
    let a = c.register(ev, &ask(1), t0()).unwrap().registration;
    let b = c.register(ev, &ask(2), t0()).unwrap().registration;
    let d = c.register(ev, &ask(3), t0()).unwrap().registration;
    c.approve(a.id, t0()).unwrap();
    assert_eq!(c.approve(b.id, t0()).unwrap_err().kind(), "event_full");
    assert_eq!(
        c.registration(b.id).unwrap().status,
        RegistrationStatus::Pending,
        "still pending"
    );
    assert_eq!(
        c.reject(b.id, "  ", t0()).unwrap_err().kind(),
        "invalid_input"
    );
    let b = c
        .reject(b.id, "Atelier réservé aux développeurs", t0())
        .unwrap();
    assert_eq!(b.status, RegistrationStatus::Cancelled);
    assert_eq!(
        b.rejection_message(Lang::Fr).unwrap(),
        "Votre demande d'inscription n'a pas été retenue : Atelier réservé aux développeurs"
    );
    assert!(
        b.rejection_message(Lang::En)
            .unwrap()
            .starts_with("Your registration request was not accepted")
    );
    assert_eq!(
        c.reject(b.id, "again", t0()).unwrap_err().kind(),
        "not_pending"
    );
    // The person withdraws a pending request themselves.
    assert!(
        c.cancel_registration(d.id, t0())
            .unwrap()
            .promoted
            .is_empty()
    );
    assert_eq!(c.registration(d.id).unwrap().rejection, None);
    let back = Community::from_json(&c.to_json()).unwrap();
    assert_eq!(back, c);
}

#[derive(Debug, Clone)]
enum Op {
    Register(usize),
    Approve(usize),
    Reject(usize),
    Cancel(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..12usize).prop_map(Op::Register),
        (0..12usize).prop_map(Op::Approve),
        (0..12usize).prop_map(Op::Reject),
        (0..12usize).prop_map(Op::Cancel),
    ]
}

proptest! {
    /// Any mix of requests, approvals, rejections and cancellations: never
    /// overbooked, the invariants hold, and the recorded changes replay to the
    /// same state.
    #[test]
    fn moderation_never_overbooks_and_replays(
        seats in 0u32..4,
        waitlist in any::<bool>(),
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let mut c = Community::cimi();
        c.set_recording(true);
        let ev = moderated(&mut c, seats, waitlist);
        let mut regs = Vec::new();
        for (step, op) in ops.iter().enumerate() {
            let at = t0() + Duration::minutes(step as i64);
            let pick = |i: usize| regs.get(i % regs.len().max(1)).copied();
            let _ = match op {
                Op::Register(i) => c.register(ev, &ask(*i), at).map(|o| regs.push(o.registration.id)),
                Op::Approve(i) => match pick(*i) { Some(id) => c.approve(id, at).map(|_| ()), None => Ok(()) },
                Op::Reject(i) => match pick(*i) { Some(id) => c.reject(id, "non", at).map(|_| ()), None => Ok(()) },
                Op::Cancel(i) => match pick(*i) { Some(id) => c.cancel_registration(id, at).map(|_| ()), None => Ok(()) },
            };
            prop_assert!(c.occupancy(ev).unwrap().on_site <= seats);
            prop_assert!(c.check_invariants().is_ok(), "{:?}", c.check_invariants());
        }
        let mut replica = Community::cimi();
        for change in c.drain_changes() {
            replica.apply(change).unwrap();
        }
        prop_assert_eq!(replica, c);
    }
}
