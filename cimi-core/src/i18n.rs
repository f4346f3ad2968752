//! Languages of user-facing messages.
//!
//! Every refusal, error and statutes violation can be read in French (the
//! community's language, the default) and in English.
//!
//! ```
//! use cimi_core::Lang;
//! assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
//! assert_eq!(Lang::default(), Lang::Fr);
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language for user-facing messages.
///
/// ```
/// use cimi_core::Lang;
/// assert_eq!(Lang::Fr.code(), "fr");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Picks the French or English text.
    ///
    /// ```
    /// use cimi_core::Lang;
    /// assert_eq!(Lang::En.pick("oui", "yes"), "yes");
    /// ```
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// The text is not a supported language code.
///
/// ```
/// assert!("de".parse::<cimi_core::Lang>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language (expected 'fr' or 'en')")]
pub struct UnknownLang;

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" | "fra" | "fre" | "french" | "français" | "francais" => Ok(Lang::Fr),
            "en" | "eng" | "english" | "anglais" => Ok(Lang::En),
            _ => Err(UnknownLang),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
