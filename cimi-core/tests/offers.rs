//! Waitlist offers with a deadline, self-service cancellation with a secret
//! token, and the check-in window.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use cimi_core::Community;
use cimi_core::change::Action;
use cimi_core::error::Detail;
use cimi_core::event::{EventKind, EventSpec, RemoteBroadcast, Schedule, WaitlistOffers};
use cimi_core::ids::{EventId, RegistrationId};
use cimi_core::registration::{AttendanceMode, RegistrationStatus, Seat};
use common::{agent, agent_at, t0};
use proptest::prelude::*;

fn starts() -> DateTime<Utc> {
    t0() + Duration::days(10)
}

fn spec(seats: u32) -> EventSpec {
    let s = Schedule::new(starts(), starts() + Duration::hours(2)).unwrap();
    EventSpec::new(EventKind::Workshop, "Atelier", s, seats)
}

fn with_offers(c: &mut Community, seats: u32, hold: Duration, cutoff: Duration) -> EventId {
    let offers = WaitlistOffers::new(hold).with_cutoff(cutoff);
    c.schedule_event(spec(seats).with_waitlist_offers(offers), t0())
        .unwrap()
}

fn status(c: &Community, id: RegistrationId) -> RegistrationStatus {
    c.registration(id).unwrap().status
}

#[test]
fn a_freed_seat_is_offered_to_the_earliest_waiting_who_accepts_or_declines() {
    let mut c = Community::cimi();
    let ev = with_offers(&mut c, 1, Duration::hours(48), Duration::zero());
    let a = c.register(ev, &agent(1), t0()).unwrap().registration.id;
    let b = c.register(ev, &agent(2), t0()).unwrap().registration.id;
    let d = c.register(ev, &agent(3), t0()).unwrap().registration.id;
    let at = t0() + Duration::hours(1);
    let freed = c.cancel_registration(a, at).unwrap();
    assert_eq!(freed.promoted, vec![b]);
    let offer = c.registration(b).unwrap().clone();
    assert_eq!(offer.status, RegistrationStatus::Offered);
    assert_eq!(offer.seat, Some(Seat::OnSite));
    assert_eq!(offer.offered_at, Some(at));
    assert_eq!(offer.offer_expires_at, Some(at + Duration::hours(48)));
    assert!(!offer.holds_seat() && offer.takes_seat());
    let o = c.occupancy(ev).unwrap();
    assert_eq!((o.on_site, o.offered, o.waiting), (1, 1, 1));
    // The offer holds the seat: a newcomer waits.
    let e = c.register(ev, &agent(4), at).unwrap().registration;
    assert_eq!(e.status, RegistrationStatus::Waitlisted);
    // b declines: d, next in line, gets the offer.
    let declined = c.decline_offer(b, at + Duration::hours(2)).unwrap();
    assert_eq!(declined.registration.status, RegistrationStatus::Cancelled);
    assert_eq!(declined.promoted, vec![d]);
    assert_eq!(
        c.decline_offer(b, at).unwrap_err().kind(),
        "not_offered",
        "answered once"
    );
    // d accepts.
    let accepted = c.accept_offer(d, at + Duration::hours(3)).unwrap();
    assert_eq!(accepted.status, RegistrationStatus::Confirmed);
    assert_eq!(accepted.confirmed_at, Some(at + Duration::hours(3)));
    assert_eq!(accepted.promoted_at, Some(at + Duration::hours(3)));
    assert!(accepted.holds_seat());
    assert_eq!(c.occupancy(ev).unwrap().offered, 0);
    assert_eq!(c.accept_offer(e.id, at).unwrap_err().kind(), "not_offered");
    c.check_invariants().unwrap();
}

