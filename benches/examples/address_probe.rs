//! Cost of the address check and of its parts.
use std::hint::black_box;
use std::time::Instant;
fn main() {
    let people = cimi_benches::directory(100_000, 42);
    let addrs: Vec<&str> = people.iter().map(|p| p.email.as_str()).collect();
    // Repeated (`REPEAT`, default 1) so that a profile is the parser's.
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let t = Instant::now();
    for _ in 0..repeat {
        for a in &addrs {
            black_box(cimi_core::address::EmailAddress::parse(a).is_ok());
        }
    }
    println!(
        "EmailAddress::parse {:.0} ns",
        t.elapsed().as_nanos() as f64 / (addrs.len() * repeat) as f64
    );
    let o = email_address::Options::default()
        .without_display_text()
        .without_domain_literal();
    let t = Instant::now();
    for a in &addrs {
        black_box(email_address::EmailAddress::parse_with_options(a, o).is_ok());
    }
    println!(
        "email_address crate {:.0} ns",
        t.elapsed().as_nanos() as f64 / addrs.len() as f64
    );
    // The same addresses again, now in cache: the parser's own cost.
    let hot: Vec<&str> = addrs.iter().take(1_000).copied().collect();
    let t = Instant::now();
    let rounds = 100 * repeat;
    for _ in 0..rounds {
        for a in &hot {
            black_box(cimi_core::address::EmailAddress::parse(a).is_ok());
        }
    }
    println!(
        "EmailAddress::parse, addresses in cache {:.0} ns",
        t.elapsed().as_nanos() as f64 / (hot.len() * rounds) as f64
    );
}
