//! The one error type of the bindings: `CimiException` in Kotlin and Java,
//! `CimiError` in Python and Swift.
//!
//! Each variant is a family of errors (one exception subclass each, the
//! core's [`ErrorFamily`], plus `Internal` for bugs) and carries:
//!
//! - the core's stable snake_case `kind` (what a program branches on);
//! - the message in English (`message`; `detail` in Kotlin and Java, whose
//!   exceptions already own `message`) and in French (`message_fr`;
//!   `detailFr` in Kotlin and Java);
//! - `details`: what the error is about as named values, the core's
//!   `Error::details()` (the same names as Python's `.details`): `field`,
//!   `max`, `obligation`, `entity` and `id`, `from` and `to`, `file` and
//!   `offset`… Values are text: numbers in decimal, instants in RFC 3339
//!   (UTC, milliseconds: `java.time.Instant.parse` reads them), a value the
//!   core has no answer for (an opening time not known) empty. Empty when the
//!   kind says all. Kotlin `Map<String, String>`, Java `getDetails()`.

use std::any::Any;
use std::collections::HashMap;

use cimi_core::Lang;
use cimi_core::error::ErrorFamily;

/// Named values saying what an error is about (see the module's doc).
pub type Details = HashMap<String, String>;

/// An error of a call into the library.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CimiError {
    /// A registration request was refused (`event_full`, `address_not_allowed`,
    /// `missing_field`, `obligation_not_acknowledged`…).
    #[error("{kind}: {message}")]
    Refused {
        /// Stable snake_case reason.
        kind: String,
        /// The family, as the core names it (`refused`, `not_found`,
        /// `invalid_state`…; `internal` for the bindings' own).
        family: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
        /// What it is about (`field`, `max`, `obligation`, `allowed`,
        /// `opens_at`…).
        details: Details,
    },
    /// No record with that identifier (`member_not_found`, `event_not_found`,
    /// `registration_not_found`).
    #[error("{kind}: {message}")]
    NotFound {
        /// Stable snake_case reason.
        kind: String,
        /// The family, as the core names it (`refused`, `not_found`,
        /// `invalid_state`…; `internal` for the bindings' own).
        family: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
        /// `entity` (`member`, `event`, `registration`, `help_request`,
        /// `watch_item`) and `id`.
        details: Details,
    },
    /// The state does not allow the operation (`event_transition`,
    /// `capacity_below_confirmed`, `event_over`…).
    #[error("{kind}: {message}")]
    InvalidState {
        /// Stable snake_case reason.
        kind: String,
        /// The family, as the core names it (`refused`, `not_found`,
        /// `invalid_state`…; `internal` for the bindings' own).
        family: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
        /// What it is about (`from` and `to`, `confirmed` and `requested`,
        /// `audience`…).
        details: Details,
    },
    /// An argument is invalid (`invalid_input`, `invalid_address`,
    /// `end_not_after_start`, `nonexistent_local_time`…).
    #[error("{kind}: {message}")]
    InvalidInput {
        /// Stable snake_case reason.
        kind: String,
        /// The family, as the core names it (`refused`, `not_found`,
        /// `invalid_state`…; `internal` for the bindings' own).
        family: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
        /// What it is about (`field`, `reason`…).
        details: Details,
    },
    /// Statutes cannot be loaded or do not hold together (`invalid_statutes`,
    /// `duplicate_id`, `invalid_value`…).
    #[error("{kind}: {message}")]
    Statutes {
        /// Stable snake_case reason.
        kind: String,
        /// The family, as the core names it (`refused`, `not_found`,
        /// `invalid_state`…; `internal` for the bindings' own).
        family: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
        /// What it is about, when the kind does not say all.
        details: Details,
    },
    /// A saved community cannot be loaded (`invalid_json`, `wrong_format`,
    /// `unsupported_version`, `inconsistent_document`…).
    #[error("{kind}: {message}")]
    Format {
        /// Stable snake_case reason.
        kind: String,
        /// The family, as the core names it (`refused`, `not_found`,
        /// `invalid_state`…; `internal` for the bindings' own).
        family: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
        /// What it is about, when the kind does not say all.
        details: Details,
    },
    /// A watch item may not go to that channel
    /// (`internal_item_on_public_channel`, `unknown_channel`).
    #[error("{kind}: {message}")]
    PublicationRefused {
        /// Stable snake_case reason.
        kind: String,
        /// The family, as the core names it (`refused`, `not_found`,
        /// `invalid_state`…; `internal` for the bindings' own).
        family: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
        /// `channel`.
        details: Details,
    },
    /// A file or the durable journal failed (`io_error`, `corrupt_journal`,
    /// `store_poisoned`, `invalid_actor`).
    #[error("{kind}: {message}")]
    Store {
        /// Stable snake_case reason.
        kind: String,
        /// The family, as the core names it (`refused`, `not_found`,
        /// `invalid_state`…; `internal` for the bindings' own).
        family: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
        /// What it is about (`operation` and `path`, `file` and `offset`…).
        details: Details,
    },
    /// An import or export cannot be carried out at all (`csv_empty`,
    /// `csv_too_large`, `message_too_large`…); per-row problems are in the
    /// import report instead.
    #[error("{kind}: {message}")]
    Interop {
        /// Stable snake_case reason.
        kind: String,
        /// The family, as the core names it (`refused`, `not_found`,
        /// `invalid_state`…; `internal` for the bindings' own).
        family: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
        /// What it is about (`column`, `limit`…).
        details: Details,
    },
    /// A bug in the library: a panic caught at the boundary (`panic`), or an
    /// object left unusable by an earlier panic (`poisoned`).
    #[error("{kind}: {message}")]
    Internal {
        /// Stable snake_case reason.
        kind: String,
        /// The family, as the core names it (`refused`, `not_found`,
        /// `invalid_state`…; `internal` for the bindings' own).
        family: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
        /// Always empty.
        details: Details,
    },
}

