//! The cost curve under criterion: how each operation's cost grows with the
//! directory size N, each measured beside its baseline in the same criterion
//! group, so that a ratio comes from one run.
//!
//! ```text
//! cargo bench -p cimi-benches --bench scale                                     # N = 10^4
//! CIMI_BENCH_N=10000,100000,1000000 cargo bench -p cimi-benches --bench scale   # the curve
//! CIMI_BENCH_N=100000 cargo bench -p cimi-benches --bench scale -- cancel       # one group
//! ```
//!
//! For each N of `CIMI_BENCH_N` (comma-separated, default `10000`) it builds a
//! generated community of N members, then measures:
//!
//! - `register`: one registration decision of a person new to the community
//!   (`Community::register` on an event of 10,000 seats, confirmed then
//!   waitlisted, as in the `cost_curve` binary) against `HashSet<String>::insert`
//!   of the same lowercased address, cloned, into a set of the N directory
//!   addresses;
//! - `cancel_promote`: cancelling a confirmed registration, which promotes the
//!   first waiting person, on an event whose waiting list is 100 and on one
//!   whose waiting list is 100,000 (both events in the same community of N
//!   members);
//! - `load`: `Community::from_json` of the N-member document, replaying the
//!   same community's journal, and serde_json parsing the journal's lines into
//!   untyped values (`serde_json::Value`), the baseline of the replay;
//! - `save`: `Community::to_json`;
//! - `address`: `EmailAddress::parse` alone, cycling through the directory's
//!   addresses.
//!
//! Memory per member is not a time, and criterion cannot measure it: it is
//! printed on stderr at start-up (see [`memory_per_member`]).
//!
//! The benches run with glibc keeping the memory it frees, so that neither
//! side of a ratio pays page faults the other escapes (see
//! [`cimi_benches::malloc`]); `CIMI_BENCH_MALLOC=default` runs them under the
//! allocator's defaults. Memory is measured under the defaults.
//!
//! The benchmark ids are `group/name/N`, so criterion's reports and its
//! `target/criterion/<group>/<name>/<N>/new/estimates.json` are per N.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hint::black_box;
use std::time::{Duration, Instant};

use cimi_benches::malloc::{keep_freed_memory, own_output_under_default_malloc};
use cimi_benches::{
    Person, community, directory, journal_of, request_of, rush_event, schedule, statutes, t0,
};
use cimi_core::Community;
use cimi_core::address::EmailAddress;
use cimi_core::event::{EventKind, EventSpec};
use cimi_core::ids::{EventId, RegistrationId};
use cimi_core::journal::replay;
use cimi_core::registration::{RegistrationRequest, RegistrationStatus};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};

/// The directory sizes, from `CIMI_BENCH_N`.
fn sizes() -> Vec<usize> {
    match std::env::var("CIMI_BENCH_N") {
        Ok(s) if !s.trim().is_empty() => s
            .split(',')
            .map(|n| {
                n.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("CIMI_BENCH_N: {n:?} is not a size"))
            })
            .collect(),
        _ => vec![10_000],
    }
}

/// Set in the child process that measures the memory of one N.
const MEMORY_OF: &str = "CIMI_BENCH_MEMORY_OF";

/// Resident bytes per member of a community of `n` members, as the
/// `cost_curve` binary measures it ([`cimi_benches::memory_per_member`]).
///
/// Criterion measures times only, so this figure is printed, not reported.
/// It is measured in a fresh process for each N (this same executable, run
/// with `CIMI_BENCH_MEMORY_OF=N`): in a process that has already built and
/// freed a community, the allocator would reuse that memory and the
/// difference would understate it. It runs under the allocator's defaults.
fn memory_per_member(n: usize) -> Result<f64, String> {
    own_output_under_default_malloc(|child| {
        child.env(MEMORY_OF, n.to_string());
    })?
    .trim()
    .parse()
    .map_err(|e| format!("{e}"))
}

fn replay_journal(journal: &[u8]) -> Community {
    let mut c = Community::new(statutes()).unwrap();
    replay(&mut c, journal, "journal.log", 0).unwrap();
    c
}

// ----- register ------------------------------------------------------------------

/// People to register: generated with another seed, less those whose address
/// the directory already has, so that every one is new to the community.
const FRESH: usize = 20_000;

/// Inputs each used once on a state that they change (a community one
/// registers into, a set one inserts into): when they have all been used, the
/// state is a fresh copy again, made outside the timing.
struct Pool<'a, S, T, F: Fn() -> S> {
    items: &'a [T],
    fresh: F,
    state: S,
    next: usize,
}

impl<'a, S, T, F: Fn() -> S> Pool<'a, S, T, F> {
    fn new(items: &'a [T], fresh: F) -> Self {
        let state = fresh();
        Pool {
            items,
            fresh,
            state,
            next: 0,
        }
    }

