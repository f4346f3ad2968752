//! The language of user-facing messages (the core's `i18n`), used by the
//! digest and the CSV exports.

pub use cimi_core::Lang;

/// A language for user-facing messages.
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum Lang {
    /// French, the community's language.
    Fr,
    /// English.
    En,
}
