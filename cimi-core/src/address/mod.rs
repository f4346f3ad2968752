//! E-mail addresses and the patterns a registration policy allows.
//!
//! An [`EmailAddress`] is a validated, normalised mailbox: the local part is kept
//! as given, the domain is stored in its lowercase ASCII (punycode) form without a
//! trailing dot. Two addresses that differ only in letter case are the same person:
//! equality and hashing ignore ASCII case in both parts.
//!
//! The accepted syntax is deliberately narrower than RFC 5322: a dot-atom local
//! part of at most 64 octets, a host name of at least two labels, no quoted
//! strings, comments, display names or domain literals, and nothing that could
//! hide the real domain (control or bidi characters, compatibility forms such as
//! fullwidth dots, labels that mix scripts).
//!
//! ```
//! use cimi_core::address::{AddressPattern, EmailAddress};
//!
//! let a = EmailAddress::parse("Alice.Martin@AGRI.GOUV.FR")?;
//! assert_eq!(a.as_str(), "Alice.Martin@agri.gouv.fr");
//! assert_eq!(a, EmailAddress::parse("alice.martin@agri.gouv.fr")?);
//!
//! let gouv: AddressPattern = "*@*.gouv.fr".parse()?;
//! assert!(gouv.matches(&a));
//! assert!(!gouv.matches(&EmailAddress::parse("alice@evilgouv.fr")?));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::i18n::Lang;

/// Longest address accepted, in octets (RFC 5321 path limit minus the brackets).
pub const MAX_ADDRESS_LEN: usize = 254;
/// Longest local part accepted, in octets (RFC 5321).
pub const MAX_LOCAL_LEN: usize = 64;
/// Longest domain accepted, in octets, in its ASCII form.
pub const MAX_DOMAIN_LEN: usize = 253;
/// Longest domain label accepted, in octets, in its ASCII form.
pub const MAX_LABEL_LEN: usize = 63;

/// Why a text is not an acceptable e-mail address.
///
/// The error never repeats the address itself, so it can be logged without
/// leaking personal data.
///
/// ```
/// use cimi_core::address::{AddressError, EmailAddress};
///
/// assert_eq!(EmailAddress::parse("alice@[192.0.2.1]"), Err(AddressError::DomainLiteral));
/// assert_eq!(AddressError::DomainLiteral.kind(), "domain_literal");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// The text is empty or blank.
    #[error("the address is empty")]
    Empty,
    /// Longer than [`MAX_ADDRESS_LEN`] octets.
    #[error("the address is longer than {MAX_ADDRESS_LEN} octets")]
    TooLong,
    /// Contains a control, bidirectional or invisible formatting character.
    #[error("the address contains a control or invisible character")]
    ForbiddenCharacter,
    /// Contains white space (for instance a display name such as `Alice <a@b.fr>`).
    #[error("the address contains white space or a display name")]
    WhiteSpace,
    /// No `@`, or nothing on one side of it.
    #[error("the address has no '@' separating a local part and a domain")]
    MissingAt,
    /// A quoted local part such as `"x@y"@domain`.
    #[error("quoted local parts are not accepted")]
    QuotedLocalPart,
    /// A comment such as `alice(c)@domain`.
    #[error("comments are not accepted in an address")]
    Comment,
    /// The local part is longer than [`MAX_LOCAL_LEN`] octets.
    #[error("the part before '@' is longer than {MAX_LOCAL_LEN} octets")]
    LocalPartTooLong,
    /// The local part is not a dot-atom of ASCII characters.
    #[error("the part before '@' contains a character that is not allowed")]
    InvalidLocalPart,
    /// A domain literal such as `[192.0.2.1]`.
    #[error("IP address literals are not accepted as a domain")]
    DomainLiteral,
    /// The domain ends with a dot.
    #[error("the domain ends with a dot")]
    TrailingDot,
    /// The domain is not a valid host name.
    #[error("the domain is not a valid host name")]
    InvalidDomain,
    /// The domain uses compatibility forms (fullwidth letters, ideographic dots…)
    /// that would silently map to another domain.
    #[error("the domain uses look-alike characters that map to another domain")]
    NonCanonicalDomain,
    /// A domain label mixes writing systems (for instance Latin and Cyrillic).
    #[error("a domain label mixes writing systems")]
    MixedScriptDomain,
}

