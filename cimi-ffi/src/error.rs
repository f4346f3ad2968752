//! The one error type of the bindings: `CimiException` in Kotlin and Java,
//! `CimiError` in Python and Swift.
//!
//! Each variant is a family of errors (one exception subclass each) and
//! carries the core's stable snake_case `kind` (what a program branches on)
//! and the message in English (`message`; `detail` in Kotlin and Java, whose
//! exceptions already own `message`) and in French (`message_fr`;
//! `detailFr` in Kotlin and Java).

use std::any::Any;

use cimi_core::Lang;

/// An error of a call into the library.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CimiError {
    /// A registration request was refused (`event_full`, `address_not_allowed`,
    /// `missing_field`, `obligation_not_acknowledged`…).
    #[error("{kind}: {message}")]
    Refused {
        /// Stable snake_case reason.
        kind: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
    },
    /// No record with that identifier (`member_not_found`, `event_not_found`,
    /// `registration_not_found`).
    #[error("{kind}: {message}")]
    NotFound {
        /// Stable snake_case reason.
        kind: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
    },
    /// The state does not allow the operation (`event_transition`,
    /// `capacity_below_confirmed`, `event_over`…).
    #[error("{kind}: {message}")]
    InvalidState {
        /// Stable snake_case reason.
        kind: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
    },
    /// An argument is invalid (`invalid_input`, `invalid_address`,
    /// `end_not_after_start`, `nonexistent_local_time`…).
    #[error("{kind}: {message}")]
    InvalidInput {
        /// Stable snake_case reason.
        kind: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
    },
    /// Statutes cannot be loaded or do not hold together (`invalid_statutes`,
    /// `duplicate_id`, `invalid_value`…).
    #[error("{kind}: {message}")]
    Statutes {
        /// Stable snake_case reason.
        kind: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
    },
    /// A saved community cannot be loaded (`invalid_json`, `wrong_format`,
    /// `unsupported_version`, `inconsistent_document`…).
    #[error("{kind}: {message}")]
    Format {
        /// Stable snake_case reason.
        kind: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
    },
    /// A watch item may not go to that channel
    /// (`internal_item_on_public_channel`, `unknown_channel`).
    #[error("{kind}: {message}")]
    PublicationRefused {
        /// Stable snake_case reason.
        kind: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
    },
    /// A file or the durable journal failed (`io_error`, `corrupt_journal`,
    /// `store_poisoned`, `invalid_actor`).
    #[error("{kind}: {message}")]
    Store {
        /// Stable snake_case reason.
        kind: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
    },
    /// An import or export cannot be carried out at all (`csv_empty`,
    /// `csv_too_large`, `message_too_large`…); per-row problems are in the
    /// import report instead.
    #[error("{kind}: {message}")]
    Interop {
        /// Stable snake_case reason.
        kind: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
    },
    /// A bug in the library: a panic caught at the boundary (`panic`), or an
    /// object left unusable by an earlier panic (`poisoned`).
    #[error("{kind}: {message}")]
    Internal {
        /// Stable snake_case reason.
        kind: String,
        /// Message in English.
        message: String,
        /// Message in French.
        message_fr: String,
    },
}

impl CimiError {
    /// The family, as the core names it: `refused`, `not_found`,
    /// `invalid_state`, `invalid_input`, `statutes`, `format`,
    /// `publication_refused`, `store`, `interop`, `internal`.
    pub fn family(&self) -> &'static str {
        match self {
            CimiError::Refused { .. } => "refused",
            CimiError::NotFound { .. } => "not_found",
            CimiError::InvalidState { .. } => "invalid_state",
            CimiError::InvalidInput { .. } => "invalid_input",
            CimiError::Statutes { .. } => "statutes",
            CimiError::Format { .. } => "format",
            CimiError::PublicationRefused { .. } => "publication_refused",
            CimiError::Store { .. } => "store",
            CimiError::Interop { .. } => "interop",
            CimiError::Internal { .. } => "internal",
        }
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