impl CimiError {
    /// The family, as the core names it: `refused`, `not_found`,
    /// `invalid_state`, `invalid_input`, `statutes`, `format`,
    /// `publication_refused`, `store`, `interop`, or `internal` (the
    /// bindings' own, for bugs).
    pub fn family(&self) -> &'static str {
        let family = match self {
            CimiError::Refused { .. } => ErrorFamily::Refused,
            CimiError::NotFound { .. } => ErrorFamily::NotFound,
            CimiError::InvalidState { .. } => ErrorFamily::InvalidState,
            CimiError::InvalidInput { .. } => ErrorFamily::InvalidInput,
            CimiError::Statutes { .. } => ErrorFamily::Statutes,
            CimiError::Format { .. } => ErrorFamily::Format,
            CimiError::PublicationRefused { .. } => ErrorFamily::PublicationRefused,
            CimiError::Store { .. } => ErrorFamily::Store,
            CimiError::Interop { .. } => ErrorFamily::Interop,
            CimiError::Internal { .. } => return "internal",
        };
        family.as_str()
    }

    /// The stable snake_case kind.
    pub fn kind(&self) -> &str {
        self.parts().0
    }

    /// The message in English.
    pub fn message(&self) -> &str {
        self.parts().1
    }

    /// The message in French.
    pub fn message_fr(&self) -> &str {
        self.parts().2
    }

    /// What the error is about (the core's `Error::details()`, as text).
    pub fn details(&self) -> &Details {
        self.parts().3
    }

    fn parts(&self) -> (&str, &str, &str, &Details) {
        match self {
            CimiError::Refused {
                kind,
                message,
                message_fr,
                details,
                ..
            }
            | CimiError::NotFound {
                kind,
                message,
                message_fr,
                details,
                ..
            }
            | CimiError::InvalidState {
                kind,
                message,
                message_fr,
                details,
                ..
            }
            | CimiError::InvalidInput {
                kind,
                message,
                message_fr,
                details,
                ..
            }
            | CimiError::Statutes {
                kind,
                message,
                message_fr,
                details,
                ..
            }
            | CimiError::Format {
                kind,
                message,
                message_fr,
                details,
                ..
            }
            | CimiError::PublicationRefused {
                kind,
                message,
                message_fr,
                details,
                ..
            }
            | CimiError::Store {
                kind,
                message,
                message_fr,
                details,
                ..
            }
            | CimiError::Interop {
                kind,
                message,
                message_fr,
                details,
                ..
            }
            | CimiError::Internal {
                kind,
                message,
                message_fr,
                details,
                ..
            } => (kind, message, message_fr, details),
        }
    }

    /// The variant of a family (`None`: `Internal`).
    fn of_family(
        family: Option<ErrorFamily>,
        kind: String,
        message: String,
        message_fr: String,
        details: Details,
    ) -> CimiError {
        let name = family.map_or("internal", ErrorFamily::as_str).to_string();
        match family {
            Some(ErrorFamily::Refused) => CimiError::Refused {
                kind,
                family: name,
                message,
                message_fr,
                details,
            },
            Some(ErrorFamily::NotFound) => CimiError::NotFound {
                kind,
                family: name,
                message,
                message_fr,
                details,
            },
            Some(ErrorFamily::InvalidState) => CimiError::InvalidState {
                kind,
                family: name,
                message,
                message_fr,
                details,
            },
            Some(ErrorFamily::InvalidInput) => CimiError::InvalidInput {
                kind,
                family: name,
                message,
                message_fr,
                details,
            },
            Some(ErrorFamily::Statutes) => CimiError::Statutes {
                kind,
                family: name,
                message,
                message_fr,
                details,
            },
            Some(ErrorFamily::Format) => CimiError::Format {
                kind,
                family: name,
                message,
                message_fr,
                details,
            },
            Some(ErrorFamily::PublicationRefused) => CimiError::PublicationRefused {
                kind,
                family: name,
                message,
                message_fr,
                details,
            },
            Some(ErrorFamily::Store) => CimiError::Store {
                kind,
                family: name,
                message,
                message_fr,
                details,
            },
            Some(ErrorFamily::Interop) => CimiError::Interop {
                kind,
                family: name,
                message,
                message_fr,
                details,
            },
            None => CimiError::Internal {
                kind,
                family: name,
                message,
                message_fr,
                details,
            },
        }
    }

    /// An invalid argument detected by the bindings: the core's own
    /// `invalid_input` error (same wording, `details` `field`).
    pub(crate) fn input(field: &str, en: impl AsRef<str>, fr: impl AsRef<str>) -> CimiError {
        cimi_core::Error::InvalidInput {
            field: field.to_string(),
            reason: en.as_ref().to_string(),
            reason_fr: fr.as_ref().to_string(),
        }
        .into()
    }

    /// A state the bindings themselves refuse (`journal_in_use`,
    /// `not_durable`), with no details.
    pub(crate) fn state(kind: &str, en: &str, fr: &str) -> CimiError {
        CimiError::InvalidState {
            kind: kind.into(),
            family: "invalid_state".into(),
            message: en.into(),
            message_fr: fr.into(),
            details: Details::new(),
        }
    }

    /// A file operation of the bindings failed: the core's `io_error`.
    pub(crate) fn io(operation: &'static str, path: &str, err: &std::io::Error) -> CimiError {
        cimi_core::Error::Store(cimi_core::store::StoreError::Io {
            operation,
            path: path.to_string(),
            detail: err.to_string(),
        })
        .into()
    }

    pub(crate) fn poisoned() -> CimiError {
        CimiError::Internal {
            kind: "poisoned".into(),
            family: "internal".into(),
            message: "an earlier call panicked while changing this community; it can no longer be used (reload it from its last saved JSON)".into(),
            message_fr: "un appel précédent a paniqué en modifiant cette communauté ; elle n'est plus utilisable (rechargez-la depuis son dernier JSON enregistré)".into(),
            details: Details::new(),
        }
    }

    pub(crate) fn panic(payload: &(dyn Any + Send)) -> CimiError {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        CimiError::Internal {
            kind: "panic".into(),
            family: "internal".into(),
            message: format!("internal error (a bug in cimi): {what}"),
            message_fr: format!("erreur interne (un défaut de cimi) : {what}"),
            details: Details::new(),
        }
    }
}

