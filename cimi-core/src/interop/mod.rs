//! Interoperability with the tools the organisers already use: calendars
//! ([`ical`], RFC 5545), spreadsheets ([`csv`], RFC 4180 and the French office
//! dialect) and registration by e-mail ([`mail`], RFC 5322/MIME).
//!
//! Every function takes the current instant as a parameter (time is an input),
//! every input is bounded, and no input makes these functions panic.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use cimi_core::interop::{csv, ical};
//! use cimi_core::Community;
//!
//! let c = Community::cimi();
//! let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
//! let ics = ical::calendar(&c, &[], now)?;
//! assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
//! let sheet = csv::directory(&c, &csv::CsvOptions::french_office(), now);
//! assert!(sheet.starts_with('\u{FEFF}'));
//! # Ok::<(), cimi_core::Error>(())
//! ```

pub mod csv;
pub mod ical;
pub mod mail;

pub use crate::error::InteropError;

/// Whether the text holds a control, bidirectional or invisible formatting
/// character: the registration engine's test.
pub(crate) fn has_forbidden_chars(s: &str) -> bool {
    crate::address::scan_text(s).0
}

/// A key for loose comparison of labels and titles: accents removed,
/// lowercase, every run of non-alphanumeric characters turned into one space,
/// trimmed. `"L'État  plateforme"` and `"l etat plateforme"` have the same key.
pub(crate) fn loose_key(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        let expanded: &str = match c {
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            _ => "",
        };
        if !expanded.is_empty() {
            out.push_str(expanded);
            space = false;
            continue;
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Writes at most `max` characters of `s`, control characters removed, for
/// echoing a sender's text in a reply.
pub(crate) fn excerpt(s: &str, max: usize) -> String {
    let clean: String = s
        .chars()
        .filter(|&c| !crate::address::is_control_or_invisible(c))
        .collect();
    let clean = clean.trim();
    let mut out: String = clean.chars().take(max).collect();
    if clean.chars().count() > max {
        out.push('…');
    }
    out
}

/// The text with its first letter in upper case.
pub(crate) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_keys() {
        assert_eq!(loose_key("L'État  plateforme"), "l etat plateforme");
        assert_eq!(loose_key("  Prénom :"), "prenom");
        assert_eq!(loose_key("CŒUR"), "coeur");
        assert_eq!(loose_key("ＦＵＬＬ"), "full");
        assert_eq!(loose_key(""), "");
    }

    #[test]
    fn excerpts() {
        assert_eq!(excerpt("a\r\nb", 10), "ab");
        assert_eq!(excerpt("abcdef", 3), "abc…");
    }
}
