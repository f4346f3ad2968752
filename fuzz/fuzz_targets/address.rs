//! Any text as an e-mail address, and as `address\npattern`: never a panic;
//! an accepted address is printable ASCII within the length limits, parses
//! again to itself (idempotence), is the same person in any letter case, and
//! gets the same verdict from every pattern whatever its case; a pattern that
//! parses reads back from its own text; verdicts follow the label-aligned rule.
#![no_main]

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use cimi_core::address::{
    AddressPattern, EmailAddress, MAX_ADDRESS_LEN, MAX_DOMAIN_LEN, MAX_LOCAL_LEN,
};
use cimi_core::{Lang, Statutes};
use libfuzzer_sys::fuzz_target;

/// The patterns of the CIMI preset and of the civic-tech statutes of
/// `tests/data`, audiences included.
static PATTERNS: LazyLock<Vec<AddressPattern>> = LazyLock::new(|| {
    let civic = Statutes::from_json(include_str!("../../tests/data/statutes-civic-tech.json"))
        .expect("the civic-tech statutes of tests/data load");
    let mut all = Vec::new();
    for s in [Statutes::cimi(), civic] {
        all.extend(s.policy.allowed.iter().cloned());
        for a in &s.audiences {
            all.extend(a.patterns.iter().cloned());
        }
    }
    for p in ["*@*", "cimi@interieur.gouv.fr", "*@*.fr"] {
        all.push(p.parse().expect("fixed pattern"));
    }
    all
});

fn hash_of(a: &EmailAddress) -> u64 {
    let mut h = DefaultHasher::new();
    a.hash(&mut h);
    h.finish()
}

/// The label-aligned rule, written independently of the crate.
fn expected_match(pattern: &AddressPattern, a: &EmailAddress) -> bool {
    let text = pattern.as_str();
    let (local, domain) = text.rsplit_once('@').expect("a pattern has an '@'");
    let local_ok = local == "*" || local.eq_ignore_ascii_case(a.local_part());
    let domain_ok = match domain {
        "*" => true,
        d => match d.strip_prefix("*.") {
            Some(suffix) => a.domain().ends_with(&format!(".{suffix}")),
            None => a.domain() == d,
        },
    };
    local_ok && domain_ok
}

/// Look-alike dots and fullwidth forms that must never reach an accepted domain.
fn is_look_alike(c: char) -> bool {
    matches!(
        c,
        '\u{3002}' | '\u{FF0E}' | '\u{FF61}' | '\u{FF01}'..='\u{FF5E}'
    )
}

fn check_address(input: &str, patterns: &[AddressPattern]) {
    let first = EmailAddress::parse(input);
    let second = EmailAddress::parse(input);
    match (&first, &second) {
        (Ok(a), Ok(b)) => assert_eq!(a.as_str(), b.as_str(), "parse is not deterministic"),
        (Err(a), Err(b)) => assert_eq!(a, b, "parse is not deterministic"),
        _ => panic!("parse accepted and refused the same text"),
    }
    let a = match first {
        Ok(a) => a,
        Err(e) => {
            assert!(!e.kind().is_empty());
            assert!(!e.message(Lang::Fr).is_empty() && !e.message(Lang::En).is_empty());
            return;
        }
    };
    let text = a.as_str();
    // Printable ASCII only: no control, bidi, invisible or white-space character.
    assert!(
        text.bytes().all(|b| b.is_ascii_graphic()),
        "accepted address holds a non-printable or non-ASCII byte: {text:?}"
    );
    assert!(text.len() <= MAX_ADDRESS_LEN);
    assert!(a.local_part().len() <= MAX_LOCAL_LEN && !a.local_part().is_empty());
    assert!(a.domain().len() <= MAX_DOMAIN_LEN);
    assert_eq!(text, format!("{}@{}", a.local_part(), a.domain()));
    assert!(!a.domain().bytes().any(|b| b.is_ascii_uppercase()));
    assert!(a.domain().contains('.') && !a.domain().ends_with('.'));
    assert!(!a.local_part().contains('@'));
    assert_eq!(a.to_string(), text);
    assert_eq!(format!("{a:?}"), format!("EmailAddress(…@{})", a.domain()));
    let input_domain = input.rsplit_once('@').map_or("", |(_, d)| d);
    assert!(
        !input_domain.chars().any(is_look_alike),
        "look-alike characters accepted in the domain"
    );
    // The local part is kept as given.
    assert!(input.contains(a.local_part()));

    // Idempotence: the normalised form parses to itself, byte for byte.
    let again = EmailAddress::parse(text).expect("a normalised address parses again");
    assert_eq!(again.as_str(), text, "normalisation is not idempotent");
    // Same person in any case: equal, same key, same hash, same verdicts.
    let key = a.key();
    assert_eq!(key, text.to_ascii_lowercase());
    let variants: Vec<EmailAddress> = [key.clone(), text.to_ascii_uppercase()]
        .iter()
        .map(|t| EmailAddress::parse(t).expect("a case variant of an accepted address parses"))
        .collect();
    for v in &variants {
        assert_eq!(*v, a);
        assert_eq!(v.key(), key);
        assert_eq!(hash_of(v), hash_of(&a));
        assert_eq!(v.cmp(&a), std::cmp::Ordering::Equal);
    }
    // JSON round trip.
    let json = serde_json::to_string(&a).expect("an address serializes");
    let back: EmailAddress = serde_json::from_str(&json).expect("an address deserializes");
    assert_eq!(back.as_str(), text);

    for p in patterns {
        let verdict = p.matches(&a);
        assert_eq!(
            verdict,
            expected_match(p, &a),
            "pattern {} disagrees with the label-aligned rule",
            p.as_str()
        );
        for v in &variants {
            assert_eq!(p.matches(v), verdict, "one person, two verdicts");
        }
    }
}

fn check_pattern(input: &str) -> Option<AddressPattern> {
    let p: AddressPattern = input.parse().ok()?;
    let text = p.as_str().to_string();
    assert_eq!(p.to_string(), text);
    let again: AddressPattern = text.parse().expect("a pattern reads back from its text");
    assert_eq!(
        again, p,
        "pattern text does not read back to the same pattern"
    );
    let json = serde_json::to_string(&p).expect("a pattern serializes");
    let back: AddressPattern = serde_json::from_str(&json).expect("a pattern deserializes");
    assert_eq!(back, p);
    Some(p)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_address(&text, &PATTERNS);
    check_pattern(&text);
    if let Some((address, pattern)) = text.split_once('\n') {
        let mut patterns = Vec::new();
        if let Some(p) = check_pattern(pattern) {
            patterns.push(p);
        }
        check_address(address, &patterns);
    }
});
