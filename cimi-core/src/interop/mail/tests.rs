//! Unit tests of the private parts of e-mail reading: the
//! `Authentication-Results` parse, labelled lines, HTML text, attendance modes
//! and event numbers.

use super::auth::parse_authentication_results;
use super::events::leading_id;
use super::form::{attendance, labelled_lines};
use super::html::html_to_text;
use crate::registration::AttendanceMode;

#[test]
fn authentication_results_are_parsed() {
    let r = parse_authentication_results(
        " mx.interieur.gouv.fr (Postfix) 1;\r\n spf=pass smtp.mailfrom=interieur.gouv.fr;\r\n dkim=pass (good) header.d=interieur.gouv.fr;\r\n dmarc = pass (p=reject) header.from = \"Interieur.gouv.fr\"",
    )
    .unwrap();
    assert_eq!(r.authserv_id, "mx.interieur.gouv.fr");
    assert_eq!(
        r.dmarc,
        vec![("pass".into(), Some("interieur.gouv.fr".into()))]
    );
    let none = parse_authentication_results("mx.example; none").unwrap();
    assert!(none.dmarc.is_empty());
    assert!(parse_authentication_results("  ").is_none());
    // A comment cannot hide a result, nor fake one.
    let c = parse_authentication_results("mx; dmarc=fail (dmarc=pass header.from=x.fr)").unwrap();
    assert_eq!(c.dmarc, vec![("fail".into(), None)]);
}

#[test]
fn labels_and_values() {
    let pairs = labelled_lines(
        "Bonjour,\n- **Nom** : Dupont\nPRÉNOM= Jean\n> Grade : quoted\nFonction\u{a0}: chef\n",
    );
    assert_eq!(
        pairs,
        vec![
            ("nom".into(), "Dupont".into()),
            ("prenom".into(), "Jean".into()),
            ("fonction".into(), "chef".into()),
        ]
    );
}

#[test]
fn html_text() {
    let t = html_to_text(
        "<html><head><title>x</title><style>p{}</style></head><body><div>Nom&nbsp;: Dupont</div><p>Pr&eacute;nom : Jean</p><blockquote><div>Grade : faux</div></blockquote><div>Grade&#58; capitaine</div></body></html>",
    );
    assert_eq!(t, "Nom : Dupont\nPrénom : Jean\nGrade: capitaine");
}

#[test]
fn attendance_modes() {
    assert_eq!(attendance("Sur place"), Some(AttendanceMode::OnSite));
    assert_eq!(attendance("à distance"), Some(AttendanceMode::Remote));
    assert_eq!(
        attendance("sur place ou à distance"),
        Some(AttendanceMode::OnSiteOrRemote)
    );
    assert_eq!(attendance("peut-être"), None);
}

#[test]
fn ids() {
    assert_eq!(leading_id("E3"), Some(3));
    assert_eq!(leading_id("e 12 (IA)"), Some(12));
    assert_eq!(leading_id("3"), Some(3));
    assert_eq!(leading_id("3D printing"), None);
    assert_eq!(leading_id("Evenement"), None);
}
