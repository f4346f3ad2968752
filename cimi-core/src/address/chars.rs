//! The control, bidirectional and invisible characters refused in every text
//! the community stores (and, in addresses, a few more), with a one-pass byte
//! scan for them.

/// Control, bidirectional and invisible formatting characters: refused in
/// every text the community stores, so none can hide or reorder what a reader sees.
pub(crate) fn is_control_or_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// Whether a text holds a character [`is_control_or_invisible`] refuses, and
/// how many characters it has: one pass over its bytes, no decoding (every
/// refused character has a fixed UTF-8 form).
///
/// For instance `"Hélène"` gives `(false, 6)`, and `"a"` + U+200B + `"b"`
/// gives `(true, 3)`.
pub(crate) fn scan_text(s: &str) -> (bool, usize) {
    let b = s.as_bytes();
    let (mut bad, mut chars, mut i) = (false, 0, 0);
    while i < b.len() {
        let c = b[i];
        chars += 1;
        if c < 0x80 {
            // C0 controls and DEL.
            bad |= c < 0x20 || c == 0x7F;
            i += 1;
            continue;
        }
        let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
        bad |= match c {
            // C1 controls, U+0080..U+009F.
            0xC2 => matches!(next(1), 0x80..=0x9F),
            // U+061C arabic letter mark.
            0xD8 => next(1) == 0x9C,
            // U+200B..U+200F, U+2028..U+202E, U+2060..U+2069.
            0xE2 => matches!(
                (next(1), next(2)),
                (0x80, 0x8B..=0x8F | 0xA8..=0xAE) | (0x81, 0xA0..=0xA9)
            ),
            // U+FEFF.
            0xEF => next(1) == 0xBB && next(2) == 0xBF,
            _ => false,
        };
        // The length of the character, from its first byte (the text is UTF-8).
        i += match c {
            0xF0.. => 4,
            0xE0.. => 3,
            _ => 2,
        };
    }
    (bad, chars)
}

/// In addresses, also the soft hyphen and the Mongolian vowel separator.
pub(super) fn is_forbidden_char(c: char) -> bool {
    is_control_or_invisible(c) || matches!(c, '\u{00AD}' | '\u{180E}')
}
