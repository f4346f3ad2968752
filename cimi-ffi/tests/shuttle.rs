//! The wrapper's locking under many thread interleavings, with
//! [shuttle](https://docs.rs/shuttle): built with the `shuttle` feature, the
//! `Community` object's `Mutex<Store>` and `RwLock<String>` are shuttle's
//! instrumented locks (see `src/sync.rs`), and shuttle's schedulers choose
//! which thread runs at every lock operation and thread event.
//!
//! ```sh
//! cargo test -p cimi-ffi --features shuttle --test shuttle -- --nocapture
//! SHUTTLE_ITERATIONS=20000 cargo test -p cimi-ffi --features shuttle --test shuttle -- --nocapture
//! ```
//!
//! Three threads share one `Community` (through an `Arc`, as the bindings
//! share it between JVM, Swift or Python threads) and register, cancel, read
//! and rename the actor on one event of 2 seats with a quota of 1 seat per
//! audience; one of them registers the same person as another. Checked from
//! every thread after every step: never over capacity or quota. Checked at
//! the end of every schedule: the core's `check_invariants()`, nobody holds
//! two live registrations, no seat free while an eligible request waits, the
//! cancellations took effect, the last actor written is the one read. The
//! test prints how many schedules it ran and how many distinct final states
//! they reached.
#![cfg(feature = "shuttle")]

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex as StdMutex};

use cimi_ffi::{
    AttendanceMode, Community, EventKind, Registration, RegistrationRequest, RegistrationStatus,
    Seat, event_spec,
};
use shuttle::thread;

const T0: i64 = 1_511_168_400_000; // 2017-11-20T09:00:00Z
const DAY: i64 = 86_400_000;
const CAPACITY: i32 = 2;

/// Schedules run so far, and a fingerprint of each final state.
static SCHEDULES: AtomicUsize = AtomicUsize::new(0);
static FINAL_STATES: StdMutex<Option<HashSet<u64>>> = StdMutex::new(None);

fn ask(email: &str) -> RegistrationRequest {
    RegistrationRequest {
        email: email.into(),
        family_name: "Martin".into(),
        given_name: "Alice".into(),
        service: "DNUM".into(),
        grade: "ingénieure".into(),
        function: "architecte".into(),
        acknowledged: vec!["deontology".into(), "pssi".into()],
        attendance: AttendanceMode::OnSite,
        acknowledges_all: false,
    }
}

/// Never over capacity or over an audience's quota, as seen right now.
fn check_occupancy(c: &Community, ev: i64, quotas: &HashMap<String, i32>) {
    let o = c.occupancy(ev).expect("occupancy");
    assert!(o.on_site <= CAPACITY, "over capacity: {o:?}");
    for (audience, n) in &o.on_site_by_audience {
        if let Some(q) = quotas.get(audience) {
            assert!(n <= q, "audience {audience} over its quota: {o:?}");
        }
    }
}

fn live(regs: &[Registration]) -> Vec<&Registration> {
    regs.iter()
        .filter(|r| r.status != RegistrationStatus::Cancelled)
        .collect()
}

