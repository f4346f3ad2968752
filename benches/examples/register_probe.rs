//! Registration decisions in a loop, for profilers (`perf record`): the cost
//! curve's measurement (20,000 new people registering for one event, on a
//! copy of a community of `N` members; `N` is the first argument, default
//! 10,000), repeated `REPEAT` times (default 20) on fresh copies, so that
//! building the community is a small share of the profile.
use cimi_benches::{community, directory, request_of, t0};
use std::hint::black_box;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let c = community(&directory(n, 42), t0());
    let fresh = directory(20_000, 7_777);
    let requests: Vec<_> = fresh.iter().map(request_of).collect();
    let mut total = 0.0;
    for _ in 0..repeat {
        let mut reg = c.clone();
        let ev = cimi_benches::rush_event(&mut reg);
        let start = std::time::Instant::now();
        for r in &requests {
            black_box(reg.register(ev, r, t0()).unwrap());
        }
        total += start.elapsed().as_secs_f64();
    }
    println!(
        "{:.0} ns per registration (N = {n}, {repeat} rounds)",
        total * 1e9 / (requests.len() * repeat) as f64
    );
}
