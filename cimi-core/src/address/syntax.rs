//! The syntax of an address: the dot-atom local part, the host name (its
//! lowercase ASCII form, refusing look-alike and mixed-script domains), and the
//! one-pass path that builds a plain ASCII address directly.

use super::lookalike::{self, LabelProblem, SEPARATORS, TopLevel};
use super::{AddressError, MAX_ADDRESS_LEN, MAX_DOMAIN_LEN, MAX_LABEL_LEN, MAX_LOCAL_LEN};

fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

pub(super) fn check_local(local: &str) -> Result<(), AddressError> {
    if local.len() > MAX_LOCAL_LEN {
        return Err(AddressError::LocalPartTooLong);
    }
    if local.contains('"') {
        return Err(AddressError::QuotedLocalPart);
    }
    if local.contains('(') || local.contains(')') {
        return Err(AddressError::Comment);
    }
    if local
        .split('.')
        .any(|atom| atom.is_empty() || !atom.bytes().all(is_atext))
    {
        return Err(AddressError::InvalidLocalPart);
    }
    Ok(())
}

/// Normalises a host name to lowercase ASCII, refusing anything that is not a
/// plain host name or that could mislead a reader.
pub(super) fn normalize_domain(domain: &str) -> Result<std::borrow::Cow<'_, str>, AddressError> {
    normalize_domain_with(domain, true)
}

/// [`normalize_domain`]; with `refuse_lookalike` false, a punycode label the
/// look-alike rules refuse is kept (an address stored before those rules
/// existed must still load).
pub(super) fn normalize_domain_with(
    domain: &str,
    refuse_lookalike: bool,
) -> Result<std::borrow::Cow<'_, str>, AddressError> {
    use std::borrow::Cow;
    if domain.is_empty() {
        return Err(AddressError::MissingAt);
    }
    if domain.starts_with('[') {
        return Err(AddressError::DomainLiteral);
    }
    if domain.contains('(') || domain.contains(')') {
        return Err(AddressError::Comment);
    }
    if domain.ends_with('.') {
        return Err(AddressError::TrailingDot);
    }
    let ascii: Cow<'_, str> = if domain.is_ascii() {
        if domain.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(domain.to_ascii_lowercase())
        } else {
            Cow::Borrowed(domain)
        }
    } else {
        // Before IDNA maps anything (it would turn `İ` into `i` + U+0307):
        // refuse a label whose non-ASCII characters become ASCII letters.
        if let Some(label) = domain
            .split(SEPARATORS)
            .find(|label| lookalike::maps_into_ascii(label))
        {
            return Err(AddressError::LookalikeDomain {
                label: label.to_owned(),
            });
        }
        let ascii = idna::domain_to_ascii(domain).map_err(|_| AddressError::InvalidDomain)?;
        // Refuse compatibility mappings (fullwidth forms, ideographic dots…):
        // the only change allowed between what was typed and what is meant is case.
        let (back, result) = idna::domain_to_unicode(&ascii);
        if result.is_err() || back != domain.to_lowercase() {
            return Err(AddressError::NonCanonicalDomain);
        }
        Cow::Owned(ascii)
    };
    if ascii.len() > MAX_DOMAIN_LEN {
        return Err(AddressError::InvalidDomain);
    }
    let mut labels = 0;
    let mut last = "";
    let mut top = None;
    for (index, label) in ascii.split('.').enumerate() {
        labels += 1;
        let bytes = label.as_bytes();
        if bytes.is_empty()
            || bytes.len() > MAX_LABEL_LEN
            || bytes[0] == b'-'
            || bytes[bytes.len() - 1] == b'-'
            || !bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        {
            return Err(AddressError::InvalidDomain);
        }
        if label.starts_with("xn--") {
            let (unicode, result) = idna::domain_to_unicode(label);
            if result.is_err() {
                return Err(AddressError::InvalidDomain);
            }
            let top = *top.get_or_insert_with(|| TopLevel::of(&ascii));
            let is_top = index == ascii.matches('.').count();
            match lookalike::check_unicode_label(&unicode, is_top, top) {
                None => {}
                Some(LabelProblem::MixedScript) => return Err(AddressError::MixedScriptDomain),
                Some(LabelProblem::Lookalike) if !refuse_lookalike => {}
                Some(LabelProblem::Lookalike) => {
                    // Named as the caller wrote it.
                    let given = domain.split(SEPARATORS).nth(index).unwrap_or(label);
                    return Err(AddressError::LookalikeDomain {
                        label: given.to_owned(),
                    });
                }
            }
        }
        last = label;
    }
    if labels < 2 || last.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AddressError::InvalidDomain);
    }
    Ok(ascii)
}

