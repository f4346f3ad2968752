//! The store's errors: one enum, each variant with a stable kind.

use std::io;
use std::path::Path;

use crate::i18n::Lang;

use crate::limits::MAX_ACTOR_CHARS;

/// A failure of the store.
///
/// ```
/// use cimi_core::journal::StoreError;
/// let e = StoreError::Corrupt { file: "journal.log".into(), offset: 120, detail: "bad checksum".into() };
/// assert_eq!(e.kind(), "corrupt_journal");
/// assert!(e.to_string().contains("120"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// An I/O operation failed; the operation was not acknowledged.
    #[error("{operation} failed on {path}: {detail}")]
    Io {
        /// What was being done.
        operation: &'static str,
        /// On which file.
        path: String,
        /// The system's message.
        detail: String,
    },
    /// A record before the last one is damaged.
    #[error("{file} is damaged at byte offset {offset}: {detail}")]
    Corrupt {
        /// The file.
        file: String,
        /// Byte offset of the damaged record.
        offset: u64,
        /// What is wrong.
        detail: String,
    },
    /// An earlier I/O error: the store refuses writes until it is reopened.
    #[error("the store refuses writes after an earlier I/O error; reopen it")]
    Poisoned,
    /// The actor name is unusable.
    #[error("the actor must be 1 to {MAX_ACTOR_CHARS} characters without control characters")]
    InvalidActor,
    /// Another process (or another handle in this one) writes to this store:
    /// a file store has one writer at a time. Open it read-only to follow it.
    #[error(
        "the store in {location} is already open for writing by another process; open it read-only to follow it"
    )]
    Locked {
        /// The store's directory.
        location: String,
    },
    /// The store was closed; open it again.
    #[error("this store is closed")]
    Closed,
    /// The store was opened read-only: it follows a writer and never writes.
    #[error("this store is open read-only; open it for writing to change the community")]
    ReadOnly,
    /// A read-only store was asked to open a store that does not exist (a
    /// follower never creates one).
    #[error("no store at {location}")]
    NotFound {
        /// Where it was looked for (a directory, or a database's community).
        location: String,
    },
    /// The location holds neither a directory path nor a `postgresql://`
    /// URL this build can use (for instance a URL in a build without the
    /// `postgres` feature, or a URL that does not parse).
    #[error("unusable store location: {detail}")]
    Location {
        /// What is wrong, without the password of a URL.
        detail: String,
    },
    /// The database could not be reached or the connection was lost (server
    /// restarted, network down). The operation was not acknowledged (if the
    /// connection broke while committing, it may have been committed: the
    /// next call catches up and shows it). The store reconnects on the next
    /// call.
    #[error("the database is unavailable: {detail}")]
    Unavailable {
        /// The client's or server's message.
        detail: String,
    },
    /// Other writers held the community for longer than the lock timeout; the
    /// operation was not applied and may be retried.
    #[error("the community is busy: other writers held it longer than the lock timeout")]
    Busy,
    /// The database refused a statement. The operation was not acknowledged.
    #[error("the database refused a statement ({code}): {detail}")]
    Database {
        /// The SQLSTATE code.
        code: String,
        /// The server's message (without its detail line, which may quote data).
        detail: String,
    },
    /// The database's schema was made by a newer version of this library.
    #[error(
        "the store's schema is at version {found}; this library knows versions up to {supported}"
    )]
    SchemaTooNew {
        /// The version found.
        found: i64,
        /// The newest version this library knows.
        supported: i64,
    },
}

impl StoreError {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Io { .. } => "io_error",
            StoreError::Corrupt { .. } => "corrupt_journal",
            StoreError::Poisoned => "store_poisoned",
            StoreError::InvalidActor => "invalid_actor",
            StoreError::Locked { .. } => "store_locked",
            StoreError::ReadOnly => "store_read_only",
            StoreError::Closed => "store_closed",
            StoreError::NotFound { .. } => "store_not_found",
            StoreError::Location { .. } => "invalid_location",
            StoreError::Unavailable { .. } => "database_unavailable",
            StoreError::Busy => "store_busy",
            StoreError::Database { .. } => "database_error",
            StoreError::SchemaTooNew { .. } => "schema_too_new",
        }
    }

    /// The error in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (
                StoreError::Io {
                    operation,
                    path,
                    detail,
                },
                Lang::Fr,
            ) => {
                format!("échec de {operation} sur {path} : {detail}")
            }
            (
                StoreError::Corrupt {
                    file,
                    offset,
                    detail,
                },
                Lang::Fr,
            ) => {
                format!("{file} est endommagé à l'octet {offset} : {detail}")
            }
            (StoreError::Poisoned, Lang::Fr) => {
                "le stockage refuse les écritures après une erreur d'entrée-sortie ; rouvrez-le"
                    .into()
            }
            (StoreError::InvalidActor, Lang::Fr) => format!(
                "l'auteur doit compter de 1 à {MAX_ACTOR_CHARS} caractères, sans caractère de contrôle"
            ),
            (StoreError::Locked { location }, Lang::Fr) => format!(
                "le stockage {location} est déjà ouvert en écriture par un autre processus ; ouvrez-le en lecture seule pour le suivre"
            ),
            (StoreError::ReadOnly, Lang::Fr) => {
                "ce stockage est ouvert en lecture seule ; ouvrez-le en écriture pour modifier la communauté".into()
            }
            (StoreError::Closed, Lang::Fr) => "ce stockage est fermé".into(),
            (StoreError::NotFound { location }, Lang::Fr) => {
                format!("aucun stockage à l'emplacement {location}")
            }
            (StoreError::Location { detail }, Lang::Fr) => {
                format!("emplacement de stockage inutilisable : {detail}")
            }
            (StoreError::Unavailable { detail }, Lang::Fr) => {
                format!("la base de données est indisponible : {detail}")
            }
            (StoreError::Busy, Lang::Fr) => {
                "la communauté est occupée : d'autres écrivains l'ont tenue plus longtemps que le délai d'attente".into()
            }
            (StoreError::Database { code, detail }, Lang::Fr) => {
                format!("la base de données a refusé une instruction ({code}) : {detail}")
            }
            (StoreError::SchemaTooNew { found, supported }, Lang::Fr) => format!(
                "le schéma du stockage est en version {found} ; cette bibliothèque connaît les versions jusqu'à {supported}"
            ),
            _ => self.to_string(),
        }
    }

    pub(crate) fn io(operation: &'static str, path: &Path, e: io::Error) -> StoreError {
        StoreError::Io {
            operation,
            path: path.display().to_string(),
            detail: e.to_string(),
        }
    }
}
