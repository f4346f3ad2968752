//! Unit tests of addresses and patterns: the byte scan, the one-pass path
//! against the full rules, accepted, refused and look-alike addresses.

use super::syntax::parse_plain;
use super::*;
use proptest::prelude::*;

proptest! {
    /// The byte scan finds exactly the characters the character test refuses.
    #[test]
    fn byte_scan_agrees_with_the_character_test(
        s in "([a-zé ]|\\PC|[\u{0}-\u{a0}\u{61b}-\u{61d}\u{200a}-\u{2070}\u{feff}\u{fefe}])*"
    ) {
        prop_assert_eq!(
            scan_text(&s),
            (s.chars().any(is_control_or_invisible), s.chars().count())
        );
    }

    /// The one-pass path accepts only what the full rules accept, and
    /// builds the same address.
    #[test]
    fn plain_path_agrees_with_the_full_rules(
        s in "[a-zA-Z0-9._+\\-]{0,12}(@[a-zA-Z0-9.\\-]{0,20}){0,2}|[a-z]{1,8}@(xn--[a-z0-9]{1,6}|[0-9]{1,3}|[a-z]{1,4}-)(\\.[a-zA-Z0-9\\-]{1,8}){1,3}"
    ) {
        if let Some(fast) = parse_plain(&s) {
            let full = EmailAddress::parse_checked(&s);
            prop_assert_eq!(full.as_ref().map(EmailAddress::as_str), Ok(fast.as_str()));
        }
    }
}

fn verdict(s: &str) -> Result<bool, AddressError> {
    let gouv: AddressPattern = "*@*.gouv.fr".parse().unwrap();
    EmailAddress::parse(s).map(|a| gouv.matches(&a))
}

#[test]
fn plain_path_takes_the_common_case_and_leaves_the_rest() {
    let fast = parse_plain("Alice.Martin+cimi@AGRI.Gouv.FR").map(|t| t.to_string());
    assert_eq!(fast.as_deref(), Some("Alice.Martin+cimi@agri.gouv.fr"));
    for other in [
        "a@xn--bcher-kva.example",
        "a@b",
        "a@b.123",
        "a..b@c.fr",
        "a@-b.fr",
        "a@b.fr.",
        "a!b@c.fr",
        "@c.fr",
    ] {
        assert!(parse_plain(other).is_none(), "{other}");
    }
}

#[test]
fn accepted_rows() {
    let a = EmailAddress::parse("Alice.Martin@AGRI.GOUV.FR").unwrap();
    assert_eq!(a.local_part(), "Alice.Martin");
    assert_eq!(a.domain(), "agri.gouv.fr");
    assert_eq!(verdict("Alice.Martin@AGRI.GOUV.FR"), Ok(true));
    assert_eq!(verdict("alice+events@interieur.gouv.fr"), Ok(true));
}

#[test]
fn not_allowed_rows() {
    for s in [
        "alice@gouv.fr",
        "alice@agri.gouv.fr.evil.com",
        "alice@evilgouv.fr",
        "alice@agri-gouv.fr",
    ] {
        assert_eq!(verdict(s), Ok(false), "{s}");
    }
}

#[test]
fn invalid_rows() {
    assert_eq!(
        verdict("alice@agri.gouv.fr."),
        Err(AddressError::TrailingDot)
    );
    assert_eq!(
        verdict("\"x@evil.com\"@agri.gouv.fr"),
        Err(AddressError::QuotedLocalPart)
    );
    assert_eq!(
        verdict("Alice <alice@agri.gouv.fr>"),
        Err(AddressError::WhiteSpace)
    );
    assert_eq!(verdict("alice(c)@agri.gouv.fr"), Err(AddressError::Comment));
    assert_eq!(
        verdict("alice@[192.0.2.1]"),
        Err(AddressError::DomainLiteral)
    );
    let long_local = format!("{}@agri.gouv.fr", "a".repeat(65));
    assert_eq!(verdict(&long_local), Err(AddressError::LocalPartTooLong));
    let long = format!("a@{}gouv.fr", "b.".repeat(123));
    assert_eq!(long.len(), 255);
    assert_eq!(verdict(&long), Err(AddressError::TooLong));
    for c in ['\r', '\n', '\0', '\u{202E}', '\u{2066}', '\u{200F}'] {
        let s = format!("ali{c}ce@agri.gouv.fr");
        assert_eq!(verdict(&s), Err(AddressError::ForbiddenCharacter), "{c:?}");
    }
}

