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

use crate::i18n::Lang;

pub mod csv;
pub mod ical;
pub mod mail;

/// An import or export that cannot be carried out at all (as opposed to the
/// per-row or per-message problems that the reports list).
///
/// ```
/// use cimi_core::interop::InteropError;
/// use cimi_core::{Error, Lang};
/// let e = Error::from(InteropError::MessageTooLarge { limit: 1 << 20 });
/// assert_eq!(e.family(), "interop");
/// assert_eq!(e.kind(), "message_too_large");
/// assert_eq!(e.message(Lang::Fr), "le message dépasse 1048576 octets");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InteropError {
    /// An e-mail message is larger than the limit.
    #[error("the message is larger than {limit} bytes")]
    MessageTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A CSV document is larger than the limit.
    #[error("the CSV document is larger than {limit} bytes")]
    CsvTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A CSV document has no header row.
    #[error("the CSV document is empty (a header row is expected)")]
    CsvEmpty,
    /// A CSV header lacks a column that the import needs.
    #[error("the CSV header has no '{column}' column")]
    CsvMissingColumn {
        /// The column, in English.
        column: &'static str,
        /// The column, in French.
        column_fr: &'static str,
    },
    /// A CSV header names the same column twice.
    #[error("the CSV header names the column '{column}' twice")]
    CsvDuplicateColumn {
        /// The column, in English.
        column: &'static str,
        /// The column, in French.
        column_fr: &'static str,
    },
    /// A CSV document has more rows than the limit.
    #[error("the CSV document has more than {limit} rows")]
    CsvTooManyRows {
        /// The limit.
        limit: usize,
    },
}

impl InteropError {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            InteropError::MessageTooLarge { .. } => "message_too_large",
            InteropError::CsvTooLarge { .. } => "csv_too_large",
            InteropError::CsvEmpty => "csv_empty",
            InteropError::CsvMissingColumn { .. } => "csv_missing_column",
            InteropError::CsvDuplicateColumn { .. } => "csv_duplicate_column",
            InteropError::CsvTooManyRows { .. } => "csv_too_many_rows",
        }
    }

    /// The error in the given language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            InteropError::MessageTooLarge { limit } => {
                format!("le message dépasse {limit} octets")
            }
            InteropError::CsvTooLarge { limit } => {
                format!("le document CSV dépasse {limit} octets")
            }
            InteropError::CsvEmpty => {
                "le document CSV est vide (une ligne d'en-tête est attendue)".into()
            }
            InteropError::CsvMissingColumn { column_fr, .. } => {
                format!("l'en-tête CSV n'a pas de colonne « {column_fr} »")
            }
            InteropError::CsvDuplicateColumn { column_fr, .. } => {
                format!("l'en-tête CSV nomme deux fois la colonne « {column_fr} »")
            }
            InteropError::CsvTooManyRows { limit } => {
                format!("le document CSV a plus de {limit} lignes")
            }
        }
    }
}

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
