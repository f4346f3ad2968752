//! Unit tests of the engine's private bookkeeping.

use super::validate::{is_printable_ascii, trim};
use proptest::prelude::*;

proptest! {
    /// The shortcuts of the registration path answer as the general tests do.
    #[test]
    fn text_shortcuts_agree(s in "([ -~]|\\s|\\PC|[\\u{0}-\\u{20}\\u{85}\\u{a0}])*") {
        prop_assert_eq!(trim(&s), s.trim());
        prop_assert_eq!(
            is_printable_ascii(&s),
            s.bytes().all(|b| (0x20..0x7f).contains(&b))
        );
        if is_printable_ascii(&s) {
            prop_assert!(!s.chars().any(crate::address::is_control_or_invisible));
            prop_assert_eq!(s.len(), s.chars().count());
        }
    }
}