/// `s` without its leading and trailing spaces (U+0020 only), by bytes.
pub(super) fn trim_spaces(s: &str) -> &str {
    let bytes = s.as_bytes();
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(start, |e| e + 1);
    // Spaces are one byte each: both ends are character boundaries.
    s.get(start..end).unwrap_or_default()
}

/// Byte classes of the plain case: letters and digits, plus `._+-` in a
/// local part, `.-` in a domain.
const fn byte_class(extra: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        table[extra[i] as usize] = true;
        i += 1;
    }
    table
}
static PLAIN_LOCAL: [bool; 256] = byte_class(b"._+-");
static PLAIN_DOMAIN: [bool; 256] = byte_class(b".-");

/// A domain label of the plain case: 1 to 63 bytes, no hyphen at either end,
/// no `--` in third and fourth place (punycode and reserved forms).
fn plain_label(label: &[u8]) -> bool {
    match (label.first(), label.last()) {
        (Some(&first), Some(&last)) => {
            label.len() <= MAX_LABEL_LEN
                && first != b'-'
                && last != b'-'
                && label.get(2..4) != Some(b"--")
        }
        _ => false,
    }
}

/// The common case in one pass: a plain ASCII address (letters, digits and
/// `._+-` before the `@`; letters, digits, dots and hyphens after, no
/// punycode) that every rule of
/// [`EmailAddress::parse`](super::EmailAddress::parse) accepts, built straight
/// into its shared text with the domain in lowercase. Anything else, valid or
/// not, answers `None` and is left to the full rules.
pub(super) fn parse_plain(text: &str) -> Option<crate::text::Text> {
    let bytes = text.as_bytes();
    if bytes.len() > MAX_ADDRESS_LEN {
        return None;
    }
    // Neither part of a plain address holds an `@`: the first is the last.
    let at = bytes.iter().position(|&b| b == b'@')?;
    let (local, domain) = (&bytes[..at], &bytes[at + 1..]);
    if local.is_empty() || local.len() > MAX_LOCAL_LEN || domain.len() > MAX_DOMAIN_LEN {
        return None;
    }
    // Atoms separated by single dots.
    let mut bad = false;
    let mut previous = b'.';
    for &b in local {
        bad |= !PLAIN_LOCAL[usize::from(b)] | (b == b'.' && previous == b'.');
        previous = b;
    }
    if bad || previous == b'.' {
        return None;
    }
    // At least two labels; the last not all digits.
    let (mut labels, mut start, mut upper) = (1, 0, false);
    for (i, &b) in domain.iter().enumerate() {
        bad |= !PLAIN_DOMAIN[usize::from(b)];
        upper |= b.is_ascii_uppercase();
        if b == b'.' {
            bad |= !plain_label(&domain[start..i]);
            labels += 1;
            start = i + 1;
        }
    }
    let last = &domain[start..];
    if bad || labels < 2 || !plain_label(last) || last.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if !upper {
        // Already normal: a plain copy.
        return Some(crate::text::Text::from(text));
    }
    let built = arcstr::ArcStr::init_with(bytes.len(), |buf| {
        buf[..at].copy_from_slice(local);
        buf[at] = b'@';
        for (d, s) in buf[at + 1..].iter_mut().zip(domain) {
            *d = s.to_ascii_lowercase();
        }
    });
    built.ok().map(crate::text::Text::from_arc)
}