#[test]
fn an_offer_expires_at_its_deadline_and_goes_to_the_next_in_line() {
    let mut c = Community::cimi();
    c.set_recording(true);
    let ev = with_offers(&mut c, 1, Duration::hours(48), Duration::zero());
    let a = c.register(ev, &agent(1), t0()).unwrap().registration.id;
    let b = c.register(ev, &agent(2), t0()).unwrap().registration.id;
    let d = c.register(ev, &agent(3), t0()).unwrap().registration.id;
    c.cancel_registration(a, t0()).unwrap();
    let deadline = t0() + Duration::hours(48);
    // Past the deadline, accepting is refused and changes nothing.
    let before = c.clone();
    let err = c.accept_offer(b, deadline).unwrap_err();
    assert_eq!(err.kind(), "offer_expired");
    assert_eq!(
        err.details(),
        vec![("expired_at", Detail::Instant(deadline))]
    );
    assert_eq!(c, before);
    // The periodic job expires it and offers the seat to d.
    let later = deadline + Duration::hours(5);
    let round = c.expire_offers(later).unwrap();
    assert_eq!((round.expired, round.promoted), (vec![b], vec![d]));
    let b_now = c.registration(b).unwrap();
    assert_eq!(b_now.status, RegistrationStatus::Cancelled);
    assert_eq!(
        b_now.cancelled_at,
        Some(deadline),
        "cancelled at its deadline"
    );
    assert_eq!(
        c.registration(d).unwrap().offer_expires_at,
        Some(later + Duration::hours(48))
    );
    // A second pass at the same instant does nothing.
    assert_eq!(c.expire_offers(later).unwrap(), Default::default());
    let actions: Vec<Action> = c.drain_changes().into_iter().map(|ch| ch.action).collect();
    assert!(actions.contains(&Action::OfferMade));
    assert!(actions.contains(&Action::OfferExpired));
    c.check_invariants().unwrap();
}

#[test]
fn any_operation_at_a_later_instant_sees_expired_offers_as_expired() {
    let mut c = Community::cimi();
    let ev = with_offers(&mut c, 1, Duration::hours(24), Duration::zero());
    let a = c.register(ev, &agent(1), t0()).unwrap().registration.id;
    let b = c.register(ev, &agent(2), t0()).unwrap().registration.id;
    let d = c.register(ev, &agent(3), t0()).unwrap().registration.id;
    c.cancel_registration(a, t0()).unwrap();
    // A newcomer two days later: b's offer expired first, d has it now,
    // and the newcomer waits behind.
    let later = t0() + Duration::days(2);
    let e = c.register(ev, &agent(4), later).unwrap().registration;
    assert_eq!(status(&c, b), RegistrationStatus::Cancelled);
    assert_eq!(status(&c, d), RegistrationStatus::Offered);
    assert_eq!(e.status, RegistrationStatus::Waitlisted);
    c.check_invariants().unwrap();
}

#[test]
fn the_deadline_never_runs_past_the_cutoff_and_after_it_seats_are_given_at_once() {
    let mut c = Community::cimi();
    let ev = with_offers(&mut c, 1, Duration::hours(72), Duration::hours(24));
    let a = c.register(ev, &agent(1), t0()).unwrap().registration.id;
    let b = c.register(ev, &agent(2), t0()).unwrap().registration.id;
    let d = c.register(ev, &agent(3), t0()).unwrap().registration.id;
    // Two days before the start: 72 h would run past the cut-off.
    let at = starts() - Duration::hours(48);
    c.cancel_registration(a, at).unwrap();
    assert_eq!(
        c.registration(b).unwrap().offer_expires_at,
        Some(starts() - Duration::hours(24))
    );
    // b declines after the cut-off: d gets the seat at once.
    let late = starts() - Duration::hours(12);
    let declined = c.decline_offer(b, starts() - Duration::hours(30)).unwrap();
    assert_eq!(declined.promoted, vec![d]);
    assert_eq!(status(&c, d), RegistrationStatus::Offered);
    c.cancel_registration(d, late).unwrap();
    assert_eq!(c.occupancy(ev).unwrap().on_site, 0, "nobody left waiting");
    let e = c.register(ev, &agent(4), late).unwrap().registration;
    assert_eq!(e.status, RegistrationStatus::Confirmed);
    let f = c.register(ev, &agent(5), late).unwrap().registration;
    c.cancel_registration(e.id, late + Duration::hours(1))
        .unwrap();
    let f = c.registration(f.id).unwrap();
    assert_eq!(
        (f.status, f.offered_at),
        (RegistrationStatus::Confirmed, None),
        "promoted at once after the cut-off"
    );
    c.check_invariants().unwrap();
}

