//! The encodings of the iCalendar text: TEXT values (escaped so that no input
//! can start a content line), folding and unfolding of content lines,
//! parameter values (RFC 6868 caret encoding) and URIs.

use std::fmt::Write as _;

use super::MAX_LINE_OCTETS;
use crate::address::EmailAddress;

/// Whether a character is taken for a line break by some parser (RFC 5545
/// parsers split on CRLF; Python's `str.splitlines`, used by the `icalendar`
/// package, also splits on these).
pub(super) fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{1C}'
            ..='\u{1E}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// What [`escape_text`] preserves of a text: every line break (CRLF, CR, LF,
/// U+2028, U+2029) becomes LF and every other control character except TAB
/// becomes U+FFFD. For text without control characters (TAB and LF allowed)
/// this is the text itself.
///
/// ```
/// use cimi_core::interop::ical::canonical_text;
/// assert_eq!(canonical_text("a\r\nb\rc\u{2028}d\u{7}"), "a\nb\nc\nd\u{FFFD}");
/// assert_eq!(canonical_text("ligne 1\nligne 2 🎉"), "ligne 1\nligne 2 🎉");
/// ```
pub fn canonical_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' => out.push('\t'),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma are
/// backslash-escaped, every line break (CRLF, CR, LF, U+2028, U+2029) becomes
/// `\n`, and other control characters (except TAB) become U+FFFD. The result
/// holds no character that any parser takes for a line break.
///
/// ```
/// use cimi_core::interop::ical::{escape_text, unescape_text};
/// let e = escape_text("a;b,c\\d\r\nBEGIN:VEVENT");
/// assert_eq!(e, "a\\;b\\,c\\\\d\\nBEGIN:VEVENT");
/// assert_eq!(unescape_text(&e), "a;b,c\\d\nBEGIN:VEVENT");
/// ```
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in canonical_text(s).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Reverses [`escape_text`]: `\\`, `\;`, `\,`, `\n` and `\N` are decoded; any
/// other backslash is kept as it is. `unescape_text(&escape_text(s))` equals
/// [`canonical_text(s)`](canonical_text).
///
/// ```
/// assert_eq!(cimi_core::interop::ical::unescape_text("a\\nb\\,c\\x"), "a\nb,c\\x");
/// ```
pub fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some(';') => out.push(';'),
            Some(',') => out.push(','),
            Some('n' | 'N') => out.push('\n'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Folds one content line (RFC 5545 §3.1): physical lines of at most
/// [`MAX_LINE_OCTETS`] octets joined by CRLF and a space, never splitting a
/// UTF-8 character or a backslash escape. No CRLF is added at the end.
///
/// A content line holds no line break; should one be given anyway, it is
/// replaced by U+FFFD so that it can never start a new property.
/// `unfold(&fold(line))` is `line` for every line without line breaks.
///
/// ```
/// use cimi_core::interop::ical::{fold, unfold};
/// let line = format!("SUMMARY:{}", "é".repeat(60));
/// let folded = fold(&line);
/// assert!(folded.split("\r\n").all(|l| l.len() <= 75));
/// assert!(folded.split("\r\n").skip(1).all(|l| l.starts_with(' ')));
/// assert_eq!(unfold(&folded), line);
/// ```
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 64 * 3 + 4);
    let mut used = 0usize;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let c = if is_line_break(c) { '\u{FFFD}' } else { c };
        // A unit is one character, or a backslash and the character it escapes.
        let mut unit = [0u8; 8];
        let mut len = c.encode_utf8(&mut unit[..4]).len();
        if c == '\\'
            && let Some(&next) = chars.peek()
            && !is_line_break(next)
        {
            chars.next();
            len += next.encode_utf8(&mut unit[len..]).len();
        }
        if used + len > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        // The unit is valid UTF-8: one or two whole characters.
        out.push_str(std::str::from_utf8(&unit[..len]).unwrap_or("\u{FFFD}"));
        used += len;
    }
    out
}

/// Unfolds text (RFC 5545 §3.1): every CRLF (or bare LF) followed by one
/// space or tab is removed.
///
/// ```
/// assert_eq!(cimi_core::interop::ical::unfold("DESCRIPTION:ab\r\n c\r\nEND:VEVENT"),
///            "DESCRIPTION:abc\r\nEND:VEVENT");
/// ```
pub fn unfold(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let fold_len = match bytes[i..] {
            [b'\r', b'\n', b' ' | b'\t', ..] => 3,
            [b'\n', b' ' | b'\t', ..] => 2,
            _ => 0,
        };
        if fold_len > 0 {
            i += fold_len;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    // Only ASCII bytes were removed, between whole characters.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A parameter value (RFC 5545 §3.2 with RFC 6868 caret encoding), always
/// quoted: `^` → `^^`, `"` → `^'`, line breaks → `^n`, other control
/// characters (except TAB) → U+FFFD.
pub(super) fn param_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in canonical_text(s).chars() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\n' => out.push_str("^n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Percent-encodes what may not appear raw in a URI value: controls, space,
/// non-ASCII, and `"<>\^`{|}`, plus the characters of `extra`.
pub(super) fn uri_escape(s: &str, extra: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b <= b' '
            || b >= 0x7f
            || matches!(
                b,
                b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
            )
            || extra.contains(&b)
        {
            let _ = write!(out, "%{b:02X}");
        } else {
            out.push(b as char);
        }
    }
    out
}

/// A `mailto:` URI for a validated address.
pub(super) fn mailto(address: &EmailAddress) -> String {
    format!("mailto:{}", uri_escape(address.as_str(), b"%?#"))
}
