//! The lock of `cimi.Community` (`src/lock.rs`, included here as it is)
//! under many thread interleavings, with [shuttle](https://docs.rs/shuttle):
//! built with the `shuttle` feature, its `RwLock` and `AtomicBool` are
//! shuttle's instrumented twins, and shuttle's schedulers (random and PCT)
//! choose which thread runs at every lock operation.
//!
//! ```sh
//! cargo test -p cimi-py --features shuttle --test shuttle_lock -- --nocapture
//! SHUTTLE_ITERATIONS=50000 cargo test -p cimi-py --features shuttle --test shuttle_lock -- --nocapture
//! ```
//!
//! The extension module cannot be linked into a test binary without an
//! interpreter, so the interpreter is modelled: a shuttle `Mutex` stands for
//! the GIL, held by a thread while it "runs Python" and let go where the
//! module lets go of it — in `py.detach` (`register_many`, `to_json`), while
//! waiting for the community's lock (the module's `Wait` does that), and at
//! the interpreter's thread switches between two calls. Shuttle reports a
//! deadlock between the GIL and the lock as a failure.
//!
//! Three Python threads share one community (an event of 2 seats, a quota of
//! 1 for the ministry) and register (one by one, with the GIL, and in a batch
//! without it), cancel, read the occupancy and save to JSON; one of them also
//! plays `Store.execute`: it lends the community to a handle that a fourth
//! thread keeps reading, registers through the handle, takes the community
//! back and closes the handle. Checked after every read: never over capacity
//! or quota. Checked at the end of every schedule: the core's
//! `check_invariants()`, nobody registered twice, no seat free while an
//! eligible registration waits, the handle refuses every access once closed,
//! and what was done through the handle is in the community. Prints how many
//! schedules were explored.
#![cfg(feature = "shuttle")]

#[path = "../src/lock.rs"]
mod lock;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use cimi_core::event::{EventKind, EventSpec, Schedule};
use cimi_core::ids::EventId;
use cimi_core::registration::RegistrationRequest;
use cimi_core::{Community, Error};
use shuttle::sync::{Mutex, MutexGuard};
use shuttle::thread;

use lock::{Denied, Direct, Shared, Wait};

const CAPACITY: u32 = 2;
const QUOTA: u32 = 1;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 11, 20, 9, 0, 0).unwrap()
}

/// The interpreter lock.
struct Interpreter(Mutex<()>);

/// A Python thread: it holds the interpreter while it runs Python code.
struct PyThread<'a> {
    interpreter: &'a Interpreter,
    attached: Option<MutexGuard<'a, ()>>,
}

impl<'a> PyThread<'a> {
    fn attach(interpreter: &'a Interpreter) -> Self {
        PyThread {
            interpreter,
            attached: Some(interpreter.0.lock().unwrap()),
        }
    }

    /// `py.detach(f)`: `f` runs without the interpreter.
    fn detach<R>(&mut self, f: impl FnOnce() -> R) -> R {
        self.attached = None;
        let out = f();
        self.attached = Some(self.interpreter.0.lock().unwrap());
        out
    }

    /// The interpreter switching threads between two calls.
    fn switch(&mut self) {
        self.detach(thread::yield_now);
    }
}

/// What the module's `Detach` does: wait for the lock without the interpreter.
impl Wait for &mut PyThread<'_> {
    fn blocking<R: Send, F: FnOnce() -> R + Send>(self, f: F) -> R {
        self.detach(f)
    }
}

fn ask(email: &str) -> RegistrationRequest {
    RegistrationRequest::new(email)
        .names("Martin", "Alice")
        .affiliation("DNUM", "attachée", "architecte")
        .acknowledging(["deontology", "pssi"])
}

fn setup() -> (Community, EventId) {
    let mut c = Community::cimi();
    let starts = now() + Duration::days(20);
    let schedule = Schedule::new(starts, starts + Duration::hours(2)).unwrap();
    let mut spec = EventSpec::new(EventKind::Miditech, "Shuttle", schedule, CAPACITY);
    spec.quotas = BTreeMap::from([("interieur".to_owned(), QUOTA)]);
    let event = c.schedule_event(spec, now()).unwrap();
    (c, event)
}

/// Never over capacity or quota, as seen now.
fn check_occupancy(c: &Community, event: EventId) {
    let o = c.occupancy(event).unwrap();
    assert!(o.on_site <= CAPACITY, "over capacity: {o:?}");
    let ministry = o.on_site_by_audience.get("interieur").copied().unwrap_or(0);
    assert!(ministry <= QUOTA, "over quota: {o:?}");
}

/// The end state: invariants, nobody twice, no free seat while someone
/// eligible waits.
fn check_final(c: &Community, event: EventId) {
    c.check_invariants().unwrap();
    check_occupancy(c, event);
    let mut members = HashSet::new();
    for r in c.registrations(event).filter(|r| r.is_live()) {
        assert!(
            members.insert(r.member),
            "member {} registered twice",
            r.member
        );
    }
    let o = c.occupancy(event).unwrap();
    for id in c.waiting_list(event) {
        let waiting = c.registration(id).unwrap();
        let ministry = o.on_site_by_audience.get("interieur").copied().unwrap_or(0);
        let audience_full = waiting.audience.as_deref() == Some("interieur") && ministry >= QUOTA;
        assert!(
            o.on_site >= CAPACITY || audience_full,
            "registration {id} waits with a seat free: {o:?}"
        );
    }
}