#[test]
fn someone_following_remotely_while_waiting_gets_the_seat_at_once() {
    let mut c = Community::cimi();
    let offers = WaitlistOffers::new(Duration::hours(48));
    let ev = c
        .schedule_event(
            spec(1)
                .with_waitlist_offers(offers)
                .with_remote(RemoteBroadcast {
                    url: "https://visio.example/a".into(),
                    capacity: None,
                }),
            t0(),
        )
        .unwrap();
    let a = c.register(ev, &agent(1), t0()).unwrap().registration.id;
    let flexible = agent(2).attending(AttendanceMode::OnSiteOrRemote);
    let b = c.register(ev, &flexible, t0()).unwrap().registration;
    assert_eq!(
        (b.status, b.seat, b.waiting_for_seat),
        (RegistrationStatus::Confirmed, Some(Seat::Remote), true)
    );
    let d = c.register(ev, &agent(3), t0()).unwrap().registration.id;
    c.cancel_registration(a, t0()).unwrap();
    let b = c.registration(b.id).unwrap();
    assert_eq!(
        (b.status, b.seat),
        (RegistrationStatus::Confirmed, Some(Seat::OnSite))
    );
    assert_eq!(status(&c, d), RegistrationStatus::Waitlisted);
    c.check_invariants().unwrap();
}

#[test]
fn offers_are_checked_when_the_event_is_scheduled() {
    let mut c = Community::cimi();
    let bad = [
        WaitlistOffers::new(Duration::seconds(10)),
        WaitlistOffers::new(Duration::days(31)),
        WaitlistOffers::new(Duration::hours(1)).with_cutoff(Duration::hours(-1)),
        WaitlistOffers::new(Duration::hours(1)).with_cutoff(Duration::days(400)),
    ];
    for offers in bad {
        let err = c
            .schedule_event(spec(3).with_waitlist_offers(offers), t0())
            .unwrap_err();
        assert_eq!(err.kind(), "invalid_input", "{offers:?}");
    }
    let mut no_list = spec(3).with_waitlist_offers(WaitlistOffers::new(Duration::hours(1)));
    no_list.waitlist = false;
    assert_eq!(
        c.schedule_event(no_list, t0()).unwrap_err().kind(),
        "invalid_input"
    );
    assert_eq!(c.events().count(), 0);
}

#[test]
fn offers_follow_quotas_and_skip_a_full_audience() {
    let mut c = Community::cimi();
    let offers = WaitlistOffers::new(Duration::hours(48));
    let ev = c
        .schedule_event(
            spec(2)
                .with_quota("other_ministries", 1)
                .with_waitlist_offers(offers),
            t0(),
        )
        .unwrap();
    let a = c.register(ev, &agent(1), t0()).unwrap().registration.id;
    c.register(ev, &agent_at(2, "agri.gouv.fr"), t0()).unwrap();
    let other = c
        .register(ev, &agent_at(3, "agri.gouv.fr"), t0())
        .unwrap()
        .registration
        .id;
    let home = c.register(ev, &agent(4), t0()).unwrap().registration.id;
    // The home ministry's seat frees: the other ministry is at its quota,
    // so the offer skips its earlier request.
    assert_eq!(c.cancel_registration(a, t0()).unwrap().promoted, vec![home]);
    assert_eq!(status(&c, other), RegistrationStatus::Waitlisted);
    c.check_invariants().unwrap();
}

// ----- cancellation tokens ------------------------------------------------------

#[test]
fn a_token_cancels_its_registration_once_and_only_its_own() {
    let mut c = Community::cimi();
    let ev = c.schedule_event(spec(1), t0()).unwrap();
    let other_event = c.schedule_event(spec(5), t0()).unwrap();
    let a = c.register(ev, &agent(1), t0()).unwrap().registration;
    let b = c.register(ev, &agent(2), t0()).unwrap().registration;
    let token = a.cancel_token().unwrap();
    assert_ne!(Some(&token), b.cancel_token().as_ref());
    assert!(
        !format!("{a:?}").contains(&token.as_str()[3..]),
        "Debug hides the secret"
    );
    assert_eq!(format!("{token:?}"), "CancelToken(…)");

    let before = c.clone();
    let wrong_secret = format!("{}-{}", a.id.get(), "0".repeat(32));
    let b_secret = b
        .cancel_token()
        .unwrap()
        .as_str()
        .split_once('-')
        .unwrap()
        .1
        .to_string();
    let swapped = format!("{}-{b_secret}", a.id.get());
    for bad in [
        "",
        "garbage",
        "1-",
        "-abc",
        "99999-00000000000000000000000000000000",
        "18446744073709551616-00000000000000000000000000000000",
        &wrong_secret,
        &swapped,
        &token.as_str().to_uppercase(),
    ] {
        let err = c.cancel_by_token(bad, None, t0()).unwrap_err();
        assert_eq!(err.kind(), "invalid_token", "{bad:?}");
        assert!(!err.to_string().contains(bad) || bad.is_empty());
    }
    // Another event's page: the token is refused alike.
    assert_eq!(
        c.cancel_by_token(token.as_str(), Some(other_event), t0())
            .unwrap_err()
            .kind(),
        "invalid_token"
    );
    assert_eq!(c, before, "refusals change nothing");

    let done = c.cancel_by_token(token.as_str(), Some(ev), t0()).unwrap();
    assert_eq!(done.registration.id, a.id);
    assert_eq!(done.registration.status, RegistrationStatus::Cancelled);
    assert_eq!(done.promoted, vec![b.id]);
    // Used again (the link clicked twice): the same answer, nothing changes.
    let after = c.clone();
    let again = c.cancel_by_token(token.as_str(), None, t0()).unwrap();
    assert_eq!(again.registration, done.registration);
    assert!(again.promoted.is_empty());
    assert_eq!(c, after);
}