impl AddressError {
    /// A stable snake_case identifier a program can branch on.
    ///
    /// ```
    /// assert_eq!(cimi_core::address::AddressError::TooLong.kind(), "too_long");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            AddressError::Empty => "empty",
            AddressError::TooLong => "too_long",
            AddressError::ForbiddenCharacter => "forbidden_character",
            AddressError::WhiteSpace => "white_space",
            AddressError::MissingAt => "missing_at",
            AddressError::QuotedLocalPart => "quoted_local_part",
            AddressError::Comment => "comment",
            AddressError::LocalPartTooLong => "local_part_too_long",
            AddressError::InvalidLocalPart => "invalid_local_part",
            AddressError::DomainLiteral => "domain_literal",
            AddressError::TrailingDot => "trailing_dot",
            AddressError::InvalidDomain => "invalid_domain",
            AddressError::NonCanonicalDomain => "non_canonical_domain",
            AddressError::MixedScriptDomain => "mixed_script_domain",
        }
    }

    /// The reason in the given language.
    ///
    /// ```
    /// use cimi_core::{address::AddressError, Lang};
    /// assert_eq!(AddressError::Empty.message(Lang::Fr), "l'adresse est vide");
    /// ```
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => match self {
                AddressError::Empty => "l'adresse est vide".into(),
                AddressError::TooLong => {
                    format!("l'adresse dépasse {MAX_ADDRESS_LEN} octets")
                }
                AddressError::ForbiddenCharacter => {
                    "l'adresse contient un caractère de contrôle ou invisible".into()
                }
                AddressError::WhiteSpace => {
                    "l'adresse contient un espace ou un nom d'affichage".into()
                }
                AddressError::MissingAt => {
                    "l'adresse n'a pas de '@' séparant la partie locale et le domaine".into()
                }
                AddressError::QuotedLocalPart => {
                    "les parties locales entre guillemets ne sont pas acceptées".into()
                }
                AddressError::Comment => {
                    "les commentaires ne sont pas acceptés dans une adresse".into()
                }
                AddressError::LocalPartTooLong => {
                    format!("la partie avant '@' dépasse {MAX_LOCAL_LEN} octets")
                }
                AddressError::InvalidLocalPart => {
                    "la partie avant '@' contient un caractère non autorisé".into()
                }
                AddressError::DomainLiteral => {
                    "une adresse IP n'est pas acceptée comme domaine".into()
                }
                AddressError::TrailingDot => "le domaine se termine par un point".into(),
                AddressError::InvalidDomain => "le domaine n'est pas un nom d'hôte valide".into(),
                AddressError::NonCanonicalDomain => {
                    "le domaine utilise des caractères trompeurs qui désignent un autre domaine"
                        .into()
                }
                AddressError::MixedScriptDomain => {
                    "un élément du domaine mélange plusieurs écritures".into()
                }
            },
        }
    }
}

/// A validated e-mail address: local part as given, domain in lowercase ASCII.
///
/// Equality, ordering and hashing ignore ASCII letter case, so
/// `Alice@Agri.Gouv.Fr` and `alice@agri.gouv.fr` are the same person.
///
/// ```
/// use cimi_core::address::EmailAddress;
/// let a = EmailAddress::parse("alice+events@interieur.gouv.fr")?;
/// assert_eq!(a.local_part(), "alice+events");
/// assert_eq!(a.domain(), "interieur.gouv.fr");
/// # Ok::<(), cimi_core::address::AddressError>(())
/// ```
#[derive(Clone)]
pub struct EmailAddress {
    // One pointer: the `@` is found again when needed (the domain never holds one).
    text: crate::text::Text,
}

/// Control, bidirectional and invisible formatting characters: refused in
/// every text the community stores, so none can hide or reorder what a reader sees.
pub(crate) fn is_control_or_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// In addresses, also the soft hyphen and the Mongolian vowel separator.
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

fn is_forbidden_char(c: char) -> bool {
    is_control_or_invisible(c) || matches!(c, '\u{00AD}' | '\u{180E}')
}

fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