fn scenario() {
    let (community, event) = setup();
    let shared = Arc::new(Shared::new(community));
    let interpreter = Arc::new(Interpreter(Mutex::new(())));
    // The handle a `Store.execute` operation lends, and whether it was closed.
    let handle = Arc::new(Shared::new(Community::cimi()));

    let mut threads = Vec::new();
    {
        // One by one, with the GIL; then cancels its first registration.
        let (shared, interpreter) = (shared.clone(), interpreter.clone());
        threads.push(thread::spawn(move || {
            let mut py = PyThread::attach(&interpreter);
            let first = shared
                .write(&mut py, |c| {
                    c.register(event, &ask("a@interieur.gouv.fr"), now())
                })
                .unwrap();
            py.switch();
            let _ = shared.write(&mut py, |c| {
                c.register(event, &ask("b@agri.gouv.fr"), now())
            });
            py.switch();
            shared.read(&mut py, |c| check_occupancy(c, event)).unwrap();
            if let Ok(outcome) = first {
                let id = outcome.registration.id;
                shared
                    .write(&mut py, |c| c.cancel_registration(id, now()))
                    .unwrap()
                    .unwrap();
            }
        }));
    }
    {
        // A batch without the GIL (the same person as the first thread, once
        // with another case), then a save without the GIL.
        let (shared, interpreter) = (shared.clone(), interpreter.clone());
        threads.push(thread::spawn(move || {
            let mut py = PyThread::attach(&interpreter);
            let batch = [
                ask("c@interieur.gouv.fr"),
                ask("A@Interieur.Gouv.Fr"),
                ask("d@agri.gouv.fr"),
            ];
            let results =
                py.detach(|| shared.write(Direct, |c| c.register_many(event, &batch, now())));
            for r in results.unwrap().expect("the event exists") {
                match r {
                    Ok(_) | Err(Error::Refused(_)) => {}
                    Err(e) => panic!("unexpected error {e}"),
                }
            }
            py.switch();
            let json = py
                .detach(|| shared.read(Direct, Community::to_json))
                .unwrap();
            let saved = Community::from_json(&json).unwrap();
            check_final(&saved, event);
        }));
    }
    {
        // `Store.execute`: the store lends its community to the handle,
        // registers through it, takes it back and closes the handle.
        let (interpreter, handle) = (interpreter.clone(), handle.clone());
        threads.push(thread::spawn(move || {
            let mut py = PyThread::attach(&interpreter);
            let (mut stored, event) = setup();
            handle.swap(&mut py, &mut stored, false);
            py.switch();
            let through = handle
                .write(&mut py, |c| {
                    c.register(event, &ask("e@agri.gouv.fr"), now())
                })
                .unwrap()
                .unwrap();
            py.switch();
            handle.swap(&mut py, &mut stored, true);
            let id = through.registration.id;
            assert!(
                stored.registration(id).is_some(),
                "a registration made through the handle was lost"
            );
            check_final(&stored, event);
        }));
    }
    {
        // Keeps reading the handle: never a torn state, refused once closed.
        let (interpreter, handle) = (interpreter.clone(), handle.clone());
        threads.push(thread::spawn(move || {
            let mut py = PyThread::attach(&interpreter);
            for _ in 0..3 {
                match handle.read(&mut py, |c| c.check_invariants()) {
                    Ok(checked) => checked.unwrap(),
                    Err(denied) => assert_eq!(denied, Denied::Closed),
                }
                py.switch();
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    assert!(handle.is_closed());
    assert_eq!(handle.read(Direct, |_| ()), Err(Denied::Closed));
    assert_eq!(handle.write(Direct, |_| ()), Err(Denied::Closed));
    shared.read(Direct, |c| check_final(c, event)).unwrap();
}

fn iterations() -> usize {
    std::env::var("SHUTTLE_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000)
}

/// Runs `scenario` under `check` and returns how many schedules ran.
fn explore(check: impl FnOnce(Box<dyn Fn() + Send + Sync>)) -> usize {
    let schedules = Arc::new(AtomicUsize::new(0));
    let counter = schedules.clone();
    check(Box::new(move || {
        counter.fetch_add(1, Ordering::Relaxed);
        scenario();
    }));
    schedules.load(Ordering::Relaxed)
}

#[test]
fn lock_under_random_schedules() {
    let ran = explore(|f| shuttle::check_random(f, iterations()));
    assert_eq!(ran, iterations());
    println!("shuttle (random scheduler): {ran} schedules of 4 threads on cimi.Community's lock");
}

#[test]
fn lock_under_pct_schedules() {
    let ran = explore(|f| shuttle::check_pct(f, iterations(), 3));
    assert_eq!(ran, iterations());
    println!(
        "shuttle (PCT scheduler, depth 3): {ran} schedules of 4 threads on cimi.Community's lock"
    );
}