#[test]
fn tokens_close_at_the_cancellation_deadline_but_organisers_still_cancel() {
    let mut c = Community::cimi();
    let closes = starts() - Duration::days(2);
    let ev = c
        .schedule_event(spec(3).with_cancellation_deadline(closes), t0())
        .unwrap();
    let a = c.register(ev, &agent(1), t0()).unwrap().registration;
    let b = c.register(ev, &agent(2), t0()).unwrap().registration;
    let err = c
        .cancel_by_token(a.cancel_token().unwrap().as_str(), None, closes)
        .unwrap_err();
    assert_eq!(err.kind(), "cancellation_closed");
    assert_eq!(err.details(), vec![("closed_at", Detail::Instant(closes))]);
    assert!(err.message(cimi_core::Lang::Fr).contains("organisateurs"));
    assert!(c.cancel_registration(a.id, closes).is_ok());
    // Without a deadline of its own, an event closes them at its start.
    assert_eq!(c.event(ev).unwrap().self_cancellation_deadline(), closes);
    assert!(
        c.cancel_by_token(
            b.cancel_token().unwrap().as_str(),
            None,
            closes - Duration::seconds(1)
        )
        .is_ok()
    );
}

#[test]
fn tokens_survive_the_document_and_the_journal() {
    let mut c = Community::cimi();
    c.set_recording(true);
    let ev = c.schedule_event(spec(3), t0()).unwrap();
    let a = c.register(ev, &agent(1), t0()).unwrap().registration;
    let mut back = Community::from_json(&c.to_json()).unwrap();
    assert_eq!(
        back.registration(a.id).unwrap().cancel_token(),
        a.cancel_token()
    );
    let mut replica = Community::cimi();
    for change in c.drain_changes() {
        replica.apply(change).unwrap();
    }
    assert_eq!(replica, c);
    assert!(
        back.cancel_by_token(a.cancel_token().unwrap().as_str(), None, t0())
            .is_ok()
    );
}

// ----- check-in window ------------------------------------------------------------

#[test]
fn check_in_is_refused_outside_a_window_around_the_event() {
    let mut c = Community::cimi();
    let ev = c.schedule_event(spec(3), t0()).unwrap();
    let a = c.register(ev, &agent(1), t0()).unwrap().registration;
    let (opens, closes) = c.event(ev).unwrap().check_in_window();
    assert_eq!(opens, starts() - Duration::hours(24));
    assert_eq!(closes, starts() + Duration::hours(26));
    for at in [
        t0(),
        opens - Duration::seconds(1),
        closes + Duration::seconds(1),
    ] {
        let err = c.check_in(a.id, at).unwrap_err();
        assert_eq!(err.kind(), "check_in_outside_window");
        assert_eq!(
            err.details(),
            vec![
                ("opens_at", Detail::Instant(opens)),
                ("closes_at", Detail::Instant(closes))
            ]
        );
    }
    assert_eq!(c.check_in(a.id, opens).unwrap().checked_in_at, Some(opens));
    let b = c.register(ev, &agent(2), t0()).unwrap().registration;
    assert!(c.check_in(b.id, closes).is_ok());
}

// ----- property: offers mixed with everything else ----------------------------

