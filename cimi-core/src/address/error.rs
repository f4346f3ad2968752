//! Why a text is not an acceptable e-mail address, in French and English.

use super::{MAX_ADDRESS_LEN, MAX_LOCAL_LEN};
use crate::i18n::Lang;

/// Why a text is not an acceptable e-mail address.
///
/// The error never repeats the local part (the person), so it can be logged
/// without leaking personal data; only [`LookalikeDomain`](Self::LookalikeDomain)
/// names something the caller passed: the domain label it refuses.
///
/// ```
/// use cimi_core::address::{AddressError, EmailAddress};
///
/// assert_eq!(EmailAddress::parse("alice@[192.0.2.1]"), Err(AddressError::DomainLiteral));
/// assert_eq!(AddressError::DomainLiteral.kind(), "domain_literal");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
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
    /// A domain label could be taken for another name: a browser would show it
    /// in punycode rather than as written. For instance `AGRİ` (capital I with
    /// dot above, read as `agri`), `аррӏе` (all Cyrillic, read as `apple`),
    /// `agrı` (dotless i) or fullwidth letters. The rules are those of
    /// Chromium's IDN display policy and UTS #39, listed in
    /// `docs/hostile-inputs.md`; a label that mixes scripts (`раураl`, Cyrillic
    /// among Latin letters) is refused as [`MixedScriptDomain`](Self::MixedScriptDomain).
    ///
    /// ```
    /// use cimi_core::{address::{AddressError, EmailAddress}, Lang};
    ///
    /// let e = EmailAddress::parse("alice@AGRİ.gouv.fr").unwrap_err();
    /// assert_eq!(e, AddressError::LookalikeDomain { label: "AGRİ".into() });
    /// assert_eq!(e.kind(), "lookalike_domain");
    /// assert!(e.message(Lang::Fr).contains("« AGRİ »"));
    /// assert!(e.message(Lang::En).contains("'AGRİ'"));
    /// // International names that read as themselves are accepted.
    /// assert!(EmailAddress::parse("jean@müller.de").is_ok());
    /// ```
    #[error("the domain label '{label}' could be taken for another name (look-alike characters)")]
    LookalikeDomain {
        /// The label, as the caller wrote it.
        label: String,
    },
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
            AddressError::LookalikeDomain { .. } => "lookalike_domain",
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
                AddressError::LookalikeDomain { label } => format!(
                    "l'élément du domaine « {label} » peut être pris pour un autre nom (caractères trompeurs)"
                ),
            },
        }
    }
}