    /// The time `op` takes on the next `iters` inputs, copies excluded.
    fn time(&mut self, iters: u64, mut op: impl FnMut(&mut S, &T)) -> Duration {
        let mut total = Duration::ZERO;
        let mut left = iters as usize;
        while left > 0 {
            if self.next == self.items.len() {
                self.state = (self.fresh)();
                self.next = 0;
            }
            let k = left.min(self.items.len() - self.next);
            let batch = &self.items[self.next..self.next + k];
            let start = Instant::now();
            for item in batch {
                op(&mut self.state, item);
            }
            total += start.elapsed();
            self.next += k;
            left -= k;
        }
        total
    }
}

/// The people register for [`rush_event`]'s 10,000 seats (as in `cost_curve`:
/// the first half confirmed, the rest waitlisted).
fn bench_register(cr: &mut Criterion, n: usize, people: &[Person], c: &Community) {
    let directory_keys: HashSet<String> = people.iter().map(|p| p.email.to_lowercase()).collect();
    let fresh: Vec<Person> = directory(FRESH, 7_777)
        .into_iter()
        .filter(|p| !directory_keys.contains(&p.email.to_lowercase()))
        .collect();
    let requests: Vec<RegistrationRequest> = fresh.iter().map(request_of).collect();
    let keys: Vec<String> = fresh.iter().map(|p| p.email.to_lowercase()).collect();

    let mut template = c.clone();
    let ev = rush_event(&mut template);

    let mut group = cr.benchmark_group("register");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    // Registering changes the community: each request is sent once, to a
    // clone of the template; once they have all been sent, a fresh clone is
    // made, outside the timing.
    let mut pool = Pool::new(&requests, || template.clone());
    group.bench_function(BenchmarkId::new("community_register", n), |b| {
        b.iter_custom(|iters| {
            pool.time(iters, |state, r| {
                black_box(state.register(ev, black_box(r), t0()).unwrap());
            })
        })
    });
    drop(pool);

    // The baseline, the same way: each address inserted once into a clone of
    // the directory's set.
    let mut pool = Pool::new(&keys, || directory_keys.clone());
    group.bench_function(BenchmarkId::new("hashset_insert", n), |b| {
        b.iter_custom(|iters| {
            pool.time(iters, |set, key| {
                black_box(set.insert(black_box(key).clone()));
            })
        })
    });
    group.finish();
}

// ----- cancel_promote ------------------------------------------------------------

/// Seats of each event of the cancel bench.
const SEATS: usize = 200;
/// The two waiting lists compared.
const WAITING: [usize; 2] = [100, 100_000];
/// Cancellations timed together between two restorations of the lists.
const CHUNK: usize = 10;
/// Cancellations after which the community is a fresh clone again.
const RESET_AFTER: usize = 50_000;

/// One event with [`SEATS`] confirmed registrations and a waiting list, kept
/// at its length: each cancellation promotes the first waiting person and,
/// outside the timing, the person who cancelled registers again and goes to
/// the end of the waiting list, so confirmed registrations never run out.
/// The cancelled registrations pile up in the community, so every
/// [`RESET_AFTER`] cancellations it is a fresh clone of the template again.
struct Requeue<'a> {
    template: &'a Community,
    event: EventId,
    requests: &'a [RegistrationRequest],
    template_confirmed: VecDeque<RegistrationId>,
    template_who: HashMap<RegistrationId, usize>,
    c: Community,
    confirmed: VecDeque<RegistrationId>,
    /// Registration → index of its person in `requests`.
    who: HashMap<RegistrationId, usize>,
    since_reset: usize,
}

impl<'a> Requeue<'a> {
    fn new(
        template: &'a Community,
        event: EventId,
        requests: &'a [RegistrationRequest],
        registered: &[(RegistrationId, usize)],
    ) -> Requeue<'a> {
        let template_who: HashMap<_, _> = registered.iter().copied().collect();
        let template_confirmed: VecDeque<_> = registered
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| {
                template.registration(*id).unwrap().status == RegistrationStatus::Confirmed
            })
            .collect();
        assert_eq!(template_confirmed.len(), SEATS);
        Requeue {
            template,
            event,
            requests,
            c: template.clone(),
            confirmed: template_confirmed.clone(),
            who: template_who.clone(),
            template_confirmed,
            template_who,
            since_reset: 0,
        }
    }

    fn reset(&mut self) {
        self.c = self.template.clone();
        self.confirmed = self.template_confirmed.clone();
        self.who = self.template_who.clone();
        self.since_reset = 0;
    }

    /// Times `iters` cancellations.
    fn run(&mut self, iters: u64) -> Duration {
        let mut total = Duration::ZERO;
        let mut left = iters as usize;
        let mut batch = Vec::with_capacity(CHUNK);
        let mut promoted = Vec::with_capacity(CHUNK);
        while left > 0 {
            if self.since_reset >= RESET_AFTER {
                self.reset();
            }
            let k = left.min(CHUNK);
            batch.clear();
            batch.extend(self.confirmed.drain(..k));
            promoted.clear();
            let start = Instant::now();
            for id in &batch {
                let out = self.c.cancel_registration(*id, t0()).unwrap();
                promoted.push(out.promoted.first().copied());
            }
            total += start.elapsed();
            // Restore the lists, untimed.
            for (id, p) in batch.iter().zip(&promoted) {
                self.confirmed
                    .push_back(p.expect("each cancellation promotes someone"));
                let person = self.who.remove(id).unwrap();
                let again = self
                    .c
                    .register(self.event, &self.requests[person], t0())
                    .unwrap()
                    .registration;
                debug_assert_eq!(again.status, RegistrationStatus::Waitlisted);
                self.who.insert(again.id, person);
            }
            self.since_reset += k;
            left -= k;
        }
        total
    }
}

