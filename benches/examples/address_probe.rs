//! Cost of the address check and of its parts.
use std::hint::black_box;
use std::time::Instant;

/// Nanoseconds per call of `check` over `addrs`, `rounds` times.
fn per_call(addrs: &[&str], rounds: usize, check: impl Fn(&str) -> bool) -> f64 {
    let t = Instant::now();
    for _ in 0..rounds {
        for a in addrs {
            black_box(check(black_box(a)));
        }
    }
    t.elapsed().as_nanos() as f64 / (addrs.len() * rounds) as f64
}

fn main() {
    let people = cimi_benches::directory(100_000, 42);
    let addrs: Vec<&str> = people.iter().map(|p| p.email.as_str()).collect();
    // Repeated (`REPEAT`, default 1) so that a profile is the parser's.
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let ours = |a: &str| cimi_core::address::EmailAddress::parse(a).is_ok();
    println!(
        "EmailAddress::parse {:.0} ns",
        per_call(&addrs, repeat, ours)
    );
    let o = email_address::Options::default()
        .without_display_text()
        .without_domain_literal();
    let crate_parse = |a: &str| email_address::EmailAddress::parse_with_options(a, o).is_ok();
    println!(
        "email_address crate {:.0} ns",
        per_call(&addrs, 1, crate_parse)
    );
    // The same addresses again, now in cache: the parser's own cost.
    println!(
        "EmailAddress::parse, addresses in cache {:.0} ns",
        per_call(&addrs[..1_000], 100 * repeat, ours)
    );
}