impl From<cimi_core::Error> for CimiError {
    fn from(e: cimi_core::Error) -> Self {
        let details = e
            .details()
            .into_iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        CimiError::of_family(
            Some(e.family()),
            e.kind().to_string(),
            e.message(Lang::En),
            e.message(Lang::Fr),
            details,
        )
    }
}

impl From<cimi_core::statutes::StatutesError> for CimiError {
    fn from(e: cimi_core::statutes::StatutesError) -> Self {
        cimi_core::Error::from(e).into()
    }
}

impl From<cimi_core::event::TimeError> for CimiError {
    fn from(e: cimi_core::event::TimeError) -> Self {
        cimi_core::Error::from(e).into()
    }
}

impl From<cimi_core::address::AddressError> for CimiError {
    fn from(e: cimi_core::address::AddressError) -> Self {
        cimi_core::Error::from(e).into()
    }
}

/// An error as plain data, for batch results where one item's failure must
/// not throw away the others.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorInfo {
    /// `refused`, `not_found`, `invalid_state`, `invalid_input`, `statutes`,
    /// `format`, `publication_refused`, `store`, `interop` or `internal`: the
    /// exception class it would have been.
    pub family: String,
    /// Stable snake_case reason.
    pub kind: String,
    /// Message in English.
    pub message: String,
    /// Message in French.
    pub message_fr: String,
    /// What it is about, as the exception's `details` (`field`,
    /// `obligation`…).
    pub details: Details,
}

impl From<CimiError> for ErrorInfo {
    fn from(e: CimiError) -> Self {
        let (kind, message, message_fr, details) = e.parts();
        ErrorInfo {
            family: e.family().to_string(),
            kind: kind.to_string(),
            message: message.to_string(),
            message_fr: message_fr.to_string(),
            details: details.clone(),
        }
    }
}