    fn parts(&self) -> (&str, &str, &str) {
        match self {
            CimiError::Refused {
                kind,
                message,
                message_fr,
            }
            | CimiError::NotFound {
                kind,
                message,
                message_fr,
            }
            | CimiError::InvalidState {
                kind,
                message,
                message_fr,
            }
            | CimiError::InvalidInput {
                kind,
                message,
                message_fr,
            }
            | CimiError::Statutes {
                kind,
                message,
                message_fr,
            }
            | CimiError::Format {
                kind,
                message,
                message_fr,
            }
            | CimiError::PublicationRefused {
                kind,
                message,
                message_fr,
            }
            | CimiError::Store {
                kind,
                message,
                message_fr,
            }
            | CimiError::Interop {
                kind,
                message,
                message_fr,
            }
            | CimiError::Internal {
                kind,
                message,
                message_fr,
            } => (kind, message, message_fr),
        }
    }

    /// An invalid argument detected by the bindings (kind `invalid_input`),
    /// worded like the core's own.
    pub(crate) fn input(field: &str, en: impl AsRef<str>, fr: impl AsRef<str>) -> CimiError {
        CimiError::InvalidInput {
            kind: "invalid_input".into(),
            message: format!("invalid {field}: {}", en.as_ref()),
            message_fr: format!("valeur invalide pour {field} : {}", fr.as_ref()),
        }
    }

    /// A file operation of the bindings failed: the core's `io_error`.
    pub(crate) fn io(operation: &'static str, path: &str, err: &std::io::Error) -> CimiError {
        cimi_core::Error::Store(cimi_core::journal::StoreError::Io {
            operation,
            path: path.to_string(),
            detail: err.to_string(),
        })
        .into()
    }

    pub(crate) fn poisoned() -> CimiError {
        CimiError::Internal {
            kind: "poisoned".into(),
            message: "an earlier call panicked while changing this community; it can no longer be used (reload it from its last saved JSON)".into(),
            message_fr: "un appel précédent a paniqué en modifiant cette communauté ; elle n'est plus utilisable (rechargez-la depuis son dernier JSON enregistré)".into(),
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
            message: format!("internal error (a bug in cimi): {what}"),
            message_fr: format!("erreur interne (un défaut de cimi) : {what}"),
        }
    }
}

impl From<cimi_core::Error> for CimiError {
    fn from(e: cimi_core::Error) -> Self {
        let kind = e.kind().to_string();
        let message = e.message(Lang::En);
        let message_fr = e.message(Lang::Fr);
        match e.family() {
            "refused" => CimiError::Refused {
                kind,
                message,
                message_fr,
            },
            "not_found" => CimiError::NotFound {
                kind,
                message,
                message_fr,
            },
            "invalid_state" => CimiError::InvalidState {
                kind,
                message,
                message_fr,
            },
            "invalid_input" => CimiError::InvalidInput {
                kind,
                message,
                message_fr,
            },
            "statutes" => CimiError::Statutes {
                kind,
                message,
                message_fr,
            },
            "format" => CimiError::Format {
                kind,
                message,
                message_fr,
            },
            "publication_refused" => CimiError::PublicationRefused {
                kind,
                message,
                message_fr,
            },
            "store" => CimiError::Store {
                kind,
                message,
                message_fr,
            },
            "interop" => CimiError::Interop {
                kind,
                message,
                message_fr,
            },
            // A family added to the core later: still one exception, never a crash.
            _ => CimiError::Internal {
                kind,
                message,
                message_fr,
            },
        }
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
}

impl From<CimiError> for ErrorInfo {
    fn from(e: CimiError) -> Self {
        ErrorInfo {
            family: e.family().to_string(),
            kind: e.kind().to_string(),
            message: e.message().to_string(),
            message_fr: e.message_fr().to_string(),
        }
    }
}
