//! The cost curve: how each operation's cost grows with the directory size N.
//!
//! ```text
//! cargo run --release -p cimi-benches --bin cost_curve -- 10000 100000 1000000 > benches/cost-curve.csv
//! ```
//!
//! For each N it builds a generated community of N members, then measures,
//! in the same run: one registration decision (new registrant, confirmed or
//! waitlisted) against inserting the same lowercased address into a
//! `HashSet<String>`; cancel-and-promote with a waiting list of 100 and of
//! min(N, 100,000); saving to JSON; loading from JSON; loading from the
//! journal, against serde_json parsing the same journal bytes into untyped
//! values; the address check alone; and resident memory per member. It prints
//! CSV on stdout and a Markdown table on stderr.
//!
//! Times are measured with glibc keeping the memory it frees (see
//! [`cimi_benches::malloc`]); the registration decision and its baseline are
//! measured again under the allocator's defaults, in a child process, for
//! comparison (`*_default_malloc` columns). Memory per member is measured in a
//! child process under the defaults.

use std::collections::HashSet;
use std::hint::black_box;
use std::time::Instant;

use cimi_benches::malloc::{keep_freed_memory, own_output_under_default_malloc};
use cimi_benches::{Person, community, directory, request_of, schedule, t0};
use cimi_core::Community;
use cimi_core::address::EmailAddress;
use cimi_core::event::{EventKind, EventSpec};
use cimi_core::journal::replay;

/// Timed rounds of the registration decision and its baseline (the best counts).
const ROUNDS: usize = 3;

fn secs(f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64()
}

/// One registration decision: new people on a large event, against
/// inserting their lowercased addresses into a set of the directory's. Each
/// is timed on a fresh copy, the two alternating, best of [`ROUNDS`]; seconds
/// per operation.
fn decision(people: &[Person], c: &Community) -> (f64, f64) {
    let fresh = directory(20_000, 7_777);
    let requests: Vec<_> = fresh.iter().map(request_of).collect();
    let keys: Vec<String> = fresh.iter().map(|p| p.email.to_lowercase()).collect();
    let base_set: HashSet<String> = people.iter().map(|p| p.email.to_lowercase()).collect();
    let (mut register, mut hashset) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..ROUNDS {
        let mut reg = c.clone();
        let ev = cimi_benches::rush_event(&mut reg);
        register = register.min(secs(|| {
            for r in &requests {
                black_box(reg.register(ev, r, t0()).unwrap());
            }
        }));
        drop(reg);
        let mut set = base_set.clone();
        hashset = hashset.min(secs(|| {
            for k in &keys {
                black_box(set.insert(k.clone()));
            }
        }));
    }
    (
        register / requests.len() as f64,
        hashset / keys.len() as f64,
    )
}

/// Runs this program as a child under the allocator's defaults with
/// `mode n` as arguments, and reads the numbers it prints.
fn child_under_default_malloc(mode: &str, n: usize) -> Vec<f64> {
    own_output_under_default_malloc(|child| {
        child.args([mode, &n.to_string()]);
    })
    .unwrap_or_else(|e| panic!("{mode} {n}: {e}"))
    .split_whitespace()
    .map(|v| v.parse().expect("a number"))
    .collect()
}

/// Cancel-and-promote cost with a waiting list of `waiting`, per operation.
fn cancel_promote(waiting: usize) -> f64 {
    let mut c = Community::new(cimi_benches::statutes()).unwrap();
    let rounds = 200.min(waiting);
    let people: Vec<Person> = directory(rounds + waiting, 99);
    let ev = c
        .schedule_event(
            EventSpec::new(
                EventKind::Conference,
                "Rencontres",
                schedule(60),
                rounds as u32,
            ),
            t0(),
        )
        .unwrap();
    let mut confirmed = Vec::new();
    for p in people.iter().take(rounds + waiting) {
        let r = c.register(ev, &request_of(p), t0()).unwrap().registration;
        if r.status.kind() == "confirmed" {
            confirmed.push(r.id);
        }
    }
    assert!(c.waiting_list(ev).len() >= waiting);
    let start = Instant::now();
    for id in confirmed.iter().take(rounds) {
        let out = c.cancel_registration(*id, t0()).unwrap();
        black_box(out);
    }
    start.elapsed().as_secs_f64() / rounds as f64
}