#[test]
fn confusables_never_accepted() {
    for s in [
        "alice@\u{0430}gri.gouv.fr",
        "alice@agri\u{3002}gouv\u{3002}fr",
        "alice@agri\u{FF0E}gouv\u{FF0E}fr",
        "alice@agri\u{FF61}gouv.fr",
        "alice@\u{FF41}gri.gouv.fr",
        "alice@xn--gri-5cd.gouv.fr",
    ] {
        assert_ne!(verdict(s), Ok(true), "{s}");
    }
}

#[test]
fn exact_address_fits_limit() {
    let ok = format!("a@{}gouv.fr", "b.".repeat(122));
    assert_eq!(ok.len(), 253);
    assert!(EmailAddress::parse(&ok).is_ok());
}

#[test]
fn equality_and_hash_agree() {
    use std::collections::HashSet;
    let a = EmailAddress::parse("Alice@Agri.gouv.fr").unwrap();
    let b = EmailAddress::parse("alice@agri.gouv.fr").unwrap();
    assert_eq!(a, b);
    let set: HashSet<_> = [a, b].into_iter().collect();
    assert_eq!(set.len(), 1);
}

#[test]
fn international_domain_in_ascii_form() {
    let a = EmailAddress::parse("jean@bücher.fr").unwrap();
    assert_eq!(a.domain(), "xn--bcher-kva.fr");
    assert_eq!(a, EmailAddress::parse("jean@xn--bcher-kva.fr").unwrap());
}

#[test]
fn patterns() {
    let exact: AddressPattern = "*@Interieur.gouv.fr".parse().unwrap();
    let e = |s| EmailAddress::parse(s).unwrap();
    assert!(exact.matches(&e("a@interieur.gouv.fr")));
    assert!(!exact.matches(&e("a@x.interieur.gouv.fr")));
    let one: AddressPattern = "cimi@interieur.gouv.fr".parse().unwrap();
    assert!(one.matches(&e("CIMI@interieur.gouv.fr")));
    assert!(!one.matches(&e("other@interieur.gouv.fr")));
    let any: AddressPattern = "*@*".parse().unwrap();
    assert!(any.matches(&e("x@example.com")));
    let tld: AddressPattern = "*@*.fr".parse().unwrap();
    assert!(tld.matches(&e("x@paris.fr")));
    assert!("nope".parse::<AddressPattern>().is_err());
}

/// The reason a domain is refused for, or `None` when it is accepted.
fn domain_verdict(domain: &str) -> Option<AddressError> {
    EmailAddress::parse(&format!("alice@{domain}")).err()
}

fn lookalike(label: &str) -> Option<AddressError> {
    Some(AddressError::LookalikeDomain {
        label: label.to_owned(),
    })
}

#[test]
fn labels_that_map_into_ascii_are_refused_before_mapping() {
    // Capital I with dot above: IDNA would store `agri` + U+0307.
    assert_eq!(domain_verdict("AGRİ.gouv.fr"), lookalike("AGRİ"));
    assert_eq!(domain_verdict("agri.GOUV.FR"), None);
    // Fullwidth letters, the Kelvin sign, a ligature, a circled letter.
    assert_eq!(
        domain_verdict("ｉｎｔｅｒｉｅｕｒ.gouv.fr"),
        lookalike("ｉｎｔｅｒｉｅｕｒ")
    );
    assert_eq!(domain_verdict("\u{212A}ey.fr"), lookalike("\u{212A}ey"));
    assert_eq!(
        domain_verdict("\u{FB01}nances.fr"),
        lookalike("\u{FB01}nances")
    );
    assert_eq!(domain_verdict("\u{24D0}gri.fr"), lookalike("\u{24D0}gri"));
    // The label is named as given, whichever label it is.
    assert_eq!(
        domain_verdict("agri.GOUV\u{0130}.fr"),
        lookalike("GOUV\u{0130}")
    );
    assert!(lookalike::maps_into_ascii("AGRİ"));
    assert!(!lookalike::maps_into_ascii("ÉLYSÉE"));
    assert!(!lookalike::maps_into_ascii("agri"));
}

