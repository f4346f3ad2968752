//! Unit tests of the CSV internals: formula neutralisation, separator
//! detection and the Windows-1252 fallback.

use super::import::{decode, detect_separator};
use super::{Encoding, neutralise, unneutralise};

#[test]
fn formula_cells() {
    for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =x", "＝1"] {
        assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        assert_eq!(unneutralise(&neutralise(bad)), bad);
        let marked = format!("'{bad}");
        assert_eq!(unneutralise(&neutralise(&marked)), marked);
    }
    for ok in ["Jean-Pierre", "a=b", "", "'x", "é", "''"] {
        assert_eq!(neutralise(ok), ok);
        assert_eq!(unneutralise(ok), ok);
    }
}

#[test]
fn separators() {
    assert_eq!(detect_separator("nom;prénom;adresse\n"), b';');
    assert_eq!(detect_separator("nom,prénom,adresse\n"), b',');
    assert_eq!(detect_separator("\"a;b\",c\n"), b',');
    assert_eq!(detect_separator("adresse\n"), b',');
    assert_eq!(detect_separator("\r\n\r\nnom;adresse\n"), b';');
}

#[test]
fn windows_1252() {
    let (s, e) = decode(b"pr\xe9nom;\x80\x9c");
    assert_eq!(s, "prénom;€œ");
    assert_eq!(e, Encoding::Windows1252);
}
