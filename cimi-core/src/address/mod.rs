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
//! fullwidth dots, labels that mix scripts, labels a reader could take for
//! another name, such as `AGRİ` for `agri` or a Cyrillic `аррӏе` for `apple`:
//! the labels a browser would show in punycode rather than in Unicode).
//!
//! ```
//! use cimi_core::address::{AddressPattern, EmailAddress};
//!
//! let a = EmailAddress::parse("Alice.Martin@AGRI.GOUV.FR")?;
//! assert_eq!(a.as_str(), "Alice.Martin@agri.gouv.fr");
//! assert_eq!(a, EmailAddress::parse("alice.martin@agri.gouv.fr")?);
//!
//! assert_eq!(
//!     EmailAddress::parse("alice@AGRİ.gouv.fr").map_err(|e| e.kind()),
//!     Err("lookalike_domain")
//! );
//! assert!(EmailAddress::parse("marie@élysée.fr").is_ok());
//!
//! let gouv: AddressPattern = "*@*.gouv.fr".parse()?;
//! assert!(gouv.matches(&a));
//! assert!(!gouv.matches(&EmailAddress::parse("alice@evilgouv.fr")?));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Split by concern: `error` holds why a text is not an address; `chars` the
// control and invisible characters refused in every stored text; `syntax` the
// rules of a local part and a domain and the one-pass path of the common
// case; `lookalike` the domain labels a reader could take for another name
// (the rules browsers apply before showing a domain in Unicode); `email` the
// validated address; `pattern` the patterns a registration policy allows and
// their compiled sets.

mod chars;
mod email;
mod error;
mod lookalike;
mod pattern;
mod syntax;
#[cfg(test)]
mod tests;

pub(crate) use chars::{is_control_or_invisible, scan_text};
pub use email::EmailAddress;
pub use error::AddressError;
pub(crate) use pattern::PatternSet;
pub use pattern::{AddressPattern, PatternError};

/// Longest address accepted, in octets (RFC 5321 path limit minus the brackets).
pub const MAX_ADDRESS_LEN: usize = 254;
/// Longest local part accepted, in octets (RFC 5321).
pub const MAX_LOCAL_LEN: usize = 64;
/// Longest domain accepted, in octets, in its ASCII form.
pub const MAX_DOMAIN_LEN: usize = 253;
/// Longest domain label accepted, in octets, in its ASCII form.
pub const MAX_LABEL_LEN: usize = 63;