#[test]
fn dot_above_after_i_j_l_is_refused_in_every_form() {
    assert_eq!(
        domain_verdict("agri\u{307}.gouv.fr"),
        lookalike("agri\u{307}")
    );
    // The same label in punycode, as stored before this rule existed.
    assert_eq!(
        domain_verdict("xn--agri-twc.gouv.fr"),
        lookalike("xn--agri-twc")
    );
    assert_eq!(
        domain_verdict("XN--AGRI-TWC.gouv.fr"),
        lookalike("XN--AGRI-TWC")
    );
    assert_eq!(
        domain_verdict("ba\u{0131}\u{301}.fr"),
        lookalike("ba\u{0131}\u{301}")
    );
}

#[test]
fn labels_whose_skeleton_is_ascii_are_refused() {
    // Dotless i reads as i; all-Cyrillic labels read as Latin words.
    assert_eq!(
        domain_verdict("agr\u{0131}.gouv.fr"),
        lookalike("agr\u{0131}")
    );
    assert_eq!(domain_verdict("аррӏе.fr"), lookalike("аррӏе"));
    assert_eq!(domain_verdict("АРРӀЕ.fr"), lookalike("АРРӀЕ"));
    assert_eq!(
        domain_verdict("xn--80ak6aa92e.com"),
        lookalike("xn--80ak6aa92e")
    );
    // Even under a Cyrillic top-level domain: it still reads `coco`.
    assert_eq!(domain_verdict("сосо.рф"), lookalike("сосо"));
    // Greek letters that read as Latin (`ναι`, yes, reads `vai`).
    assert_eq!(domain_verdict("ναι.gr"), lookalike("ναι"));
}

#[test]
fn mixed_scripts_keep_their_reason() {
    for domain in [
        "раураl.com",
        "gооgle.com",
        "\u{0430}gri.gouv.fr",
        "latinжук.fr",
        "sonyソニー.jp",
    ] {
        assert_eq!(
            domain_verdict(domain),
            Some(AddressError::MixedScriptDomain),
            "{domain}"
        );
    }
}

#[test]
fn latin_alike_cyrillic_depends_on_the_top_level_domain() {
    // `пес` (Russian for dog): its skeleton `πec` is not ASCII, but every
    // letter looks Latin, so it reads `nec`.
    assert_eq!(domain_verdict("пес.fr"), lookalike("пес"));
    for domain in ["пес.рф", "пес.ru", "пес.бг", "xn--e1aer.xn--90ae"] {
        assert_eq!(domain_verdict(domain), None, "{domain}");
    }
    // A Cyrillic word with letters that do not look Latin.
    assert_eq!(domain_verdict("пример.fr"), None);
    // Delegated top-level domains whose skeletons are ASCII (`6r`, `cp6`,
    // `pyc`, `opr`, `hwj`) are accepted; an undelegated one is not.
    for domain in [
        "пример.бг",
        "пример.срб",
        "пример.рус",
        "пример.орг",
        "օրինակ.հայ",
    ] {
        assert_eq!(domain_verdict(domain), None, "{domain}");
    }
    assert_eq!(domain_verdict("сосо.рус"), lookalike("сосо"));
    assert_eq!(
        domain_verdict("agri.\u{456}\u{43E}"),
        lookalike("\u{456}\u{43E}")
    );
}