fn main() {
    keep_freed_memory();
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The children's modes.
    if let [mode, n] = &args[..] {
        let n: usize = n.parse().expect("a size");
        match mode.as_str() {
            "--memory-of" => {
                println!("{}", cimi_benches::memory_per_member(n));
                return;
            }
            "--decision-of" => {
                let people = directory(n, 42);
                let c = community(&people, t0());
                let (register, hashset) = decision(&people, &c);
                println!("{register} {hashset}");
                return;
            }
            _ => {}
        }
    }
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![10_000]
    } else {
        sizes
    };
    println!(
        "n,register_ns,hashset_insert_ns,register_over_hashset,cancel_promote_100_ns,cancel_promote_long_ns,long_waiting,promote_ratio,save_json_s,load_json_s,load_journal_s,serde_untyped_s,journal_over_serde,address_check_ns,bytes_per_member,register_default_malloc_ns,hashset_insert_default_malloc_ns,register_over_hashset_default_malloc"
    );
    eprintln!(
        "| N | register | HashSet insert | ratio | cancel+promote (100) | cancel+promote (long) | ratio | save JSON | load JSON | load journal | serde_json untyped | ratio | address check | bytes/member | register, HashSet, ratio (default malloc) |"
    );
    eprintln!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for n in sizes {
        let bytes_per_member = child_under_default_malloc("--memory-of", n)[0];
        let default_malloc = child_under_default_malloc("--decision-of", n);
        let (register_default, hashset_default) = (default_malloc[0], default_malloc[1]);
        let people = directory(n, 42);
        let c = community(&people, t0());
        let (register, hashset) = decision(&people, &c);

        let long = n.min(100_000);
        let promote_short = cancel_promote(100);
        let promote_long = cancel_promote(long);

        let mut json = String::new();
        let save = secs(|| json = c.to_json());
        let load = secs(|| {
            black_box(Community::from_json(&json).unwrap());
        });
        drop(json);

        // The same community as a journal (the same profiles).
        let journal = cimi_benches::journal_of(&people, t0());
        let load_journal = secs(|| {
            let mut c = Community::new(cimi_benches::statutes()).unwrap();
            replay(&mut c, &journal, "journal.log", 0).unwrap();
            black_box(c);
        });
        let untyped = secs(|| {
            for line in journal.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                black_box(serde_json::from_slice::<serde_json::Value>(line).unwrap());
            }
        });
        drop(journal);

        let addresses: Vec<&str> = people
            .iter()
            .take(100_000)
            .map(|p| p.email.as_str())
            .collect();
        let address = secs(|| {
            for a in &addresses {
                black_box(EmailAddress::parse(a).is_ok());
            }
        }) / addresses.len() as f64;

        println!(
            "{n},{:.0},{:.0},{:.1},{:.0},{:.0},{long},{:.2},{save:.3},{load:.3},{load_journal:.3},{untyped:.3},{:.2},{:.0},{bytes_per_member:.0},{:.0},{:.0},{:.1}",
            register * 1e9,
            hashset * 1e9,
            register / hashset,
            promote_short * 1e9,
            promote_long * 1e9,
            promote_long / promote_short,
            load_journal / untyped,
            address * 1e9,
            register_default * 1e9,
            hashset_default * 1e9,
            register_default / hashset_default
        );
        eprintln!(
            "| {n} | {:.2} µs | {:.0} ns | {:.1}× | {:.1} µs | {:.1} µs ({long}) | {:.2}× | {save:.2} s | {load:.2} s | {load_journal:.2} s | {untyped:.2} s | {:.2}× | {:.0} ns | {bytes_per_member:.0} | {:.2} µs, {:.0} ns, {:.1}× |",
            register * 1e6,
            hashset * 1e9,
            register / hashset,
            promote_short * 1e6,
            promote_long * 1e6,
            promote_long / promote_short,
            load_journal / untyped,
            address * 1e9,
            register_default * 1e6,
            hashset_default * 1e9,
            register_default / hashset_default
        );
    }
}