#[derive(Debug, Clone)]
enum Op {
    Register(usize, bool),
    Cancel(usize),
    CancelByToken(usize),
    Accept(usize),
    Decline(usize),
    Expire,
    Approve(usize),
    Reject(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..16usize, any::<bool>()).prop_map(|(i, other)| Op::Register(i, other)),
        2 => (0..16usize).prop_map(Op::Cancel),
        1 => (0..16usize).prop_map(Op::CancelByToken),
        2 => (0..16usize).prop_map(Op::Accept),
        1 => (0..16usize).prop_map(Op::Decline),
        1 => Just(Op::Expire),
        1 => (0..16usize).prop_map(Op::Approve),
        1 => (0..16usize).prop_map(Op::Reject),
    ]
}

/// The waiting list with each registration's audience, in order.
fn waiting(c: &Community, ev: EventId) -> Vec<(RegistrationId, Option<String>)> {
    c.waiting_list(ev)
        .into_iter()
        .map(|id| {
            (
                id,
                c.registration(id)
                    .unwrap()
                    .audience
                    .as_deref()
                    .map(str::to_string),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    /// Any mix of requests, cancellations (by id or token), offers accepted,
    /// declined and expired at random instants, approvals and rejections:
    /// never overbooked, no quota exceeded (the invariants), every seat given
    /// or offered goes to the earliest eligible waiting registration, and
    /// the journal replays to the same state.
    #[test]
    fn offers_never_overbook_respect_the_waiting_order_and_replay(
        seats in 0u32..4,
        quota in proptest::option::of(0u32..3),
        moderated in any::<bool>(),
        hold_hours in 1i64..72,
        cutoff_hours in 0i64..72,
        ops in proptest::collection::vec((op(), 0i64..(36 * 60)), 1..60),
    ) {
        let mut c = Community::cimi();
        c.set_recording(true);
        let mut spec = spec(seats).with_waitlist_offers(
            WaitlistOffers::new(Duration::hours(hold_hours)).with_cutoff(Duration::hours(cutoff_hours)),
        );
        if let Some(q) = quota {
            spec = spec.with_quota("other_ministries", q);
        }
        spec.moderated = moderated;
        let ev = c.schedule_event(spec, t0()).unwrap();
        let mut journal = c.drain_changes();
        let mut regs: Vec<RegistrationId> = Vec::new();
        let mut at = t0();
        for (op, minutes) in ops {
            at += Duration::minutes(minutes);
            let pick = |i: usize| regs.get(i % regs.len().max(1)).copied();
            let before = waiting(&c, ev);
            let mut state = c.clone();
            let journal_len = state.drain_changes().len();
            let result = match op {
                Op::Register(i, other) => {
                    let ask = if other { agent_at(i, "agri.gouv.fr") } else { agent(i) };
                    c.register(ev, &ask, at).map(|o| regs.push(o.registration.id))
                }
                Op::Cancel(i) => pick(i).map_or(Ok(()), |id| c.cancel_registration(id, at).map(|_| ())),
                Op::CancelByToken(i) => pick(i).map_or(Ok(()), |id| {
                    let token = c.registration(id).unwrap().cancel_token().unwrap();
                    c.cancel_by_token(token.as_str(), Some(ev), at).map(|_| ())
                }),
                Op::Accept(i) => pick(i).map_or(Ok(()), |id| c.accept_offer(id, at).map(|_| ())),
                Op::Decline(i) => pick(i).map_or(Ok(()), |id| c.decline_offer(id, at).map(|_| ())),
                Op::Expire => c.expire_offers(at).map(|_| ()),
                Op::Approve(i) => pick(i).map_or(Ok(()), |id| c.approve(id, at).map(|_| ())),
                Op::Reject(i) => pick(i).map_or(Ok(()), |id| c.reject(id, "non", at).map(|_| ())),
            };
            if result.is_err() {
                // A refusal changes nothing, not even the offers it found due.
                let mut now = c.clone();
                prop_assert_eq!(now.drain_changes().len(), journal_len);
                prop_assert_eq!(&now, &state);
            }
            let occupancy = c.occupancy(ev).unwrap();
            prop_assert!(occupancy.on_site <= seats);
            prop_assert!(c.check_invariants().is_ok(), "{:?}", c.check_invariants());
            // Seats given or offered during this operation went in waiting
            // order: nobody earlier is still waiting whose audience could
            // have taken that seat.
            let changes = c.drain_changes();
            let moved: Vec<RegistrationId> = changes
                .iter()
                .filter(|ch| matches!(ch.action, Action::Promoted | Action::OfferMade))
                .filter_map(|ch| match &ch.record {
                    cimi_core::change::Record::Registration(r) => Some(r.id),
                    _ => None,
                })
                .collect();
            let still: BTreeMap<RegistrationId, Option<String>> = waiting(&c, ev).into_iter().collect();
            let quota_full = |aud: &Option<String>| {
                aud.as_deref().is_some_and(|a| {
                    quota.is_some() && a == "other_ministries"
                        && occupancy.on_site_by_audience.get(a).copied().unwrap_or(0) >= quota.unwrap()
                })
            };
            for r in &moved {
                let r_aud = c.registration(*r).unwrap().audience.as_deref().map(str::to_string);
                for (w, w_aud) in before.iter().filter(|(w, _)| w < r && still.contains_key(w)) {
                    prop_assert!(
                        *w_aud != r_aud && quota_full(w_aud),
                        "{r} got a seat while {w} (audience {w_aud:?}) waited before it"
                    );
                }
                let now = c.registration(*r).unwrap();
                if now.status == RegistrationStatus::Offered {
                    prop_assert!(now.offer_expires_at.unwrap() <= starts() - Duration::hours(cutoff_hours));
                    prop_assert!(now.offer_expires_at.unwrap() <= at + Duration::hours(hold_hours));
                }
            }
            // Nobody holds an offer past its deadline once an operation ran
            // on the event at a later instant.
            if changes.iter().any(|ch| ch.at == at) {
                for r in c.registrations(ev) {
                    if r.status == RegistrationStatus::Offered {
                        prop_assert!(r.offer_expires_at.unwrap() > at);
                    }
                }
            }
            journal.extend(changes);
        }
        let mut replica = Community::cimi();
        for change in journal {
            replica.apply(change).unwrap();
        }
        prop_assert_eq!(&replica, &c);
        let document = Community::from_json(&c.to_json()).unwrap();
        prop_assert_eq!(&document, &c);
    }
}

#[test]
fn an_invitation_tells_of_the_offer_and_its_deadline() {
    let mut c = Community::cimi();
    let ev = with_offers(&mut c, 1, Duration::hours(48), Duration::zero());
    let a = c.register(ev, &agent(1), t0()).unwrap().registration.id;
    let b = c.register(ev, &agent(2), t0()).unwrap().registration.id;
    c.cancel_registration(a, t0()).unwrap();
    let ics = cimi_core::interop::ical::invitation(&c, b, "cimi@interieur.gouv.fr", t0())
        .unwrap()
        .replace("\r\n ", ""); // unfolded
    assert!(ics.contains("PARTSTAT=NEEDS-ACTION"), "{ics}");
    assert!(ics.contains("une place vous est proposée"), "{ics}");
    assert!(
        ics.contains("03/03/2026 10:00"),
        "the deadline in Paris time: {ics}"
    );
}

#[test]
fn subject_access_leaves_the_cancellation_secret_out() {
    let mut c = Community::cimi();
    let ev = c.schedule_event(spec(3), t0()).unwrap();
    let r = c.register(ev, &agent(1), t0()).unwrap().registration;
    let token = r.cancel_token().unwrap();
    let secret = token.as_str().split_once('-').unwrap().1;
    let access = c.subject_access(r.member, t0()).unwrap().to_string();
    assert!(access.contains("\"registration\""));
    assert!(!access.contains(secret), "{access}");
    assert!(!access.contains("cancel_secret"));
}

#[test]
fn edits_rejections_and_the_end_of_the_event_expire_due_offers_first() {
    let mut c = Community::cimi();
    let ev = with_offers(&mut c, 1, Duration::hours(24), Duration::zero());
    let a = c.register(ev, &agent(1), t0()).unwrap().registration.id;
    let b = c.register(ev, &agent(2), t0()).unwrap().registration.id;
    let d = c.register(ev, &agent(3), t0()).unwrap().registration.id;
    c.cancel_registration(a, t0()).unwrap();
    // A capacity edit two days later: b's offer expired, then both seats
    // go out (d gets an offer of one).
    let later = t0() + Duration::days(2);
    c.set_capacity(ev, 2, later).unwrap();
    assert_eq!(status(&c, b), RegistrationStatus::Cancelled);
    assert_eq!(status(&c, d), RegistrationStatus::Offered);
    // Marked held after the start: d's offer (due by the start) expired.
    c.mark_held(ev, starts() + Duration::hours(3)).unwrap();
    assert_eq!(status(&c, d), RegistrationStatus::Cancelled);
    assert!(
        c.registrations(ev)
            .all(|r| r.status != RegistrationStatus::Offered)
    );
    c.check_invariants().unwrap();
}

#[test]
fn a_refused_operation_leaves_due_offers_as_they_were() {
    let mut c = Community::cimi();
    let ev = with_offers(&mut c, 1, Duration::hours(24), Duration::zero());
    let a = c.register(ev, &agent(1), t0()).unwrap().registration.id;
    let b = c.register(ev, &agent(2), t0()).unwrap().registration.id;
    c.register(ev, &agent(3), t0()).unwrap();
    c.cancel_registration(a, t0()).unwrap();
    c.accept_offer(b, t0()).unwrap();
    let e = c.register(ev, &agent(4), t0()).unwrap().registration.id;
    c.cancel_registration(b, t0()).unwrap(); // the third person is offered the seat
    let later = t0() + Duration::days(2);
    for recording in [false, true] {
        c.set_recording(recording);
        let before = c.clone();
        assert_eq!(
            c.set_capacity(ev, 0, later).unwrap_err().kind(),
            "capacity_below_confirmed"
        );
        let mut bad = agent(5);
        bad.grade = String::new();
        assert_eq!(
            c.register(ev, &bad, later).unwrap_err().kind(),
            "missing_field"
        );
        assert_eq!(c.accept_offer(e, later).unwrap_err().kind(), "not_offered");
        assert_eq!(c, before, "recording {recording}");
        assert!(c.drain_changes().is_empty());
    }
    // The next accepted operation expires it.
    c.expire_offers(later).unwrap();
    assert_eq!(status(&c, e), RegistrationStatus::Offered);
}

#[test]
fn the_ends_of_the_range_of_instants_give_bounds_not_panics() {
    let max = DateTime::<Utc>::MAX_UTC;
    let min = DateTime::<Utc>::MIN_UTC;
    let o = WaitlistOffers::new(Duration::days(30)).with_cutoff(Duration::days(365));
    assert_eq!(o.deadline(max - Duration::hours(1), max), None);
    assert!(o.deadline(min, min + Duration::days(400)).is_some());
    let mut c = Community::cimi();
    let s = Schedule::new(max - Duration::hours(2), max).unwrap();
    let ev = c
        .schedule_event(EventSpec::new(EventKind::Workshop, "Fin", s, 1), t0())
        .unwrap();
    assert_eq!(c.event(ev).unwrap().check_in_window().1, max);
    let r = c.register(ev, &agent(1), t0()).unwrap().registration;
    assert_eq!(
        c.check_in(r.id, t0()).unwrap_err().kind(),
        "check_in_outside_window"
    );
}

#[test]
fn history_leaves_the_cancellation_secrets_out() {
    let dir = common::temp_dir("history");
    let (mut store, _) = cimi_core::store::Store::open(&dir, cimi_core::Statutes::cimi()).unwrap();
    let ev = store
        .execute("t", |c| c.schedule_event(spec(3), t0()))
        .unwrap();
    let r = store
        .execute("t", |c| c.register(ev, &agent(1), t0()))
        .unwrap()
        .registration;
    let secret = r
        .cancel_token()
        .unwrap()
        .as_str()
        .split_once('-')
        .unwrap()
        .1
        .to_string();
    let history = store
        .history(cimi_core::journal::Subject::Member(r.member))
        .unwrap();
    assert!(!history.is_empty());
    let text = serde_json::to_string(&history).unwrap();
    assert!(!text.contains(&secret) && !text.contains("cancel_secret"));
    // The journal itself keeps it: a reopened store still honours the token.
    drop(store);
    let (mut store, _) = cimi_core::store::Store::open(&dir, cimi_core::Statutes::cimi()).unwrap();
    let token = r.cancel_token().unwrap();
    assert!(
        store
            .execute("t", |c| c.cancel_by_token(token.as_str(), None, t0()))
            .is_ok()
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
