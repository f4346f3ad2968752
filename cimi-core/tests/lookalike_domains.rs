//! Look-alike domains: the table of `docs/hostile-inputs.md` ("Look-alike
//! domains") executed row by row, the refusal through registration and
//! operations, and properties: ASCII domains stay accepted, an ASCII label
//! with a letter swapped for a Cyrillic or Greek look-alike is refused, French
//! names with accents stay accepted.

use chrono::{Duration, TimeZone, Utc};
use cimi_core::address::{AddressError, EmailAddress};
use cimi_core::error::{Detail, ErrorFamily};
use cimi_core::event::{EventKind, EventSpec, Schedule};
use cimi_core::registration::{Refusal, RegistrationRequest};
use cimi_core::{Community, Error, Lang};
use proptest::prelude::*;

/// The rows of the "Look-alike domains" table: (rule, address, answer).
fn rows() -> Vec<(String, String, String)> {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/hostile-inputs.md"
    ))
    .expect("docs/hostile-inputs.md");
    let start = doc
        .find("| rule | address | answer |")
        .expect("the look-alike table");
    doc[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 3, "a row has three cells: {line}");
            let input = cells[1].trim().trim_matches('`');
            let input: String = serde_json::from_str(input)
                .unwrap_or_else(|e| panic!("input {input} is not a JSON string: {e}"));
            (
                cells[0].trim().to_string(),
                input,
                cells[2].trim().trim_matches('`').to_string(),
            )
        })
        .collect()
}

#[test]
fn the_lookalike_table_holds() {
    let rows = rows();
    assert!(rows.len() >= 30, "the table lost rows: {}", rows.len());
    let mut wrong = Vec::new();
    for (rule, input, expected) in &rows {
        let answer = match EmailAddress::parse(input) {
            Ok(_) => "ok".to_string(),
            Err(e) => {
                if let AddressError::LookalikeDomain { label } = &e {
                    // The label is named as the caller wrote it.
                    assert!(input.contains(label.as_str()), "{input:?}: {label:?}");
                    assert!(e.message(Lang::En).contains(&format!("'{label}'")));
                    assert!(e.message(Lang::Fr).contains(&format!("« {label} »")));
                }
                e.kind().to_string()
            }
        };
        if &answer != expected {
            wrong.push(format!(
                "{rule}: {input:?}: expected {expected}, got {answer}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "rows that do not hold:\n{}",
        wrong.join("\n")
    );
    println!("{} look-alike rows checked", rows.len());
}

fn request(email: &str) -> RegistrationRequest {
    RegistrationRequest::new(email)
        .names("Martin", "Alice")
        .affiliation("DNUM", "ingénieure", "architecte")
        .acknowledging(["deontology", "pssi"])
}

#[test]
fn registration_refuses_with_the_reason() {
    let now = Utc.with_ymd_and_hms(2030, 11, 20, 9, 0, 0).unwrap();
    let mut c = Community::cimi();
    let when = Schedule::new(
        now + Duration::days(20),
        now + Duration::days(20) + Duration::hours(2),
    )
    .unwrap();
    let ev = c
        .schedule_event(EventSpec::new(EventKind::Miditech, "IDN", when, 10), now)
        .unwrap();
    for (email, label) in [
        ("alice@AGR\u{130}.gouv.fr", "AGR\u{130}"),
        ("alice@\u{430}\u{440}\u{440}\u{4CF}\u{435}.gouv.fr", "аррӏе"),
        ("alice@xn--agri-twc.gouv.fr", "xn--agri-twc"),
    ] {
        let e = c.register(ev, &request(email), now).unwrap_err();
        assert_eq!(
            e,
            Error::Refused(Refusal::InvalidAddress {
                reason: AddressError::LookalikeDomain {
                    label: label.into()
                }
            })
        );
        assert_eq!(e.family(), ErrorFamily::Refused);
        assert_eq!(e.kind(), "invalid_address");
        assert_eq!(
            e.details(),
            vec![("reason", Detail::Text("lookalike_domain".into()))]
        );
        assert!(
            e.message(Lang::Fr).contains(label),
            "{}",
            e.message(Lang::Fr)
        );
        assert!(
            e.message(Lang::En).contains(label),
            "{}",
            e.message(Lang::En)
        );
    }
    // The legitimate name next to it is accepted.
    assert!(
        c.register(ev, &request("marie@élysée.gouv.fr"), now)
            .is_ok()
    );
    assert_eq!(c.members().count(), 1);
}

#[test]
fn operations_answer_invalid_input() {
    let e = Error::from(EmailAddress::parse("alice@AGRİ.gouv.fr").unwrap_err());
    assert_eq!(e.family(), ErrorFamily::InvalidInput);
    assert_eq!(e.kind(), "invalid_address");
    assert_eq!(
        e.details(),
        vec![("reason", Detail::Text("lookalike_domain".into()))]
    );
    assert!(e.message(Lang::Fr).contains("« AGRİ »"));
}

#[test]
fn a_document_holding_a_lookalike_address_still_loads() {
    let now = Utc.with_ymd_and_hms(2030, 11, 20, 9, 0, 0).unwrap();
    let mut c = Community::cimi();
    let when = Schedule::new(
        now + Duration::days(20),
        now + Duration::days(20) + Duration::hours(2),
    )
    .unwrap();
    let ev = c
        .schedule_event(EventSpec::new(EventKind::Miditech, "IDN", when, 10), now)
        .unwrap();
    c.register(ev, &request("alice@agri.gouv.fr"), now).unwrap();
    let json = c.to_json();
    assert!(Community::from_json(&json).is_ok());
    // Written before the rule existed: `AGRİ` was stored as `xn--agri-twc`.
    // Stored data still loads (nothing is lost); new input is refused.
    let old = json.replace("alice@agri.gouv.fr", "alice@xn--agri-twc.gouv.fr");
    assert_ne!(old, json);
    let back = Community::from_json(&old).unwrap();
    assert!(
        back.members()
            .any(|m| m.email.as_str() == "alice@xn--agri-twc.gouv.fr")
    );
    let e = c
        .register(ev, &request("bob@xn--agri-twc.gouv.fr"), now)
        .unwrap_err();
    assert_eq!(e.family(), ErrorFamily::Refused);
}

/// A plain ASCII label: letters, digits and inner hyphens, not punycode.
fn ascii_label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?".prop_filter("not punycode", |l| {
        !l.to_ascii_lowercase().starts_with("xn--")
    })
}