fn check_local(local: &str) -> Result<(), AddressError> {
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
pub(crate) fn normalize_domain(domain: &str) -> Result<std::borrow::Cow<'_, str>, AddressError> {
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
    for label in ascii.split('.') {
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
            if !unicode_security::MixedScript::is_single_script(unicode.as_str()) {
                return Err(AddressError::MixedScriptDomain);
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
fn trim_spaces(s: &str) -> &str {
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
/// punycode) that every rule of [`EmailAddress::parse`] accepts, built
/// straight into its shared text with the domain in lowercase. Anything else,
/// valid or not, answers `None` and is left to the full rules.
fn parse_plain(text: &str) -> Option<crate::text::Text> {
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

impl EmailAddress {
    /// Parses and normalises an address. Surrounding spaces are ignored.
    ///
    /// ```
    /// use cimi_core::address::{AddressError, EmailAddress};
    /// assert!(EmailAddress::parse(" alice@agri.gouv.fr ").is_ok());
    /// assert_eq!(EmailAddress::parse("alice@agri.gouv.fr."), Err(AddressError::TrailingDot));
    /// assert_eq!(
    ///     EmailAddress::parse("\"x@evil.com\"@agri.gouv.fr"),
    ///     Err(AddressError::QuotedLocalPart)
    /// );
    /// ```
    pub fn parse(input: &str) -> Result<EmailAddress, AddressError> {
        let text = trim_spaces(input);
        // The common case, whose every byte the plain path checks itself.
        if let Some(text) = parse_plain(text) {
            return Ok(EmailAddress { text });
        }
        let mut plain = true;
        for &b in text.as_bytes() {
            if b >= 0x80 {
                plain = false;
            } else if b < 0x20 || b == 0x7f {
                return Err(AddressError::ForbiddenCharacter);
            } else if b == b' ' || b == b'<' || b == b'>' {
                return Err(AddressError::WhiteSpace);
            }
        }
        // (What `trim_matches` took off is spaces only: checking `text` is enough.)
        if !plain {
            if text.chars().any(is_forbidden_char) {
                return Err(AddressError::ForbiddenCharacter);
            }
            if text.chars().any(char::is_whitespace) {
                return Err(AddressError::WhiteSpace);
            }
        }
        Self::parse_checked(text)
    }

    /// The full rules, for a trimmed text free of control characters and spaces.
    fn parse_checked(text: &str) -> Result<EmailAddress, AddressError> {
        if text.is_empty() {
            return Err(AddressError::Empty);
        }
        if text.len() > MAX_ADDRESS_LEN {
            return Err(AddressError::TooLong);
        }
        let at = text.rfind('@').ok_or(AddressError::MissingAt)?;
        let (local, domain) = (&text[..at], &text[at + 1..]);
        if local.is_empty() {
            return Err(AddressError::MissingAt);
        }
        check_local(local)?;
        let domain = normalize_domain(domain)?;
        if local.len() + 1 + domain.len() > MAX_ADDRESS_LEN {
            return Err(AddressError::TooLong);
        }
        // Built straight into its shared text: one allocation.
        let normalized = crate::text::Text::concat(&[local, "@", &domain]);
        // A second opinion from a maintained RFC 5322 parser for anything
        // beyond letters, digits and `.-_+` (which our own rules settle):
        // whatever it refuses, we refuse too.
        let simple = local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b));
        if !simple {
            let options = email_address::Options::default()
                .without_display_text()
                .without_domain_literal();
            if email_address::EmailAddress::parse_with_options(&normalized, options).is_err() {
                return Err(AddressError::InvalidLocalPart);
            }
        }
        Ok(EmailAddress { text: normalized })
    }

    /// The normalised address, `local@domain`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The local part, as it was given.
    pub fn local_part(&self) -> &str {
        &self.text[..self.at()]
    }

    /// The local part and the domain, found with one search for the `@`.
    ///
    /// ```
    /// let a = cimi_core::address::EmailAddress::parse("Alice@Interieur.gouv.fr")?;
    /// assert_eq!(a.parts(), ("Alice", "interieur.gouv.fr"));
    /// # Ok::<(), cimi_core::address::AddressError>(())
    /// ```
    pub fn parts(&self) -> (&str, &str) {
        let at = self.at();
        (
            &self.text[..at],
            self.text.get(at + 1..).unwrap_or_default(),
        )
    }

    fn at(&self) -> usize {
        // A byte search: addresses are short, and the domain never holds an `@`.
        self.text
            .as_bytes()
            .iter()
            .rposition(|&b| b == b'@')
            .unwrap_or(0)
    }

    /// The domain, lowercase ASCII (punycode for international names).
    pub fn domain(&self) -> &str {
        self.parts().1
    }

    /// The identity key: the whole address in lowercase. Two addresses are the
    /// same person exactly when their keys are equal.
    ///
    /// ```
    /// use cimi_core::address::EmailAddress;
    /// assert_eq!(EmailAddress::parse("Bob@X.gouv.fr")?.key(), "bob@x.gouv.fr");
    /// # Ok::<(), cimi_core::address::AddressError>(())
    /// ```
    pub fn key(&self) -> String {
        self.text.to_ascii_lowercase()
    }
}

impl PartialEq for EmailAddress {
    fn eq(&self, other: &Self) -> bool {
        self.text.eq_ignore_ascii_case(&other.text)
    }
}
impl Eq for EmailAddress {}

impl Hash for EmailAddress {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for b in self.text.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
        state.write_u8(0xff);
    }
}

impl PartialOrd for EmailAddress {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for EmailAddress {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let a = self.text.bytes().map(|b| b.to_ascii_lowercase());
        let b = other.text.bytes().map(|b| b.to_ascii_lowercase());
        a.cmp(b)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Debug output hides the local part: an address is personal data.
impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress(…@{})", self.domain())
    }
}

impl FromStr for EmailAddress {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EmailAddress::parse(s)
    }
}

impl Serialize for EmailAddress {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for EmailAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        EmailAddress::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Why a text is not a valid address pattern.
///
/// ```
/// use cimi_core::address::{AddressPattern, PatternError};
/// assert!(matches!("gouv.fr".parse::<AddressPattern>(), Err(PatternError::MissingAt)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// A pattern is `local@domain`.
    #[error("an address pattern must have the form local@domain")]
    MissingAt,
    /// The local side is neither `*` nor a valid local part.
    #[error("the local side of the pattern is neither '*' nor a valid local part")]
    InvalidLocal,
    /// The domain side is neither `*`, `*.domain` nor a domain.
    #[error("the domain side of the pattern is not '*', '*.domain' or a domain: {0}")]
    InvalidDomain(AddressError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DomainPattern {
    Any,
    Exact(String),
    SubdomainOf(String),
}

/// A pattern of allowed addresses: `*@*.gouv.fr` (any mailbox on any subdomain of
/// `gouv.fr`, label-aligned), `*@interieur.gouv.fr` (exactly that domain),
/// `cimi@interieur.gouv.fr` (one mailbox) or `*@*` (anything valid).
///
/// ```
/// use cimi_core::address::{AddressPattern, EmailAddress};
/// let p: AddressPattern = "*@*.gouv.fr".parse()?;
/// let ok = |s: &str| p.matches(&EmailAddress::parse(s).unwrap());
/// assert!(ok("alice@interieur.gouv.fr"));
/// assert!(!ok("alice@gouv.fr"));
/// assert!(!ok("alice@agri.gouv.fr.evil.com"));
/// # Ok::<(), cimi_core::address::PatternError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressPattern {
    text: String,
    local: Option<String>,
    domain: DomainPattern,
}

impl AddressPattern {
    /// Whether the address matches the pattern.
    pub fn matches(&self, address: &EmailAddress) -> bool {
        let (local, domain) = address.parts();
        self.matches_parts(local, domain)
    }

    /// [`matches`](Self::matches) for an address already split at its `@`
    /// (a policy tries many patterns on one address).
    pub(crate) fn matches_parts(&self, local: &str, domain: &str) -> bool {
        if let Some(expected) = &self.local
            && !expected.eq_ignore_ascii_case(local)
        {
            return false;
        }
        match &self.domain {
            DomainPattern::Any => true,
            DomainPattern::Exact(d) => d == domain,
            DomainPattern::SubdomainOf(suffix) => {
                domain.len() > suffix.len() + 1
                    && domain.ends_with(suffix.as_str())
                    && domain.as_bytes()[domain.len() - suffix.len() - 1] == b'.'
            }
        }
    }

    /// The pattern as written (normalised).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Patterns compiled for trying many addresses. A few are tried in turn (a
/// suffix comparison each); past [`PatternSet::FEW`], the domains and
/// subdomain suffixes of patterns without a local part go into hash sets
/// (one lookup per label of the address's domain, however many patterns),
/// and the patterns naming a mailbox are tried in turn. Matches exactly what
/// trying each pattern would.
#[derive(Debug, Clone)]
pub(crate) enum PatternSet {
    /// Tried in turn.
    Few(Vec<AddressPattern>),
    /// Indexed.
    Many {
        /// Some pattern is `*@*`.
        any: bool,
        /// `*@domain`.
        exact: HashSet<String, foldhash::fast::FixedState>,
        /// `*@*.suffix`.
        under: HashSet<String, foldhash::fast::FixedState>,
        /// Patterns with a local part.
        mailboxes: Vec<AddressPattern>,
    },
}

impl PatternSet {
    /// Up to this many patterns, trying each costs less than hashing.
    const FEW: usize = 16;

    pub(crate) fn new(patterns: &[AddressPattern]) -> PatternSet {
        if patterns.len() <= Self::FEW {
            return PatternSet::Few(patterns.to_vec());
        }
        let (mut any, mut exact, mut under, mut mailboxes) =
            (false, HashSet::default(), HashSet::default(), Vec::new());
        for p in patterns {
            if p.local.is_some() {
                mailboxes.push(p.clone());
                continue;
            }
            match &p.domain {
                DomainPattern::Any => any = true,
                DomainPattern::Exact(d) => {
                    exact.insert(d.clone());
                }
                DomainPattern::SubdomainOf(suffix) => {
                    under.insert(suffix.clone());
                }
            }
        }
        PatternSet::Many {
            any,
            exact,
            under,
            mailboxes,
        }
    }

    /// Whether some pattern matches the address `local@domain`.
    pub(crate) fn matches_parts(&self, local: &str, domain: &str) -> bool {
        match self {
            PatternSet::Few(patterns) => patterns.iter().any(|p| p.matches_parts(local, domain)),
            PatternSet::Many {
                any,
                exact,
                under,
                mailboxes,
            } => {
                // Every suffix that follows a dot: `a.b.fr` tries `b.fr` and `fr`.
                *any || exact.contains(domain)
                    || domain
                        .bytes()
                        .enumerate()
                        .any(|(i, b)| b == b'.' && under.contains(&domain[i + 1..]))
                    || mailboxes.iter().any(|p| p.matches_parts(local, domain))
            }
        }
    }
}

impl FromStr for AddressPattern {
    type Err = PatternError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let at = s.rfind('@').ok_or(PatternError::MissingAt)?;
        let (local, domain) = (&s[..at], &s[at + 1..]);
        let local = match local {
            "*" => None,
            l => {
                check_local(l).map_err(|_| PatternError::InvalidLocal)?;
                Some(l.to_string())
            }
        };
        let domain = if domain == "*" {
            DomainPattern::Any
        } else if let Some(suffix) = domain.strip_prefix("*.") {
            DomainPattern::SubdomainOf(
                normalize_domain(suffix)
                    .map(|d| d.into_owned())
                    .or_else(|e| single_label(suffix).ok_or(e))
                    .map_err(PatternError::InvalidDomain)?,
            )
        } else {
            DomainPattern::Exact(
                normalize_domain(domain)
                    .map_err(PatternError::InvalidDomain)?
                    .into_owned(),
            )
        };
        let text = format!(
            "{}@{}",
            local.as_deref().unwrap_or("*"),
            match &domain {
                DomainPattern::Any => "*".to_string(),
                DomainPattern::Exact(d) => d.clone(),
                DomainPattern::SubdomainOf(d) => format!("*.{d}"),
            }
        );
        Ok(AddressPattern {
            text,
            local,
            domain,
        })
    }
}

/// `*.fr` is a valid pattern although `fr` alone is not a host name.
fn single_label(label: &str) -> Option<String> {
    let l = label.to_ascii_lowercase();
    (!l.is_empty()
        && l.len() <= MAX_LABEL_LEN
        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !l.starts_with('-')
        && !l.ends_with('-'))
    .then_some(l)
}

impl fmt::Display for AddressPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for AddressPattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for AddressPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
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
}