fn bench_cancel_promote(cr: &mut Criterion, n: usize, c: &Community) {
    let total: usize = WAITING.iter().map(|w| SEATS + w).sum();
    let people = directory(total, 99);
    let requests: Vec<RegistrationRequest> = people.iter().map(request_of).collect();
    drop(people);
    let mut template = c.clone();
    let mut events = Vec::new();
    let mut from = 0;
    for (i, waiting) in WAITING.into_iter().enumerate() {
        let ev = template
            .schedule_event(
                EventSpec::new(
                    EventKind::Conference,
                    format!("Rencontres {i}"),
                    schedule(60),
                    SEATS as u32,
                ),
                t0(),
            )
            .unwrap();
        let range = from..from + SEATS + waiting;
        let registered: Vec<(RegistrationId, usize)> = range
            .clone()
            .map(|p| {
                let r = template.register(ev, &requests[p], t0()).unwrap();
                assert!(!r.already_registered);
                (r.registration.id, p)
            })
            .collect();
        assert_eq!(template.waiting_list(ev).len(), waiting);
        events.push((waiting, ev, registered));
        from = range.end;
    }

    let mut group = cr.benchmark_group("cancel_promote");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (waiting, ev, registered) in &events {
        let mut state = Requeue::new(&template, *ev, &requests, registered);
        group.bench_function(BenchmarkId::new(format!("waiting_{waiting}"), n), |b| {
            b.iter_custom(|iters| state.run(iters))
        });
    }
    group.finish();
}

// ----- load, save, address -------------------------------------------------------

fn bench_load_save(cr: &mut Criterion, n: usize, people: &[Person], c: &Community) {
    let json = c.to_json();
    let journal = journal_of(people, t0());
    // Both loaders load the very same community.
    assert!(
        replay_journal(&journal) == *c,
        "the journal is the community"
    );

    let mut group = cr.benchmark_group("load");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    // The loaded communities are dropped outside the timing.
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function(BenchmarkId::new("from_json", n), |b| {
        b.iter_with_large_drop(|| Community::from_json(black_box(&json)).unwrap())
    });
    group.throughput(Throughput::Bytes(journal.len() as u64));
    group.bench_function(BenchmarkId::new("journal_replay", n), |b| {
        b.iter_with_large_drop(|| replay_journal(black_box(&journal)))
    });
    // As in `cost_curve`: one untyped value per line, each dropped in turn.
    group.bench_function(BenchmarkId::new("serde_untyped", n), |b| {
        b.iter(|| {
            for line in journal.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                black_box(serde_json::from_slice::<serde_json::Value>(line).unwrap());
            }
        })
    });
    group.finish();
    drop(journal);

    let mut group = cr.benchmark_group("save");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function(BenchmarkId::new("to_json", n), |b| {
        b.iter(|| black_box(c).to_json())
    });
    group.finish();
}

fn bench_address(cr: &mut Criterion, n: usize, people: &[Person]) {
    let addresses: Vec<&str> = people.iter().map(|p| p.email.as_str()).collect();
    let mut group = cr.benchmark_group("address");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let mut i = 0;
    group.bench_function(BenchmarkId::new("parse", n), |b| {
        b.iter(|| {
            let a = addresses[i];
            i += 1;
            if i == addresses.len() {
                i = 0;
            }
            EmailAddress::parse(black_box(a))
        })
    });
    group.finish();
}

fn main() {
    keep_freed_memory();
    if let Ok(n) = std::env::var(MEMORY_OF) {
        println!(
            "{}",
            cimi_benches::memory_per_member(n.parse().expect("a size"))
        );
        return;
    }
    let sizes = sizes();
    for &n in &sizes {
        match memory_per_member(n) {
            Ok(bytes) => eprintln!("memory per member at N={n}: {bytes:.0} bytes"),
            Err(e) => eprintln!("memory per member at N={n}: not measured ({e})"),
        }
    }
    let mut cr = Criterion::default().configure_from_args();
    for n in sizes {
        let started = Instant::now();
        let people = directory(n, 42);
        let c = community(&people, t0());
        eprintln!(
            "community of {n} members built in {:.1?}",
            started.elapsed()
        );
        bench_register(&mut cr, n, &people, &c);
        bench_cancel_promote(&mut cr, n, &c);
        bench_load_save(&mut cr, n, &people, &c);
        bench_address(&mut cr, n, &people);
    }
    cr.final_summary();
}