/// Cyrillic and Greek letters that look like an ASCII one: UTS #39 gives
/// each the ASCII letter as its skeleton.
const CONFUSABLES: &[(char, &[char])] = &[
    ('a', &['\u{430}', '\u{3B1}']),
    ('c', &['\u{441}']),
    ('d', &['\u{501}']),
    ('e', &['\u{435}']),
    ('h', &['\u{4BB}']),
    ('i', &['\u{456}', '\u{3B9}']),
    ('j', &['\u{458}']),
    ('l', &['\u{4CF}']),
    ('o', &['\u{43E}', '\u{3BF}']),
    ('p', &['\u{440}', '\u{3C1}']),
    ('q', &['\u{51B}']),
    ('s', &['\u{455}']),
    ('u', &['\u{3C5}']),
    ('v', &['\u{3BD}']),
    ('w', &['\u{51D}']),
    ('x', &['\u{445}']),
    ('y', &['\u{443}', '\u{3B3}']),
];

fn look_alike(c: char, pick: usize) -> Option<char> {
    CONFUSABLES
        .iter()
        .find(|(ascii, _)| *ascii == c)
        .map(|(_, alike)| alike[pick % alike.len()])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any ASCII host name stays accepted, in its lowercase form.
    #[test]
    fn ascii_domains_stay_accepted(
        labels in prop::collection::vec(ascii_label(), 1..4),
        tld in "[a-zA-Z]{2,6}",
    ) {
        let domain = format!("{}.{tld}", labels.join("."));
        prop_assume!(domain.len() <= 200);
        let a = EmailAddress::parse(&format!("alice@{domain}"));
        let lower = domain.to_ascii_lowercase();
        prop_assert_eq!(a.as_ref().map(EmailAddress::domain), Ok(lower.as_str()));
    }

    /// An ASCII label with one letter replaced by a Cyrillic or Greek
    /// look-alike is refused, written in Unicode or in punycode.
    #[test]
    fn one_confusable_letter_is_refused(
        label in "[a-z0-9]{0,6}[acdehijlopqsuvwxy][a-z0-9]{0,6}",
        which in any::<prop::sample::Index>(),
        pick in 0usize..2,
    ) {
        let chars: Vec<char> = label.chars().collect();
        let swappable: Vec<usize> =
            (0..chars.len()).filter(|&i| look_alike(chars[i], 0).is_some()).collect();
        let at = swappable[which.index(swappable.len())];
        let mut spoof = chars.clone();
        spoof[at] = look_alike(chars[at], pick).unwrap();
        let spoof: String = spoof.into_iter().collect();
        for domain in [format!("{spoof}.gouv.fr"), idna::domain_to_ascii(&format!("{spoof}.gouv.fr")).unwrap()] {
            let e = EmailAddress::parse(&format!("alice@{domain}")).unwrap_err();
            prop_assert!(
                matches!(e, AddressError::LookalikeDomain { .. } | AddressError::MixedScriptDomain),
                "{} accepted or refused for another reason: {:?}", domain, e
            );
        }
    }

    /// A label whose every letter is a Cyrillic look-alike reads as the ASCII
    /// label: refused as a look-alike.
    #[test]
    fn whole_cyrillic_lookalikes_are_refused(label in "[acehijopsxy]{1,12}") {
        let spoof: String = label.chars().map(|c| look_alike(c, 0).unwrap()).collect();
        prop_assume!(spoof.chars().all(|c| ('\u{400}'..='\u{52F}').contains(&c)));
        let e = EmailAddress::parse(&format!("alice@{spoof}.fr")).unwrap_err();
        prop_assert_eq!(e, AddressError::LookalikeDomain { label: spoof });
    }

    /// French names with accents read as themselves: accepted. (Not the
    /// ligature `œ`: UTS #39 reads it `oe`, so `cœur` is refused as `coeur`.)
    #[test]
    fn accented_french_labels_stay_accepted(
        before in "[a-z]{0,8}",
        accented in "[éèêëàâùûüçôîïÿ]",
        after in "[a-z]{0,8}",
    ) {
        let label = format!("{before}{accented}{after}");
        let a = EmailAddress::parse(&format!("marie@{label}.gouv.fr"));
        prop_assert!(a.is_ok(), "{} refused: {:?}", label, a);
    }
}