#[test]
fn chromium_character_rules() {
    // Deviation characters (IDNA 2003 read `straße` as `strasse`).
    assert_eq!(domain_verdict("straße.de"), lookalike("straße"));
    assert_eq!(
        domain_verdict("\u{03C3}\u{03BF}\u{03C6}\u{03C2}.gr"),
        lookalike("\u{03C3}\u{03BF}\u{03C6}\u{03C2}")
    );
    // Outside UTS #39's allowed identifier characters, or removed by Chromium.
    assert_eq!(domain_verdict("a\u{2603}.net"), lookalike("a\u{2603}"));
    assert_eq!(domain_verdict("\u{0138}ey.fr"), lookalike("\u{0138}ey"));
    assert_eq!(domain_verdict("\u{1E3F}a.fr"), lookalike("\u{1E3F}a"));
    // The same mark twice on one letter.
    let twice = idna::domain_to_ascii("\u{E9}\u{301}x.fr").unwrap();
    let label = twice.split('.').next().unwrap().to_owned();
    assert_eq!(
        domain_verdict(&twice),
        Some(AddressError::LookalikeDomain { label })
    );
    // Two numbering systems.
    assert_eq!(domain_verdict("उदाहरण1१.in"), lookalike("उदाहरण1१"));
    assert_eq!(domain_verdict("उदाहरण१२.in"), None);
    // Icelandic letters outside `.is`, the schwa outside `.az`.
    assert_eq!(domain_verdict("góðan.fr"), lookalike("góðan"));
    assert_eq!(domain_verdict("góðan.is"), None);
    assert_eq!(domain_verdict("əla.fr"), lookalike("əla"));
    assert_eq!(domain_verdict("əla.az"), None);
}

#[test]
fn chromium_dangerous_patterns() {
    for label in [
        "ーアイ",       // the prolonged sound mark first
        "1ノ1",         // Katakana no between digits reads as a slash
        "1一1",         // CJK one between digits reads as a hyphen
        "ヽア",         // an iteration mark first
        "アイへアイ",   // a lone Hiragana he among Katakana
        "あいヘあい",   // a lone Katakana he among Hiragana
        "ab1\u{301}",   // a diacritic on a digit
        "co·legi",      // a middle dot outside l·l
        "あ\u{3099}い", // a combining voiced sound mark
        "l\u{307}a",    // a dot above on l
        "j\u{307}a",    // a dot above on j
    ] {
        assert_eq!(
            domain_verdict(&format!("{label}.jp")),
            lookalike(label),
            "{label}"
        );
    }
    for domain in [
        "アイー.jp",
        "あいへあい.jp",
        "col·legi.cat",
        "日本語.jp",
        "ソニー.jp",
    ] {
        assert_eq!(domain_verdict(domain), None, "{domain}");
    }
}

#[test]
fn legitimate_international_domains_stay_accepted() {
    for domain in [
        "élysée.fr",
        "müller.de",
        "bücher.de",
        "préfecture.gouv.fr",
        "пример.рф",
        "ελληνικά.gr",
        "παράδειγμα.δοκιμή",
        "日本語.jp",
        "例子.中国",
        "한국.kr",
        "kapıdağ.tr",
        "việtnam.vn",
        "مثال.إختبار",
    ] {
        assert_eq!(domain_verdict(domain), None, "{domain}");
    }
}

#[test]
fn lookalike_messages_name_the_label_in_both_languages() {
    let e = domain_verdict("AGRİ.gouv.fr").unwrap();
    assert_eq!(e.kind(), "lookalike_domain");
    assert_eq!(
        e.message(crate::Lang::En),
        "the domain label 'AGRİ' could be taken for another name (look-alike characters)"
    );
    assert_eq!(
        e.message(crate::Lang::Fr),
        "l'élément du domaine « AGRİ » peut être pris pour un autre nom (caractères trompeurs)"
    );
}

#[test]
fn lookalike_patterns_are_refused() {
    assert_eq!(
        "*@*.аррӏе.fr".parse::<AddressPattern>(),
        Err(PatternError::InvalidDomain(AddressError::LookalikeDomain {
            label: "аррӏе".into()
        }))
    );
}
