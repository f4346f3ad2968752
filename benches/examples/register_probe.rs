//! Registration decisions in a loop, for profilers (`perf record`): a rush of
//! 200,000 new people on one event, repeated on fresh communities
//! (`REPEAT`, default 5) so that generating the people is a small share of
//! the profile.
use cimi_benches::{directory, request_of, schedule, t0};
use cimi_core::event::{EventKind, EventSpec};
use cimi_core::Community;
use std::hint::black_box;
fn main() {
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let people = directory(200_000, 3);
    let reqs: Vec<_> = people.iter().map(request_of).collect();
    for _ in 0..repeat {
        let mut c = Community::new(cimi_benches::statutes()).unwrap();
        let ev = c
            .schedule_event(
                EventSpec::new(EventKind::Conference, "R", schedule(60), 100_000),
                t0(),
            )
            .unwrap();
        let start = std::time::Instant::now();
        for r in &reqs {
            black_box(c.register(ev, r, t0()).unwrap());
        }
        println!(
            "{:.0} ns per registration",
            start.elapsed().as_nanos() as f64 / reqs.len() as f64
        );
    }
}
