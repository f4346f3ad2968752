//! The patterns of allowed addresses (`*@*.gouv.fr`, `*@domain`, one
//! mailbox, `*@*`), and their compiled sets for trying many addresses.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::syntax::{check_local, normalize_domain};
use super::{AddressError, EmailAddress, MAX_LABEL_LEN};
use crate::i18n::Lang;

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

impl PatternError {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            PatternError::MissingAt => "pattern_missing_at",
            PatternError::InvalidLocal => "pattern_invalid_local",
            PatternError::InvalidDomain(_) => "pattern_invalid_domain",
        }
    }

    /// The message in the given language.
    ///
    /// ```
    /// use cimi_core::{Lang, address::PatternError};
    /// assert_eq!(PatternError::MissingAt.message(Lang::Fr), "un motif d'adresse a la forme local@domaine");
    /// ```
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            PatternError::MissingAt => "un motif d'adresse a la forme local@domaine".into(),
            PatternError::InvalidLocal => {
                "la partie locale du motif n'est ni « * » ni une partie locale valide".into()
            }
            PatternError::InvalidDomain(a) => format!(
                "le domaine du motif n'est ni « * », ni « *.domaine », ni un domaine : {}",
                a.message(Lang::Fr)
            ),
        }
    }
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