/// One execution: three threads on one shared community.
fn scenario() {
    SCHEDULES.fetch_add(1, Ordering::Relaxed);
    let c = Arc::new(Community::cimi());
    let mut spec = event_spec(
        EventKind::Miditech,
        "L'État plateforme".into(),
        T0 + 22 * DAY,
        T0 + 22 * DAY + 7_200_000,
        CAPACITY,
    );
    spec.quotas = HashMap::from([("interieur".into(), 1), ("other_ministries".into(), 1)]);
    let ev = c.schedule_event(spec, T0).expect("schedule");
    let quotas = c.event(ev).expect("event").expect("the event").quotas;

    // Home ministry: two people (one seat for them), the first cancels.
    let a = {
        let (c, quotas) = (Arc::clone(&c), quotas.clone());
        thread::spawn(move || {
            let a1 = c
                .register(ev, ask("anne@interieur.gouv.fr"), T0 + 1)
                .expect("anne");
            check_occupancy(&c, ev, &quotas);
            let a2 = c
                .register(ev, ask("arthur@dnum.interieur.gouv.fr"), T0 + 2)
                .expect("arthur");
            check_occupancy(&c, ev, &quotas);
            let cancelled = c.cancel_registration(a1, T0 + 10).expect("cancel anne");
            assert_eq!(cancelled.registration.status, RegistrationStatus::Cancelled);
            check_occupancy(&c, ev, &quotas);
            (a1, a2)
        })
    };
    // Other ministries: one person who later cancels, and Anne again (the same
    // person as thread a's first registration, racing with it).
    let b = {
        let (c, quotas) = (Arc::clone(&c), quotas.clone());
        thread::spawn(move || {
            let b1 = c
                .register(ev, ask("bruno@agri.gouv.fr"), T0 + 3)
                .expect("bruno");
            check_occupancy(&c, ev, &quotas);
            let anne = c
                .register_outcome(ev, ask("Anne@Interieur.gouv.fr"), T0 + 4)
                .map(|o| o.registration);
            check_occupancy(&c, ev, &quotas);
            let cancelled = c.cancel_registration(b1, T0 + 11).expect("cancel bruno");
            assert_eq!(cancelled.registration.status, RegistrationStatus::Cancelled);
            check_occupancy(&c, ev, &quotas);
            (b1, anne)
        })
    };
    // A desk: renames the actor, registers two people in one batch, reads.
    let d = {
        let (c, quotas) = (Arc::clone(&c), quotas.clone());
        thread::spawn(move || {
            c.set_actor("guichet".into()).expect("actor");
            let batch = c
                .register_many(
                    ev,
                    vec![
                        ask("berthe@finances.gouv.fr"),
                        ask("alain@interieur.gouv.fr"),
                    ],
                    T0 + 5,
                )
                .expect("batch");
            assert!(batch.iter().all(|a| a.outcome.is_some()), "{batch:?}");
            check_occupancy(&c, ev, &quotas);
            // (Two reads are two calls: the registration may have been
            // promoted or cancelled in between, but it is of this event.)
            for id in c.waiting_list(ev).expect("waiting list") {
                let r = c
                    .registration(id)
                    .expect("read")
                    .expect("waiting registration");
                assert_eq!(r.event_id, ev);
            }
            assert_eq!(c.actor().expect("actor"), "guichet");
        })
    };
    let (a1, a2) = a.join().expect("thread a");
    let (b1, anne_again) = b.join().expect("thread b");
    d.join().expect("thread d");

    // The engine's own invariants.
    assert_eq!(c.check_invariants().expect("check"), None);
    let regs = c.registrations(ev).expect("registrations");
    // Anne asking again while her registration is live (before thread a
    // registers her, or after) gets that registration; after thread a
    // cancelled it, a new one.
    let anne_again = anne_again.expect("anne again is never refused");
    let anne_new = anne_again.id != a1;
    assert_eq!(
        regs.len(),
        if anne_new { 6 } else { 5 },
        "each request at most once: {regs:?}"
    );
    if anne_new {
        let r = regs
            .iter()
            .find(|r| r.id == anne_again.id)
            .expect("anne's new registration");
        assert_ne!(r.status, RegistrationStatus::Cancelled);
    }
    // Nobody twice.
    let live = live(&regs);
    let members: HashSet<i64> = live.iter().map(|r| r.member_id).collect();
    assert_eq!(
        members.len(),
        live.len(),
        "someone holds two live registrations"
    );
    // The cancellations took effect.
    for id in [a1, b1] {
        let r = regs
            .iter()
            .find(|r| r.id == id)
            .expect("cancelled registration");
        assert_eq!(r.status, RegistrationStatus::Cancelled);
    }
    assert_ne!(a1, a2);
    // Never over capacity or quota; no free seat while an eligible request waits.
    let on_site: Vec<&&Registration> = live
        .iter()
        .filter(|r| r.status == RegistrationStatus::Confirmed && r.seat == Some(Seat::OnSite))
        .collect();
    assert!(on_site.len() <= CAPACITY as usize);
    let mut by_audience: HashMap<&str, i32> = HashMap::new();
    for r in &on_site {
        *by_audience
            .entry(r.audience.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    for (audience, q) in &quotas {
        assert!(by_audience.get(audience.as_str()).copied().unwrap_or(0) <= *q);
    }
    for r in live
        .iter()
        .filter(|r| r.status == RegistrationStatus::Waitlisted)
    {
        let audience_full = r.audience.as_ref().is_some_and(|a| {
            quotas
                .get(a)
                .is_some_and(|q| by_audience.get(a.as_str()).copied().unwrap_or(0) >= *q)
        });
        assert!(
            on_site.len() >= CAPACITY as usize || audience_full,
            "registration {} waits while its audience has room",
            r.id
        );
    }
    assert_eq!(c.actor().expect("actor"), "guichet");

    let mut h = DefaultHasher::new();
    for r in &regs {
        (r.id, r.member_id, r.status as u8, r.seat.map(|s| s as u8)).hash(&mut h);
    }
    FINAL_STATES
        .lock()
        .expect("final states")
        .get_or_insert_with(HashSet::new)
        .insert(h.finish());
}

fn iterations() -> usize {
    std::env::var("SHUTTLE_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

#[test]
fn threads_sharing_a_community_keep_the_invariants_under_shuttle() {
    let n = iterations();
    let before = SCHEDULES.load(Ordering::Relaxed);
    for depth in [2, 3] {
        shuttle::check_pct(scenario, n, depth);
    }
    let pct = SCHEDULES.load(Ordering::Relaxed) - before;
    shuttle::check_random(scenario, n);
    let total = SCHEDULES.load(Ordering::Relaxed) - before;
    let states = FINAL_STATES
        .lock()
        .expect("final states")
        .as_ref()
        .map_or(0, HashSet::len);
    println!(
        "shuttle: {total} schedules explored ({pct} PCT at depths 2 and 3, {} random), \
         3 threads on one Community, {states} distinct final states; invariants held in every one",
        total - pct
    );
    assert_eq!(total, 3 * n);
    assert!(
        states > 1,
        "the schedules should reach different final states"
    );
}
