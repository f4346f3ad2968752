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

#[test]
fn zz_explore() {
    for s in [
        "alice@AGRİ.gouv.fr", "alice@agri\u{307}.gouv.fr", "alice@xn--agri-twc.gouv.fr", "alice@agrı.gouv.fr",
        "alice@ａｇｒｉ.gouv.fr", "alice@\u{212A}ey.fr", "bob@аррӏе.fr", "bob@раураl.com", "bob@gооgle.com",
        "bob@\u{0430}gri.gouv.fr", "bob@ъеѕ.fr", "bob@гъѵ.fr", "bob@пгѵ.fr", "bob@straße.de", "bob@उदाहरण1१.in", "bob@e\u{301}\u{301}.fr",
        "bob@latinжук.fr", "bob@góðan.fr", "bob@góðan.is", "bob@ーアイ.jp", "bob@élysée.fr", "bob@müller.de",
        "bob@пример.рф", "bob@пример.fr", "bob@ελληνικά.gr", "bob@日本語.jp", "bob@ソニー.jp", "bob@sonyソニー.jp",
        "bob@παράδειγμα.δοκιμή", "bob@例子.中国", "bob@한국.kr", "bob@col·legi.cat", "bob@co·legi.cat", "bob@сосо.рф", "bob@аррӏе.рф",
        "bob@ḿ.fr", "bob@kapıdağ.tr", "bob@xn--80ak6aa92e.com", "bob@ıİ.fr", "bob@ǰ.fr", "bob@1一1.cn", "bob@a☃.net", "bob@ψ.gr",
        "bob@ж1٢.fr", "bob@ⓐ.fr",
    ] {
        println!("{s:?} -> {:?}", EmailAddress::parse(s).map(|a| a.as_str().to_string()));
    }
}
