//! Cost of the statutes' address rules (allowed patterns, audiences) alone.
use std::hint::black_box;
use std::time::Instant;
fn main() {
    let people = cimi_benches::directory(1_000, 7_777);
    let statutes = cimi_benches::statutes();
    let addrs: Vec<_> = people
        .iter()
        .map(|p| cimi_core::address::EmailAddress::parse(&p.email).unwrap())
        .collect();
    println!(
        "{} allowed patterns, {} audiences",
        statutes.policy.allowed.len(),
        statutes.audiences.len()
    );
    let rounds = 1_000;
    let t = Instant::now();
    for _ in 0..rounds {
        for a in &addrs {
            black_box(statutes.policy.allows(a));
            black_box(statutes.audience_of(a));
        }
    }
    println!(
        "allows + audience_of {:.0} ns",
        t.elapsed().as_nanos() as f64 / (addrs.len() * rounds) as f64
    );
}
