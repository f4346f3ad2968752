//! Suggestions of helpers (entraide) on a generated directory: the indexed
//! ranking against a full scan of the same directory, in one run.
//!
//! ```text
//! cargo bench -p cimi-benches --bench suggest                 # N = 1,000,000
//! CIMI_BENCH_N=100000 cargo bench -p cimi-benches --bench suggest
//! ```
//!
//! The scan is given its best chance: every member's skills are normalised
//! once, before timing, so each query is one pass that counts how many members
//! have each wanted skill and collects those who share one, then ranks them the
//! same way. The bench checks that both give the same answer, then prints the
//! ratio.

use std::collections::{BTreeSet, HashMap};
use std::hint::black_box;
use std::time::Instant;

use cimi_benches::{community, directory, t0};
use cimi_core::Community;
use cimi_core::help::Suggestion;
use cimi_core::ids::MemberId;
use cimi_core::member::MemberStatus;
use cimi_core::skills::normalize_skill;
use criterion::{Criterion, criterion_group};

struct Scan {
    members: Vec<(MemberId, BTreeSet<String>, MemberStatus)>,
}

impl Scan {
    fn new(c: &Community) -> Scan {
        let window = c.statutes().activity_window();
        Scan {
            members: c
                .members()
                .filter(|m| !m.is_erased())
                .map(|m| {
                    (
                        m.id,
                        m.skills.iter().filter_map(normalize_skill).collect(),
                        m.status(window, t0()),
                    )
                })
                .collect(),
        }
    }

    fn suggest(&self, skills: &[&str], exclude: Option<MemberId>, k: usize) -> Vec<Suggestion> {
        let wanted: BTreeSet<String> = skills.iter().filter_map(|s| normalize_skill(s)).collect();
        let mut df: HashMap<&str, usize> = HashMap::new();
        let mut skilled = 0usize;
        let mut hits: Vec<(usize, Vec<&str>)> = Vec::new();
        for (i, (_, s, _)) in self.members.iter().enumerate() {
            if s.is_empty() {
                continue;
            }
            skilled += 1;
            let shared: Vec<&str> = wanted
                .iter()
                .filter(|w| s.contains(*w))
                .map(String::as_str)
                .collect();
            for w in &shared {
                *df.entry(w).or_default() += 1;
            }
            if !shared.is_empty() {
                hits.push((i, shared));
            }
        }
        let mut out: Vec<Suggestion> = hits
            .into_iter()
            .filter(|(i, _)| Some(self.members[*i].0) != exclude)
            .map(|(i, shared)| Suggestion {
                member: self.members[i].0,
                score: shared
                    .iter()
                    .map(|w| (1.0 + skilled as f64 / df[w] as f64).ln())
                    .sum(),
                shared_skills: shared.iter().map(|s| s.to_string()).collect(),
                status: self.members[i].2,
            })
            .collect();
        out.sort_by(|a, b| {
            u8::from(a.status != MemberStatus::Active)
                .cmp(&u8::from(b.status != MemberStatus::Active))
                .then(b.score.total_cmp(&a.score))
                .then(a.member.cmp(&b.member))
        });
        out.truncate(k);
        out
    }
}

fn bench(cr: &mut Criterion) {
    let n: usize = std::env::var("CIMI_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let started = Instant::now();
    let people = directory(n, 42);
    let c = community(&people, t0());
    let scan = Scan::new(&c);
    eprintln!(
        "directory of {n} members built in {:.1?}",
        started.elapsed()
    );

    // A request needing one rare and one common skill, by a member.
    let wanted = ["Radio logicielle", "Docker"];
    let asker = c.member_by_email(&people[0].email).map(|m| m.id);
    let k = 10;
    let indexed = c.suggest_for_skills(&wanted, asker, k, t0());
    let scanned = scan.suggest(&wanted, asker, k);
    assert_eq!(indexed.len(), scanned.len());
    for (a, b) in indexed.iter().zip(&scanned) {
        assert_eq!((a.member, &a.shared_skills), (b.member, &b.shared_skills));
        assert!((a.score - b.score).abs() < 1e-9);
    }

    let mut group = cr.benchmark_group(format!("suggest/n={n}"));
    group.sample_size(20);
    group.bench_function("index", |b| {
        b.iter(|| black_box(c.suggest_for_skills(black_box(&wanted), asker, k, t0())))
    });
    group.bench_function("full_scan", |b| {
        b.iter(|| black_box(scan.suggest(black_box(&wanted), asker, k)))
    });
    group.finish();

    // The ratio, measured here in the same process.
    let time = |f: &dyn Fn()| {
        let reps = 20;
        let start = Instant::now();
        for _ in 0..reps {
            f();
        }
        start.elapsed().as_secs_f64() / f64::from(reps)
    };
    let t_index = time(&|| {
        black_box(c.suggest_for_skills(&wanted, asker, k, t0()));
    });
    let t_scan = time(&|| {
        black_box(scan.suggest(&wanted, asker, k));
    });
    println!(
        "suggest n={n}: index {:.3} ms, full scan {:.3} ms, index is {:.0}x faster (floor: 50x)",
        t_index * 1e3,
        t_scan * 1e3,
        t_scan / t_index
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
