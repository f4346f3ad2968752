//! Any bytes as a statutes document: never a panic; refused with a typed error,
//! or accepted statutes that validate, found a community, write the same
//! document twice and load again to equal statutes.
#![no_main]

use cimi_core::{Community, Lang, Statutes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let statutes = match Statutes::from_json(text) {
        Ok(s) => s,
        Err(e) => {
            assert!(!e.kind().is_empty());
            assert!(!e.message(Lang::Fr).is_empty() && !e.message(Lang::En).is_empty());
            return;
        }
    };
    assert!(
        statutes.validate().is_ok(),
        "loaded statutes do not validate"
    );
    let written = statutes.to_json();
    let back = Statutes::from_json(&written).expect("written statutes load again");
    assert!(
        back == statutes,
        "statutes changed through to_json/from_json"
    );
    assert_eq!(back.to_json(), written, "to_json is not stable");
    // Every pattern reads back from its own text.
    for p in statutes
        .policy
        .allowed
        .iter()
        .chain(statutes.audiences.iter().flat_map(|a| &a.patterns))
    {
        assert_eq!(
            p.as_str()
                .parse::<cimi_core::address::AddressPattern>()
                .as_ref(),
            Ok(p)
        );
    }
    let c = Community::new(statutes.clone()).expect("valid statutes found a community");
    assert!(c.check_invariants().is_ok());
    let doc = c.to_json();
    let loaded = Community::from_json(&doc).expect("an empty community of valid statutes loads");
    assert!(loaded == c);
    // Reading the statutes does not panic.
    for lang in [Lang::Fr, Lang::En] {
        let _ = statutes.full_name.get(lang);
    }
    let _ = statutes.activity_window();
    let _ = c.check_statutes(chrono::DateTime::UNIX_EPOCH);
});
