//! The validated e-mail address: parsing, its parts, and comparisons that
//! ignore ASCII letter case.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::chars::is_forbidden_char;
use super::syntax::{check_local, normalize_domain_with, parse_plain, trim_spaces};
use super::{AddressError, MAX_ADDRESS_LEN};

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

    /// An address read back from stored data (a journal, a document): the
    /// rules of [`parse`](Self::parse), except that a domain the look-alike
    /// rules refuse is kept when it is already in its stored (punycode) form.
    /// Those rules came after such addresses could be accepted; a community
    /// that holds one must still open. New input never takes this path.
    pub(crate) fn parse_stored(input: &str) -> Result<EmailAddress, AddressError> {
        match EmailAddress::parse(input) {
            Err(AddressError::LookalikeDomain { .. }) if input.is_ascii() => {
                Self::parse_checked_with(trim_spaces(input), false)
            }
            other => other,
        }
    }

    /// The full rules, for a trimmed text free of control characters and spaces.
    pub(super) fn parse_checked(text: &str) -> Result<EmailAddress, AddressError> {
        Self::parse_checked_with(text, true)
    }

    fn parse_checked_with(
        text: &str,
        refuse_lookalike: bool,
    ) -> Result<EmailAddress, AddressError> {
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
        let domain = normalize_domain_with(domain, refuse_lookalike)?;
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
        EmailAddress::parse_stored(&s).map_err(serde::de::Error::custom)
    }
}
